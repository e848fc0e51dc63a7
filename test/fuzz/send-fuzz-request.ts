/**
 * Sends one fuzz request over raw HTTP (node:http, so it can send what fetch refuses: a
 * Content-Length shorter than the body, odd paths and headers). Signed requests are signed
 * AFTER mutation with @smithy/signature-v4, as the SDKs sign (S3 unescaped paths with a payload
 * hash header), so they pass SigV4 and reach the parsers and handlers. Each request has a
 * deadline: no answer by then is a hang.
 */
import { Agent, request } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import { REGION, type Credentials } from '../helpers/server.ts';
import type { FuzzRequest } from './fuzz-request.ts';

export interface FuzzResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export type FuzzOutcome = FuzzResponse | { error: string };

/** Keep-alive for throughput; requests with a short Content-Length use their own socket
 * (their extra bytes are read as a next request and the server closes the connection). */
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

/** RFC 3986 encoding as SigV4 canonicalizes it. */
function escape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Query text as UTF-8 can carry it (a lone surrogate becomes U+FFFD, as any client sends it). */
function wellFormed(query: [string, string][]): [string, string][] {
  const fix = (s: string) => Buffer.from(s, 'utf8').toString('utf8');
  return query.map(([k, v]) => [fix(k), fix(v)]);
}

async function signedHeaders(base: URL, r: FuzzRequest, credentials: Credentials): Promise<Record<string, string>> {
  const headers: Record<string, string> = { host: base.host, ...r.headers };
  if (r.signing === 'unsigned') return headers;
  const s3 = r.service === 's3';
  const signer = new SignatureV4({
    service: r.service, region: REGION, sha256: Hash.bind(null, 'sha256'), uriEscapePath: !s3, applyChecksum: s3,
    credentials: r.signing === 'missigned' ? { ...credentials, secretAccessKey: `${credentials.secretAccessKey}x` } : credentials,
  });
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of wellFormed(r.query)) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const signed = await signer.sign({
    method: r.method, protocol: 'http:', hostname: base.hostname, port: Number(base.port), path: r.path, query, headers, body: r.body,
  });
  return signed.headers as Record<string, string>;
}

export async function sendFuzzRequest(baseUrl: string, r: FuzzRequest, credentials: Credentials, deadlineMs: number): Promise<FuzzOutcome> {
  const base = new URL(baseUrl);
  const headers = await signedHeaders(base, r, credentials);
  // Shorter than the body, never longer: a longer one would only wait for bytes never sent.
  const short = r.shortContentLength !== undefined && r.shortContentLength < r.body.length ? r.shortContentLength : undefined;
  headers['content-length'] = String(short ?? r.body.length);
  const qs = wellFormed(r.query).map(([k, v]) => `${escape(k)}=${escape(v)}`).join('&');
  return new Promise<FuzzOutcome>((resolve) => {
    let settled = false;
    const done = (o: FuzzOutcome) => { if (!settled) { settled = true; clearTimeout(timer); resolve(o); } };
    const req = request({
      host: base.hostname, port: base.port, method: r.method, path: qs ? `${r.path}?${qs}` : r.path, headers,
      agent: short === undefined ? agent : false,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e) => done({ error: `response: ${e.message}` }));
    });
    const timer = setTimeout(() => { done({ error: `no answer within ${deadlineMs} ms` }); req.destroy(); }, deadlineMs);
    req.on('error', (e) => done({ error: `request: ${(e as NodeJS.ErrnoException).code ?? e.message}` }));
    req.end(r.body);
  });
}

export function closeFuzzAgent(): void {
  agent.destroy();
}
