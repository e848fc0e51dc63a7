/**
 * A FHIR client for tests: fetch signed with SigV4 (service healthlake), as HealthLake's FHIR
 * clients sign, against a datastore's base URL. Accepts absolute URLs (next links) too.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import { ROOT, REGION, type Credentials } from './server.ts';

export interface FhirResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export interface FhirRequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  credentials?: Credentials;
  service?: string;
}

/** A fetch that signs every request with SigV4 (usable as MedplumClient's fetch). */
export function sigv4Fetch(credentials: Credentials = ROOT, service = 'healthlake', region = REGION) {
  const signer = new SignatureV4({ service, region, credentials, sha256: Hash.bind(null, 'sha256') });
  return async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input.toString() : input.url);
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of url.searchParams) {
      const prev = query[k];
      query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => { headers[k] = v; });
    const body = typeof init.body === 'string' ? init.body : init.body ? Buffer.from(init.body as ArrayBuffer).toString('utf8') : undefined;
    const signed = await signer.sign({
      method: (init.method ?? 'GET').toUpperCase(),
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query,
      headers: { ...headers, host: url.host },
      body,
    });
    return fetch(url, { method: init.method ?? 'GET', headers: signed.headers as Record<string, string>, body });
  };
}

export class FhirClient {
  constructor(readonly base: string, private readonly credentials: Credentials = ROOT) {}

  async request(method: string, path: string, options: FhirRequestOptions = {}): Promise<FhirResponse> {
    const url = /^https?:/.test(path) ? path : `${this.base}${path}`;
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/fhir+json';
    }
    const res = await sigv4Fetch(options.credentials ?? this.credentials, options.service)(url, { method, headers, body });
    const text = await res.text();
    let json: any;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
    return { status: res.status, headers: res.headers, text, json };
  }

  get(path: string, options?: FhirRequestOptions) { return this.request('GET', path, options); }
  post(path: string, body: unknown, options?: FhirRequestOptions) { return this.request('POST', path, { ...options, body }); }
  put(path: string, body: unknown, options?: FhirRequestOptions) { return this.request('PUT', path, { ...options, body }); }
  patch(path: string, body: unknown, options?: FhirRequestOptions) { return this.request('PATCH', path, { ...options, body }); }
  delete(path: string, options?: FhirRequestOptions) { return this.request('DELETE', path, options); }

  /** Follows next links; returns every entry of every page. */
  async searchAll(path: string): Promise<{ entries: any[]; pages: number }> {
    const entries: any[] = [];
    let url: string | undefined = path;
    let pages = 0;
    while (url) {
      const res = await this.get(url);
      if (res.status !== 200) throw new Error(`search ${url} -> ${res.status} ${res.text}`);
      entries.push(...(res.json.entry ?? []));
      pages++;
      url = res.json.link?.find((l: any) => l.relation === 'next')?.url;
    }
    return { entries, pages };
  }
}
