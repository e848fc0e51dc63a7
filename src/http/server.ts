/**
 * The HTTP front: reads each request (bounded body), works out the caller's address, hands the
 * request to the router and writes the answer. One structured log line per request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { BlockList, isIP } from 'node:net';
import type { Logger } from 'pino';
import type { HttpRequest, HttpResponse } from '../wire/types.ts';
import type { CallLog } from './pipeline.ts';
import { bodyTooLargeResponse } from './unrouted.ts';

export type Route = (req: HttpRequest, sourceIp: string, requestId: string, log: CallLog) => Promise<HttpResponse>;

export interface HttpServerOptions {
  maxBodyBytes: number;
  trustedProxies: string[];
  newRequestId: () => string;
  log: Logger;
}

function proxyList(entries: string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [addr, bits] = entry.split('/');
    const family = isIP(addr!) === 6 ? 'ipv6' : 'ipv4';
    if (bits) list.addSubnet(addr!, Number(bits), family);
    else list.addAddress(addr!, family);
  }
  return list;
}

function normalizeIp(ip: string | undefined): string {
  if (!ip) return '0.0.0.0';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

function headersOf(msg: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  const raw = msg.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    out[name] = out[name] === undefined ? value : `${out[name]},${value}`;
  }
  return out;
}

export function createHttpServer(route: Route, options: HttpServerOptions): Server {
  const trusted = proxyList(options.trustedProxies);
  const isTrusted = (ip: string) => trusted.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');

  function sourceIpOf(msg: IncomingMessage): string {
    const peer = normalizeIp(msg.socket.remoteAddress);
    const forwarded = msg.headers['x-forwarded-for'];
    if (!forwarded || options.trustedProxies.length === 0 || !isTrusted(peer)) return peer;
    // Walk right to left past trusted proxies; the first untrusted hop is the client.
    const hops = String(forwarded).split(',').map((h) => h.trim()).filter((h) => isIP(h));
    for (let i = hops.length - 1; i >= 0; i--) if (!isTrusted(hops[i]!)) return hops[i]!;
    return hops[0] ?? peer;
  }

  function send(res: ServerResponse, response: HttpResponse): void {
    const body = typeof response.body === 'string' ? Buffer.from(response.body) : response.body;
    response.headers['content-length'] = String(body.length);
    res.writeHead(response.status, response.headers);
    res.end(body);
  }

  const server = createServer((msg, res) => {
    const started = process.hrtime.bigint();
    const requestId = options.newRequestId();
    const url = msg.url ?? '/';
    const q = url.indexOf('?');
    const req: HttpRequest = {
      method: msg.method ?? 'GET',
      path: q < 0 ? url : url.slice(0, q),
      query: q < 0 ? '' : url.slice(q + 1),
      headers: headersOf(msg),
      body: Buffer.alloc(0),
    };
    const log: CallLog = {};
    const finish = (response: HttpResponse) => {
      send(res, response);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      options.log.info({ requestId, method: req.method, path: req.path, status: response.status, ms: Math.round(ms * 100) / 100, ...log }, 'request');
    };
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > options.maxBodyBytes) {
      finish(bodyTooLargeResponse(req, options.maxBodyBytes, requestId));
      msg.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    msg.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > options.maxBodyBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    msg.on('error', () => res.destroy());
    msg.on('end', () => {
      if (tooLarge) return finish(bodyTooLargeResponse(req, options.maxBodyBytes, requestId));
      req.body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      route(req, sourceIpOf(msg), requestId, log).then(finish, (err: unknown) => {
        options.log.error({ err, requestId }, 'unhandled error');
        finish({
          status: 500,
          headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId },
          body: JSON.stringify({ __type: 'InternalFailure', message: 'Internal server error' }),
        });
      });
    });
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  server.keepAliveTimeout = 65_000;
  return server;
}
