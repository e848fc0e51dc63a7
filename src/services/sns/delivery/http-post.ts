/**
 * One POST to a subscriber endpoint, defended against endpoints that misbehave: an overall
 * deadline covering connect, headers and all (the socket is destroyed when it passes), no
 * redirects followed (a 3xx counts as a failure, as SNS counts anything but 2xx), the response
 * body never read, and no connection reuse.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface PostResult {
  ok: boolean;
  status?: number;
  error?: string;
}

export async function postToEndpoint(
  endpoint: string, headers: Record<string, string>, body: string, timeoutMs: number, stop: AbortSignal,
): Promise<PostResult> {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return { ok: false, error: 'endpoint is not a valid URL' };
  }
  const request = url.protocol === 'https:' ? httpsRequest : url.protocol === 'http:' ? httpRequest : undefined;
  if (!request) return { ok: false, error: `unsupported scheme ${url.protocol}` };
  const payload = Buffer.from(body, 'utf8');
  const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), stop]);
  return new Promise<PostResult>((resolve) => {
    const req = request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(payload.length) },
      agent: false,
      signal,
    }, (res) => {
      const status = res.statusCode ?? 0;
      res.destroy();
      if (status >= 200 && status < 300) resolve({ ok: true, status });
      else resolve({ ok: false, status, error: status >= 300 && status < 400 ? `redirect (${status}) not followed` : `HTTP ${status}` });
    });
    req.on('error', (err: Error) => {
      const timedOut = signal.aborted && !stop.aborted;
      resolve({ ok: false, error: timedOut ? `no response within ${timeoutMs} ms` : err.message });
    });
    req.end(payload);
  });
}
