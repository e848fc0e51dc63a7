/** A browser stand-in for console tests: plain fetch with the session cookie and CSRF token. */
import type { ApiCallResponse, SessionInfo, SignInRequest } from '../../../src/console/api-contract.ts';

export const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HealthTrailTest/1.0';

export interface ConsoleResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export class ConsoleClient {
  cookie: string | undefined;
  session: SessionInfo | undefined;

  constructor(readonly baseUrl: string, readonly userAgent = BROWSER_UA) {}

  async request(method: string, path: string, options: {
    body?: unknown; rawBody?: string; contentType?: string; headers?: Record<string, string>; csrf?: string | false;
  } = {}): Promise<ConsoleResponse> {
    const headers: Record<string, string> = { 'user-agent': this.userAgent, ...(options.headers ?? {}) };
    if (this.cookie) headers.cookie = this.cookie;
    const csrf = options.csrf === undefined ? this.session?.csrfToken : options.csrf;
    if (csrf) headers['x-csrf-token'] = csrf;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const setCookie = res.headers.getSetCookie();
    for (const c of setCookie) {
      const [pair] = c.split(';');
      this.cookie = /=$/.test(pair!) ? undefined : pair;
    }
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  async signIn(request: SignInRequest, headers: Record<string, string> = {}): Promise<ConsoleResponse> {
    const res = await this.request('POST', '/console/api/sign-in', { body: request, headers });
    if (res.status === 200) this.session = res.json as SessionInfo;
    return res;
  }

  async call(service: string, operation: string, input: Record<string, unknown> = {}, region?: string): Promise<ConsoleResponse & { json: ApiCallResponse & { error?: any } }> {
    return this.request('POST', '/console/api/call', { body: { service, operation, input, ...(region ? { region } : {}) } });
  }
}
