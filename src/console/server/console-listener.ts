/**
 * What the console's own listener answers: the console (app and /console/api/*) and nothing
 * else. It has its own port, so its own origin: no byte a client stored is ever served from
 * here (S3 objects, FHIR Binary, exports and trail logs live on the API listener), so no stored
 * page can run script as this origin and read its session or CSRF token. MinIO does the same
 * (API on :9000, console on :9001), and AWS never serves object content from the console's site.
 */
import type { CallLog } from '../../http/pipeline.ts';
import type { HttpRequest, HttpResponse } from '../../wire/types.ts';
import { CONSOLE_BASE } from '../api-contract.ts';
import { isConsolePath, type ConsoleServer } from './console-routes.ts';
import { SECURITY_HEADERS } from './responses.ts';

export function consoleListenerRoute(webConsole: ConsoleServer) {
  return async (req: HttpRequest, sourceIp: string, requestId: string, log: CallLog): Promise<HttpResponse> => {
    if (isConsolePath(req.path)) return webConsole.handle(req, sourceIp, requestId, log);
    const headers = { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' };
    if (req.path === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
      return { status: 302, headers: { ...headers, location: `${CONSOLE_BASE}/` }, body: '' };
    }
    return { status: 404, headers, body: `Only the console is served here: ${CONSOLE_BASE}/\n` };
  };
}
