/**
 * The typed fetch wrapper for /console/api: sign-in and session routes, AWS calls through
 * POST /console/api/call, the FHIR proxy and s3-object. Every session-bound request carries the
 * CSRF token; a 401 means the session is gone, and the shell sends the user back to sign-in.
 */
import {
  CONSOLE_API, CSRF_HEADER,
  type ApiCallRequest, type ApiCallResponse, type SessionInfo, type SignInRequest,
} from '../../api-contract.ts';
import { ApiError, errorFromResponse, toApiError } from './errors.ts';

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };
/** The FHIR proxy's optional region header (api-contract.ts, next to CSRF_QUERY_PARAM). */
const FHIR_REGION_HEADER = 'x-console-region';

async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { credentials: 'same-origin', ...init });
  } catch (e) {
    throw toApiError(e);
  }
}

export async function signIn(request: SignInRequest): Promise<SessionInfo> {
  const res = await send(`${CONSOLE_API}/sign-in`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(request) });
  if (!res.ok) throw await errorFromResponse(res);
  return (await res.json()) as SessionInfo;
}

/** The cookie's session, or null when there is none (401). */
export async function currentSession(): Promise<SessionInfo | null> {
  const res = await send(`${CONSOLE_API}/session`, { method: 'GET', headers: { accept: 'application/json' } });
  if (res.status === 401) return null;
  if (!res.ok) throw await errorFromResponse(res);
  return (await res.json()) as SessionInfo;
}

export interface FhirResponse<T = unknown> {
  status: number;
  body: T;
  etag: string | null;
  location: string | null;
}

/** One signed-in session's view of the API. */
export class ConsoleApi {
  constructor(
    private readonly session: SessionInfo,
    private readonly onExpired: () => void,
  ) {}

  private async request(url: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set(CSRF_HEADER, this.session.csrfToken);
    const res = await send(url, { ...init, headers });
    if (res.status === 401) {
      const error = await errorFromResponse(res);
      this.onExpired();
      throw error;
    }
    return res;
  }

  /** One AWS API call; the output as the model names its members. */
  async call<T = Record<string, unknown>>(
    service: string, operation: string, input: object, region: string, signal?: AbortSignal,
  ): Promise<T> {
    const body: ApiCallRequest = { service, operation, input: input as Record<string, unknown>, region };
    const res = await this.request(`${CONSOLE_API}/call`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body), signal });
    if (!res.ok) throw await errorFromResponse(res);
    const out = (await res.json()) as ApiCallResponse;
    return (out.output ?? {}) as T;
  }

  /**
   * A FHIR REST call on a datastore of `region`: `path` is relative to its r4/ base, query
   * included. The region travels in the proxy's x-console-region header.
   */
  async fhir<T = unknown>(
    datastoreId: string, path: string, region: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<FhirResponse<T>> {
    const url = `${CONSOLE_API}/fhir/${encodeURIComponent(datastoreId)}/r4/${path.replace(/^\/+/, '')}`;
    const headers: Record<string, string> = {
      accept: 'application/fhir+json, application/json', [FHIR_REGION_HEADER]: region, ...init.headers,
    };
    if (init.body !== undefined) headers['content-type'] = 'application/fhir+json';
    const res = await this.request(url, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal,
    });
    if (!res.ok) throw await errorFromResponse(res);
    const text = await res.text();
    return {
      status: res.status,
      body: (text ? JSON.parse(text) : undefined) as T,
      etag: res.headers.get('etag'),
      location: res.headers.get('location') ?? res.headers.get('content-location'),
    };
  }

  /** An object's raw bytes (GetObject as a data event), e.g. a delivered trail log file. */
  async s3Object(bucket: string, key: string, region: string, signal?: AbortSignal): Promise<Blob> {
    const query = new URLSearchParams({ bucket, key, region });
    const res = await this.request(`${CONSOLE_API}/s3-object?${query}`, { method: 'GET', signal });
    if (!res.ok) throw await errorFromResponse(res);
    return res.blob();
  }

  /** The raw stream of the watch route (parsed by api/watch.ts). */
  async watchStream(region: string, signal: AbortSignal): Promise<Response> {
    const query = new URLSearchParams({ region });
    return this.request(`${CONSOLE_API}/events/watch?${query}`, { method: 'GET', headers: { accept: 'text/event-stream' }, signal, cache: 'no-store' });
  }

  async signOut(): Promise<void> {
    const res = await send(`${CONSOLE_API}/sign-out`, { method: 'POST', headers: { [CSRF_HEADER]: this.session.csrfToken } });
    if (!res.ok && res.status !== 401) throw await errorFromResponse(res);
  }
}

export { ApiError };
