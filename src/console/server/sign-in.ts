/**
 * POST /console/api/sign-in: an access key pair (long-term, or temporary with its session token)
 * or account + IAM user name + console password. Every attempt is recorded as AWS records
 * console sign-ins (ConsoleLogin, AwsConsoleSignIn, record.ts), a success in the same
 * transaction as the session it creates.
 *
 * A failure answers the same whatever went wrong (unknown account, user or key, no password,
 * wrong secret or password, expired credentials) after the same work: the secret is compared
 * against a stand-in and the password verified against an unmatchable scrypt hash when there
 * is nothing real to compare with.
 *
 * Brute force and floods: every attempt is counted (rate-limit.ts) before anything is checked,
 * per user (or access key) whatever the source, and per source address whatever the user;
 * a spent key answers 429 with Retry-After until its window ends. Password checks run one at
 * a time (password-lane.ts) with a short queue; past it a sign-in is refused at once with 503,
 * so sign-ins can neither starve the thread pool that file I/O uses nor queue without bound.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { consoleBaseUrl, type Config } from '../../config.ts';
import type { Clock, IdSource } from '../../core/clock.ts';
import { lookupUserName, type Principal } from '../../core/principal.ts';
import type { Db } from '../../storage/db.ts';
import type { Recorder } from '../../audit/recorder.ts';
import { userIdentityOf } from '../../audit/record.ts';
import {
  AccessKeyRepo, AccountRepo, LoginProfileRepo, PasswordChecksBusy, UNMATCHABLE_HASH, UserRepo, verifyPassword, type IdentityStore,
  type TemporaryKey,
} from '../../auth/identities/index.ts';
import { CONSOLE_BASE, type SignInRequest } from '../api-contract.ts';
import { SignInAttempts, type AttemptLimit } from './rate-limit.ts';
import { ConsoleHttpError } from './responses.ts';
import type { ConsoleSession, ConsoleSessions, SessionSource } from './sessions.ts';

export const HIDDEN_USER_NAME = 'HIDDEN_DUE_TO_SECURITY_REASONS';

export interface SignInDeps {
  db: Db;
  identities: IdentityStore;
  sessions: ConsoleSessions;
  recorder: Recorder;
  clock: Clock;
  ids: IdSource;
  config: Config;
  log: Logger;
}

export interface SignInAttempt {
  body: Record<string, unknown>;
  sourceIp: string;
  userAgent: string;
  hostHeader?: string;
}

/** What checking the credentials found: whom to record, and the session source on success. */
interface Verdict {
  source?: SessionSource;
  recipientAccountId: string;
  userIdentity: Record<string, unknown>;
  username: string;
}

const FAILED = 'The sign-in details are not valid.';

/** Attempts per 5-minute window on one user or access key, from anywhere (guessing one password). */
export const PER_USER_ATTEMPTS = 10;
/** Attempts per 5-minute window from one source address, on any users (spraying many). */
export const PER_SOURCE_ATTEMPTS = 50;
/** Password checks that may wait for the one running; more are refused at once. */
export const PASSWORD_CHECK_QUEUE = 16;

function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

function text(body: Record<string, unknown>, member: string, max: number, optional = false): string | undefined {
  const v = body[member];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > max) {
    throw new ConsoleHttpError(400, 'ValidationError', `${member} must be a string of 1 to ${max} characters.`);
  }
  return v;
}

export function parseSignIn(body: Record<string, unknown>): SignInRequest {
  if (body.method === 'access-key') {
    const token = text(body, 'sessionToken', 4096, true);
    return {
      method: 'access-key', accessKeyId: text(body, 'accessKeyId', 128)!, secretAccessKey: text(body, 'secretAccessKey', 256)!,
      ...(token !== undefined ? { sessionToken: token } : {}),
    };
  }
  if (body.method === 'password') {
    return {
      method: 'password', accountId: text(body, 'accountId', 63)!, userName: text(body, 'userName', 64)!, password: text(body, 'password', 128)!,
    };
  }
  throw new ConsoleHttpError(400, 'ValidationError', 'method must be "access-key" or "password".');
}

export class ConsoleSignIn {
  private readonly attempts = new SignInAttempts();

  constructor(private readonly deps: SignInDeps) {}

  /** The new session, or a ConsoleHttpError (401 for any failed sign-in, 429 when throttled,
   * 503 when too many password checks are waiting). */
  async signIn(attempt: SignInAttempt): Promise<{ sessionId: string; session: ConsoleSession }> {
    const request = parseSignIn(attempt.body);
    const limits = this.limitsOf(request, attempt.sourceIp);
    // Counted here, before the first await: no number of concurrent attempts gets past it.
    const waitMs = this.attempts.reserve(limits, this.deps.clock.now().getTime());
    if (waitMs > 0) {
      await this.record(attempt, this.unknown(request), false);
      const seconds = Math.ceil(waitMs / 1000);
      throw new ConsoleHttpError(429, 'TooManyRequests', `Too many sign-in attempts; try again in ${seconds} seconds.`, { 'retry-after': String(seconds) });
    }
    let verdict: Verdict;
    try {
      verdict = request.method === 'access-key' ? this.checkAccessKey(request) : await this.checkPassword(request);
    } catch (e) {
      this.attempts.refund(limits, this.deps.clock.now().getTime());
      if (!(e instanceof PasswordChecksBusy)) throw e;
      await this.record(attempt, this.unknown(request), false);
      throw new ConsoleHttpError(503, 'ServiceUnavailable', 'Too many sign-ins are being checked; try again in a moment.', { 'retry-after': '1' });
    }
    if (!verdict.source) {
      await this.record(attempt, verdict, false);
      throw new ConsoleHttpError(401, 'SignInFailed', FAILED);
    }
    this.attempts.refund(limits, this.deps.clock.now().getTime());
    const source = verdict.source;
    let created: { sessionId: string; session: ConsoleSession } | undefined;
    await this.deps.db.batched(() => {
      created = this.deps.sessions.create(source, this.deps.clock.now());
      this.recordNow(attempt, verdict, true);
    });
    return created!;
  }

  /** The keys an attempt counts under: its source address, and the user (the account's id when
   * an alias names it; IAM user names are case-insensitive) or access key it claims. */
  private limitsOf(request: SignInRequest, sourceIp: string): AttemptLimit[] {
    let target: string;
    if (request.method === 'access-key') {
      target = `access-key:${request.accessKeyId}`;
    } else {
      const claimed = request.accountId.toLowerCase();
      const account = /^\d{12}$/.test(claimed) ? claimed : new AccountRepo(this.deps.db).byAlias(claimed) ?? claimed;
      target = `user:${account}|${request.userName.toLowerCase()}`;
    }
    return [{ key: target, limit: PER_USER_ATTEMPTS }, { key: `source:${sourceIp}`, limit: PER_SOURCE_ATTEMPTS }];
  }

  private checkAccessKey(request: Extract<SignInRequest, { method: 'access-key' }>): Verdict {
    const now = this.deps.clock.now();
    const creds = this.deps.identities.lookupCredentials(request.accessKeyId);
    // Compare against a stand-in when the key is unknown: the same work either way.
    let ok = sameSecret(request.secretAccessKey, creds?.secretAccessKey ?? 'no-such-access-key-secret-0000000000000');
    const token = request.sessionToken === '' ? undefined : request.sessionToken;
    const tokenMatches = sameSecret(token ?? '', creds?.sessionToken ?? '');
    ok = ok && creds !== undefined && (creds.sessionToken === undefined ? token === undefined : token !== undefined && tokenMatches);
    if (creds?.expiresAt && creds.expiresAt.getTime() <= now.getTime()) ok = false;
    // Console credentials never leave the server; they do not sign in again.
    if (creds?.principal.fromConsole) ok = false;
    if (!creds) return this.unknown(request);
    const p = creds.principal;
    const presented = { ...userIdentityOf(p), accessKeyId: request.accessKeyId };
    if (!ok) {
      const failed: Record<string, unknown> = { type: p.type, principalId: p.principalId, accountId: p.accountId, accessKeyId: request.accessKeyId };
      if (p.userName !== undefined && p.type !== 'AssumedRole') failed.userName = p.userName;
      return { recipientAccountId: p.accountId, userIdentity: failed, username: lookupUserName(p) ?? HIDDEN_USER_NAME };
    }
    let temporary: TemporaryKey | undefined;
    if (creds.sessionToken !== undefined) {
      temporary = new AccessKeyRepo(this.deps.db).temporary(request.accessKeyId);
      if (!temporary) return this.unknown(request);
    }
    const source: SessionSource = { principal: p, method: 'access-key', ...(temporary ? { temporary } : {}) };
    return { source, recipientAccountId: p.accountId, userIdentity: presented, username: lookupUserName(p) ?? p.arn };
  }

  private async checkPassword(request: Extract<SignInRequest, { method: 'password' }>): Promise<Verdict> {
    const accounts = new AccountRepo(this.deps.db);
    const claimed = request.accountId.toLowerCase();
    const accountId = /^\d{12}$/.test(claimed) ? (accounts.get(claimed) ? claimed : undefined) : accounts.byAlias(claimed);
    const user = accountId !== undefined ? new UserRepo(this.deps.db).get(accountId, request.userName) : undefined;
    const profile = user ? new LoginProfileRepo(this.deps.db).get(user.id) : undefined;
    // Verified against an unmatchable hash when there is no profile: the same scrypt work.
    const ok = await verifyPassword(request.password, profile?.passwordHash ?? UNMATCHABLE_HASH, PASSWORD_CHECK_QUEUE) && profile !== undefined;
    if (!user || accountId === undefined) return this.unknown(request);
    if (!ok) {
      return {
        recipientAccountId: accountId,
        userIdentity: { type: 'IAMUser', principalId: user.id, accountId, accessKeyId: '', userName: user.name },
        username: user.name,
      };
    }
    const principal: Principal = {
      type: 'IAMUser', principalId: user.id, arn: user.arn, accountId, accessKeyId: '', userName: user.name, identityArn: user.arn,
    };
    return {
      source: { principal, method: 'password' },
      recipientAccountId: accountId,
      userIdentity: { type: 'IAMUser', principalId: user.id, arn: user.arn, accountId, userName: user.name },
      username: user.name,
    };
  }

  /** Nothing known by that name: AWS's hidden user name, in the account claimed when it is one
   * of ours, else the server's own account. */
  private unknown(request: SignInRequest): Verdict {
    const accounts = new AccountRepo(this.deps.db);
    let accountId = this.deps.config.accountId;
    if (request.method === 'password') {
      const claimed = request.accountId.toLowerCase();
      const known = /^\d{12}$/.test(claimed) ? (accounts.get(claimed) ? claimed : undefined) : accounts.byAlias(claimed);
      if (known) accountId = known;
    }
    const keyId = request.method === 'access-key' && /^[A-Z0-9]{16,128}$/.test(request.accessKeyId) ? request.accessKeyId : '';
    return {
      recipientAccountId: accountId,
      userIdentity: { type: 'IAMUser', accountId, accessKeyId: keyId, userName: HIDDEN_USER_NAME },
      username: HIDDEN_USER_NAME,
    };
  }

  private async record(attempt: SignInAttempt, verdict: Verdict, success: boolean): Promise<void> {
    await this.deps.db.batched(() => this.recordNow(attempt, verdict, success));
  }

  private recordNow(attempt: SignInAttempt, verdict: Verdict, success: boolean): void {
    const now = this.deps.clock.now();
    this.deps.recorder.recordSignIn({
      userIdentity: verdict.userIdentity,
      eventTime: now,
      sourceIp: attempt.sourceIp,
      userAgent: attempt.userAgent,
      success,
      loginTo: `${consoleBaseUrl(this.deps.config)}${CONSOLE_BASE}`,
      eventId: this.deps.ids.timeOrderedUuid(now),
      recipientAccountId: verdict.recipientAccountId,
      ...(attempt.hostHeader ? { hostHeader: attempt.hostHeader } : {}),
    }, verdict.username);
  }
}
