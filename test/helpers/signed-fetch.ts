/** Raw SigV4-signed HTTP requests, for tests that need to send what no SDK would. */
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import { ROOT, REGION, type Credentials } from './server.ts';

export interface RawRequest {
  service: string;
  method?: string;
  path?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | Buffer;
  credentials?: Credentials;
  region?: string;
  signingDate?: Date;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

export async function signedFetch(baseUrl: string, r: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const credentials = r.credentials ?? ROOT;
  const signer = new SignatureV4({ service: r.service, region: r.region ?? REGION, credentials, sha256: Hash.bind(null, 'sha256') });
  const body = r.body ?? '';
  const signed = await signer.sign({
    method: r.method ?? 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: r.path ?? '/',
    query: r.query,
    headers: { host: url.host, ...(r.headers ?? {}) },
    body,
  }, { signingDate: r.signingDate });
  const qs = r.query ? `?${new URLSearchParams(r.query).toString()}` : '';
  const res = await fetch(`${baseUrl}${r.path ?? '/'}${qs}`, {
    method: r.method ?? 'POST',
    headers: signed.headers as Record<string, string>,
    body: (r.method ?? 'POST') === 'GET' ? undefined : typeof body === 'string' ? body : new Uint8Array(body),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}
