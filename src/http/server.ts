/**
 * The HTTP front: reads each request (bounded body), works out the caller's address, hands the
 * request to the router and writes the answer. One structured log line per request.
 *
 * Requests `streamsBody` picks (S3, whose uploads reach gigabytes) are routed with their body
 * unread (req.bodyStream, lazy-request-body.ts); the pipeline reads it under its own limits.
 * Responses may stream their body (S3 GetObject).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { BlockList, isIP } from 'node:net';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import type { HttpRequest, HttpResponse } from '../wire/types.ts';
import type { CallLog } from './pipeline.ts';
import { LazyRequestBody, type BodyRate } from './lazy-request-body.ts';
import { bodyTooLargeResponse } from './unrouted.ts';

/** Buffered bodies must arrive within this time, however they trickle (streamed ones keep a
 * minimum rate instead, lazy-request-body.ts). */
const BUFFERED_REQUEST_TIMEOUT_MS = 60_000;
/** An unread streamed body up to this size is drained so the connection can be reused. */
const DRAIN_LIMIT_BYTES = 8 * 1024 * 1024;

export type Route = (req: HttpRequest, sourceIp: string, requestId: string, log: CallLog) => Promise<HttpResponse>;

export interface HttpServerOptions {
  maxBodyBytes: number;
  trustedProxies: string[];
  newRequestId: () => string;
  log: Logger;
  /** Requests routed with their body unread (see above). */
  streamsBody?: (req: HttpRequest) => boolean;
  /** Slowest streamed body kept open (lazy-request-body.ts). */
  streamedBodyRate?: BodyRate;
  /** Set on every response, over the route's own (the API listener's inert-content.ts). */
  responseHeaders?: Readonly<Record<string, string>>;
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
  // No prototype: a header named like an Object.prototype member (constructor) is only a header.
  const out = Object.create(null) as Record<string, string>;
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

  function send(res: ServerResponse, req: HttpRequest, response: HttpResponse): void {
    if (options.responseHeaders) response.headers = { ...response.headers, ...options.responseHeaders };
    if (response.stream) {
      // content-length is the protocol's (the object's size or range).
      res.writeHead(response.status, response.headers);
      pipeline(response.stream, res).catch((err: unknown) => {
        options.log.warn({ err }, 'streamed response ended early');
        res.destroy();
      });
      return;
    }
    const body = typeof response.body === 'string' ? Buffer.from(response.body) : response.body;
    // A HEAD answer keeps the length of what a GET would send (and sends no body).
    if (!(req.method === 'HEAD' && response.headers['content-length'] !== undefined)) {
      response.headers['content-length'] = String(body.length);
    }
    res.writeHead(response.status, response.headers);
    res.end(body);
  }

  /** After the answer to a streamed request: a body left unread is drained when small, else
   * the connection closes (its bytes must not be read as the next request). */
  function settleUnreadBody(msg: IncomingMessage, body: LazyRequestBody, response: HttpResponse): Promise<void> {
    const chunked = msg.headers['transfer-encoding'] !== undefined;
    const declared = Number(msg.headers['content-length'] ?? (chunked ? NaN : 0));
    if (body.ended || declared === 0 || msg.complete) return Promise.resolve();
    const expectsContinue = /100-continue/i.test(String(msg.headers.expect ?? ''));
    if (!body.started && !expectsContinue && Number.isFinite(declared) && declared <= DRAIN_LIMIT_BYTES) {
      return new Promise((resolve) => {
        msg.on('end', resolve).on('error', resolve).on('close', resolve);
        msg.resume();
      });
    }
    body.destroy();
    response.headers.connection = 'close';
    return Promise.resolve();
  }

  const handle = (msg: IncomingMessage, res: ServerResponse, expectsContinue: boolean) => {
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
      send(res, req, response);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      options.log.info({ requestId, method: req.method, path: req.path, status: response.status, ms: Math.round(ms * 100) / 100, ...log }, 'request');
    };
    const routeFailed = (err: unknown): HttpResponse => {
      options.log.error({ err, requestId }, 'unhandled error');
      return {
        status: 500,
        headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId },
        body: JSON.stringify({ __type: 'InternalFailure', message: 'Internal server error' }),
      };
    };
    if (options.streamsBody?.(req)) {
      const body = new LazyRequestBody(msg, res, expectsContinue, options.streamedBodyRate);
      req.bodyStream = body;
      route(req, sourceIpOf(msg), requestId, log).then((r) => r, routeFailed)
        .then(async (response) => {
          await settleUnreadBody(msg, body, response);
          finish(response);
        });
      return;
    }
    if (expectsContinue) res.writeContinue();
    const timer = setTimeout(() => {
      if (!msg.complete) res.destroy();
    }, BUFFERED_REQUEST_TIMEOUT_MS).unref();
    res.on('close', () => clearTimeout(timer));
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
      route(req, sourceIpOf(msg), requestId, log).then(finish, (err: unknown) => finish(routeFailed(err)));
    });
  };

  const server = createServer((msg, res) => handle(msg, res, false));
  // Answer `Expect: 100-continue` ourselves: streamed bodies only once the handler reads them.
  server.on('checkContinue', (msg: IncomingMessage, res: ServerResponse) => handle(msg, res, true));
  // Whole-request deadline for buffered bodies is the timer above: a multi-gigabyte upload may
  // take long, so the server-wide one is off and stalled sockets are cut by inactivity instead.
  server.requestTimeout = 0;
  server.timeout = 120_000;
  server.headersTimeout = 20_000;
  server.keepAliveTimeout = 65_000;
  return server;
}
