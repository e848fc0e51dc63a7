/**
 * Every failure the console shows: an AWS error code and message (from /console/api/call, the
 * FHIR proxy or the console routes), or a network failure.
 */
import type { ConsoleError } from '../../api-contract.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue?: { severity?: string; code?: string; diagnostics?: string; details?: { text?: string } }[];
}

function isConsoleError(body: unknown): body is ConsoleError {
  return typeof body === 'object' && body !== null && 'error' in body
    && typeof (body as ConsoleError).error === 'object' && typeof (body as ConsoleError).error?.code === 'string';
}

function isOperationOutcome(body: unknown): body is OperationOutcome {
  return typeof body === 'object' && body !== null && (body as { resourceType?: unknown }).resourceType === 'OperationOutcome';
}

/** The error a failed response carries: ConsoleError JSON, a FHIR OperationOutcome, or its status. */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  const requestId = res.headers.get('x-amzn-requestid') ?? res.headers.get('x-amz-request-id') ?? undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (isConsoleError(body)) {
    return new ApiError(res.status, body.error.code, body.error.message, body.error.requestId ?? requestId);
  }
  if (isOperationOutcome(body)) {
    const issues = body.issue ?? [];
    const code = res.headers.get('x-amzn-errortype')?.split(':')[0] || issues[0]?.code || `HTTP ${res.status}`;
    const message = issues.map((i) => i.diagnostics ?? i.details?.text ?? i.code ?? '').filter(Boolean).join('; ');
    return new ApiError(res.status, code, message || res.statusText, requestId);
  }
  if (typeof body === 'object' && body !== null) {
    // AWS JSON error bodies ({__type, message}) in case a route forwards one unchanged.
    const b = body as { __type?: unknown; message?: unknown; Message?: unknown };
    if (typeof b.__type === 'string') {
      return new ApiError(res.status, b.__type.split('#').pop()!, String(b.message ?? b.Message ?? ''), requestId);
    }
  }
  return new ApiError(res.status, `HTTP ${res.status}`, text.slice(0, 500) || res.statusText || 'Request failed', requestId);
}

export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof DOMException && e.name === 'AbortError') return new ApiError(0, 'Aborted', 'The request was cancelled.');
  if (e instanceof TypeError) return new ApiError(0, 'NetworkError', `The server could not be reached (${e.message}).`);
  if (e instanceof Error) return new ApiError(0, e.name || 'Error', e.message);
  return new ApiError(0, 'Error', String(e));
}

export function isAbort(e: unknown): boolean {
  return (e instanceof DOMException && e.name === 'AbortError') || (e instanceof ApiError && e.code === 'Aborted');
}
