/**
 * Everything under /console on the console listener: the API routes (api-contract.ts) with their defences, and the
 * single-page app (static-files.ts).
 *
 *   POST /console/api/sign-in      sign-in.ts          no session, no CSRF token; JSON body
 *   GET  /console/api/session      sessions.ts         session cookie only
 *   POST /console/api/sign-out     sessions.ts         session + CSRF
 *   POST /console/api/call         api-call.ts         session + CSRF; JSON body
 *   ANY  /console/api/fhir/...     fhir-proxy.ts       session + CSRF
 *   GET  /console/api/s3-object    s3-object.ts        session + CSRF
 *   GET  /console/api/events/watch events-watch.ts     session + CSRF
 *
 * Served only by the console's own listener (console-listener.ts), never on the API origin.
 * Defences, in order: an Origin naming another origin (or a Sec-Fetch-Site other than
 * same-origin) is 403;
 * the session cookie must name a live session (401, expired ones included); the CSRF header must
 * carry the session's token (403). Bodies are JSON only and bounded. Every error is a
 * ConsoleError; bad input is always a 4xx.
 */
import type { Logger } from 'pino';
import { consoleBaseUrl, publicBaseUrl, type Config } from '../../config.ts';
import type { Clock, IdSource } from '../../core/clock.ts';
import type { Db } from '../../storage/db.ts';
import type { Recorder } from '../../audit/recorder.ts';
import type { IdentityStore } from '../../auth/identities/index.ts';
import type { ApiPipeline, CallLog } from '../../http/pipeline.ts';
import type { FhirGateway } from '../../http/fhir-gateway.ts';
import type { HttpRequest, HttpResponse } from '../../wire/types.ts';
import { CONSOLE_API, CONSOLE_BASE, CSRF_HEADER, CSRF_QUERY_PARAM } from '../api-contract.ts';
import { ConsoleApiCalls } from './api-call.ts';
import { clearedSessionCookie, readCookie, SESSION_COOKIE, sessionCookie } from './cookies.ts';
import { csrfMatches, sameOrigin } from './csrf.ts';
import { EventWatchers, type WatchOptions } from './events-watch.ts';
import { FHIR_PROXY_PATH, proxyFhir } from './fhir-proxy.ts';
import { readJsonObject, requireJsonOrEmpty } from './request-body.ts';
import { ConsoleHttpError, errorResponse, jsonResponse, noContent } from './responses.ts';
import { downloadObject } from './s3-object.ts';
import { ConsoleSessions, type ConsoleSession } from './sessions.ts';
import { ConsoleSignIn } from './sign-in.ts';
import { StaticFiles } from './static-files.ts';

const SIGN_IN_BODY_LIMIT = 16 * 1024;
const CALL_BODY_LIMIT = 1024 * 1024;
const PURGE_INTERVAL_MS = 10 * 60_000;

export interface ConsoleDeps {
  config: Config;
  db: Db;
  clock: Clock;
  ids: IdSource;
  identities: IdentityStore;
  recorder: Recorder;
  pipeline: ApiPipeline;
  fhir: FhirGateway;
  log: Logger;
  /** Where the built app lives (tests point it at a temporary directory). */
  distDir?: string;
  watch?: Partial<WatchOptions>;
}

export function isConsolePath(path: string): boolean {
  return path === CONSOLE_BASE || path.startsWith(`${CONSOLE_BASE}/`);
}

export class ConsoleServer {
  private readonly sessions: ConsoleSessions;
  private readonly signIns: ConsoleSignIn;
  private readonly calls: ConsoleApiCalls;
  private readonly watchers: EventWatchers;
  private readonly files: StaticFiles;
  private readonly reader: Db;
  private readonly purgeTimer: NodeJS.Timeout;

  constructor(private readonly deps: ConsoleDeps) {
    this.sessions = new ConsoleSessions(deps);
    this.signIns = new ConsoleSignIn({ ...deps, sessions: this.sessions });
    this.calls = new ConsoleApiCalls(deps.pipeline);
    this.reader = deps.db.openReader();
    this.watchers = new EventWatchers(this.reader, this.sessions, deps.clock, deps.watch);
    this.files = new StaticFiles(deps.distDir);
    this.purgeTimer = setInterval(() => {
      try {
        this.sessions.purgeExpired(deps.clock.now());
      } catch (err) {
        deps.log.warn({ err }, 'purging expired console sessions failed');
      }
    }, PURGE_INTERVAL_MS);
    this.purgeTimer.unref();
  }

  async handle(req: HttpRequest, sourceIp: string, requestId: string, log: CallLog): Promise<HttpResponse> {
    if (req.path !== CONSOLE_API && !req.path.startsWith(`${CONSOLE_API}/`)) return this.files.serve(req);
    log.service = 'console';
    try {
      return await this.api(req, sourceIp, requestId, log);
    } catch (e) {
      if (e instanceof ConsoleHttpError) {
        log.errorCode = e.code;
        return errorResponse(e.status, e.code, e.message, requestId, e.headers);
      }
      this.deps.log.error({ err: e, requestId }, 'console request failed');
      log.errorCode = 'InternalFailure';
      return errorResponse(500, 'InternalFailure', 'The console request failed on the server.', requestId);
    }
  }

  close(): void {
    clearInterval(this.purgeTimer);
    this.watchers.close();
    this.reader.close();
  }

  private async api(req: HttpRequest, sourceIp: string, requestId: string, log: CallLog): Promise<HttpResponse> {
    const origins = { console: new URL(consoleBaseUrl(this.deps.config)).origin, api: new URL(publicBaseUrl(this.deps.config)).origin };
    if (!sameOrigin(req, origins)) {
      throw new ConsoleHttpError(403, 'ForbiddenOrigin', 'Requests to the console API must come from the console itself.');
    }
    const route = req.path.slice(CONSOLE_API.length);
    const caller = { requestId, sourceIp };

    if (route === '/sign-in') {
      this.method(req, 'POST');
      const { sessionId, session } = await this.signIns.signIn({
        body: readJsonObject(req, SIGN_IN_BODY_LIMIT),
        sourceIp,
        userAgent: req.headers['user-agent'] ?? '',
        ...(req.headers.host ? { hostHeader: req.headers.host } : {}),
      });
      log.principal = session.principal.arn;
      const maxAge = (session.expiresAt.getTime() - this.deps.clock.now().getTime()) / 1000;
      return jsonResponse(200, this.sessions.info(session), { 'set-cookie': sessionCookie(sessionId, maxAge, this.secure()) });
    }
    if (route === '/session') {
      this.method(req, 'GET');
      const session = this.session(req);
      log.principal = session.principal.arn;
      return jsonResponse(200, this.sessions.info(session));
    }

    const session = this.session(req);
    log.principal = session.principal.arn;
    this.checkCsrf(req, session, route === '/events/watch' || route === '/s3-object');

    if (route === '/sign-out') {
      this.method(req, 'POST');
      requireJsonOrEmpty(req);
      this.sessions.end(session);
      return noContent({ 'set-cookie': clearedSessionCookie(this.secure()) });
    }
    if (route === '/call') {
      this.method(req, 'POST');
      return this.calls.call(session, readJsonObject(req, Math.min(CALL_BODY_LIMIT, this.deps.config.maxBodyBytes)), caller, log);
    }
    if (FHIR_PROXY_PATH.test(req.path)) return proxyFhir(this.deps.fhir, this.deps.clock, session, req, caller, log);
    if (route === '/s3-object') {
      this.method(req, 'GET');
      return downloadObject(this.deps.pipeline, session, req, caller, log);
    }
    if (route === '/events/watch') {
      this.method(req, 'GET');
      return this.watchers.open(session, req.query);
    }
    throw new ConsoleHttpError(404, 'NotFound', `No console API route ${req.method} ${req.path.slice(0, 200)}.`);
  }

  private method(req: HttpRequest, allowed: 'GET' | 'POST'): void {
    if (req.method !== allowed) throw new ConsoleHttpError(405, 'MethodNotAllowed', `Use ${allowed} for ${req.path}.`, { allow: allowed });
  }

  /** The cookie's live session, or 401 (an expired one also clears the cookie). */
  private session(req: HttpRequest): ConsoleSession {
    const found = this.sessions.resolve(readCookie(req.headers.cookie, SESSION_COOKIE), this.deps.clock.now());
    if (found === 'expired') {
      throw new ConsoleHttpError(401, 'SessionExpired', 'The console session has expired; sign in again.', {
        'set-cookie': clearedSessionCookie(this.secure()),
      });
    }
    if (!found) throw new ConsoleHttpError(401, 'NotSignedIn', 'Sign in to the console first.');
    return found;
  }

  /** The x-csrf-token header; GET routes a browser opens without headers (EventSource, a
   * download link) may carry it as ?csrf= instead. */
  private checkCsrf(req: HttpRequest, session: ConsoleSession, queryAllowed: boolean): void {
    let sent: string | undefined = req.headers[CSRF_HEADER];
    if (sent === undefined && queryAllowed && req.method === 'GET') sent = new URLSearchParams(req.query).get(CSRF_QUERY_PARAM) ?? undefined;
    if (!csrfMatches(sent, session.csrfToken)) {
      throw new ConsoleHttpError(403, 'InvalidCsrfToken', `The ${CSRF_HEADER} header is missing or does not match this session.`);
    }
  }

  private secure(): boolean {
    return consoleBaseUrl(this.deps.config).startsWith('https:');
  }
}
