/**
 * Console sessions. A session is a random id (the cookie; only its SHA-256 is stored) bound to
 * console credentials of its own: a temporary key (ASIA..., kind 'session', from_console) for the
 * principal that signed in, so every call the console makes is that principal's, recorded with
 * sessionCredentialFromConsole "true" and the session's access key. The CSRF token is derived
 * from the id (csrf.ts). Ending a session deletes its key, and the row goes with it.
 */
import type { Recorder } from '../../audit/recorder.ts';
import { createHash, randomBytes } from 'node:crypto';
import type { Config } from '../../config.ts';
import type { IdSource } from '../../core/clock.ts';
import { lookupUserName, type Principal } from '../../core/principal.ts';
import type { Db } from '../../storage/db.ts';
import {
  AccessKeyRepo, newSecretAccessKey, newSessionToken, newTemporaryKeyId, type IdentityStore, type TemporaryKey,
} from '../../auth/identities/index.ts';
import type { SessionInfo } from '../api-contract.ts';
import { csrfTokenFor } from './csrf.ts';

export type SignInMethod = 'access-key' | 'password';

/** Who signed in: a long-term principal (root or IAM user), or a temporary key's session. */
export interface SessionSource {
  principal: Principal;
  /** Set when the sign-in used temporary credentials: the console key copies their session. */
  temporary?: TemporaryKey;
  method: SignInMethod;
}

export interface ConsoleSession {
  idHash: string;
  accessKeyId: string;
  accountId: string;
  region: string;
  method: SignInMethod;
  createdAt: Date;
  expiresAt: Date;
  /** As the console key authenticates: fromConsole, with sessionContext.attributes. */
  principal: Principal;
  csrfToken: string;
}

interface SessionRow {
  access_key_id: string;
  account_id: string;
  region: string;
  sign_in_method: SignInMethod;
  created_at: number;
  expires_at: number;
}

export function hashSessionId(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('hex');
}

/** Session ids are 256 random bits, base64url: anything else is not one of ours. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

export class ConsoleSessions {
  constructor(private readonly deps: { db: Db; identities: IdentityStore; ids: IdSource; config: Config; recorder: Recorder }) {}

  /** Call inside the sign-in's transaction: the console key and the session row. */
  create(source: SessionSource, now: Date): { sessionId: string; session: ConsoleSession } {
    const { db, ids, config } = this.deps;
    const lifetimeEnd = Math.floor(now.getTime() / 1000) * 1000 + config.consoleSessionSeconds * 1000;
    const base = source.temporary;
    const p = source.principal;
    const key: TemporaryKey = {
      ...(base ?? {
        accountId: p.accountId,
        sessionType: p.type === 'Root' ? 'Root' as const : 'IAMUser' as const,
        ...(p.type === 'IAMUser' ? { userId: p.principalId } : {}),
        issuerArn: p.arn,
      }),
      id: newTemporaryKeyId(ids),
      secret: newSecretAccessKey(ids),
      sessionToken: newSessionToken(ids),
      createdAt: now,
      // Temporary credentials cannot be stretched by signing in with them.
      expiresAt: new Date(Math.min(lifetimeEnd, base?.expiresAt.getTime() ?? Infinity)),
      fromConsole: true,
    };
    new AccessKeyRepo(db).createTemporary(key);
    const sessionId = randomBytes(32).toString('base64url');
    const idHash = hashSessionId(sessionId);
    db.stmt(`INSERT INTO console_sessions (id_hash, access_key_id, account_id, region, sign_in_method, created_at, expires_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)`).run(idHash, key.id, key.accountId, config.defaultRegion, source.method, now.getTime(), key.expiresAt.getTime());
    const principal = this.deps.identities.lookupCredentials(key.id)?.principal;
    if (!principal) throw new Error('console key did not resolve to its principal');
    return {
      sessionId,
      session: {
        idHash, accessKeyId: key.id, accountId: key.accountId, region: config.defaultRegion, method: source.method,
        createdAt: now, expiresAt: key.expiresAt, principal, csrfToken: csrfTokenFor(sessionId),
      },
    };
  }

  /** The session a cookie names; 'expired' (and removed) once past its end; undefined when there
   * is none or its principal no longer exists. */
  resolve(sessionId: string | undefined, now: Date): ConsoleSession | 'expired' | undefined {
    if (sessionId === undefined || !SESSION_ID.test(sessionId)) return undefined;
    const idHash = hashSessionId(sessionId);
    const row = this.deps.db.stmt(`SELECT access_key_id, account_id, region, sign_in_method, created_at, expires_at
      FROM console_sessions WHERE id_hash = ?`).get(idHash) as SessionRow | undefined;
    if (!row) return undefined;
    if (row.expires_at <= now.getTime()) {
      this.deleteKey(row.access_key_id);
      return 'expired';
    }
    const principal = this.deps.identities.lookupCredentials(row.access_key_id)?.principal;
    if (!principal) return undefined;
    return {
      idHash, accessKeyId: row.access_key_id, accountId: row.account_id, region: row.region, method: row.sign_in_method,
      createdAt: new Date(row.created_at), expiresAt: new Date(row.expires_at), principal, csrfToken: csrfTokenFor(sessionId),
    };
  }

  /** Whether the session still exists and is within its lifetime (event watchers ask). */
  isLive(session: ConsoleSession, now: Date): boolean {
    if (session.expiresAt.getTime() <= now.getTime()) return false;
    return this.deps.db.stmt('SELECT 1 FROM console_sessions WHERE id_hash = ?').get(session.idHash) !== undefined;
  }

  /** Sign-out: the key goes, and the session row with it (ON DELETE CASCADE). */
  end(session: ConsoleSession): void {
    this.deleteKey(session.accessKeyId);
  }

  /** Removes every session past its end, with its key. */
  purgeExpired(now: Date): number {
    return this.deps.db.transaction(() => this.deps.db.stmt(`DELETE FROM iam_access_keys WHERE id IN
      (SELECT access_key_id FROM console_sessions WHERE expires_at <= ?)`).run(now.getTime()).changes);
  }

  info(session: ConsoleSession): SessionInfo {
    const p = session.principal;
    return {
      principalArn: p.arn,
      accountId: session.accountId,
      principalType: p.type,
      displayName: lookupUserName(p) ?? p.arn,
      accessKeyId: session.accessKeyId,
      region: session.region,
      regions: this.regions(session.accountId, session.region),
      expiresAt: session.expiresAt.toISOString(),
      csrfToken: session.csrfToken,
    };
  }

  /** The configured region, the session's, and every region the account has events in (a skip
   * scan over Event history's time index: one probe per region, not per event). */
  private regions(accountId: string, current: string): string[] {
    const rows = this.deps.recorder.events.regions(accountId);
    return [...new Set([this.deps.config.defaultRegion, current, ...rows])].sort();
  }

  private deleteKey(accessKeyId: string): void {
    this.deps.db.transaction(() => new AccessKeyRepo(this.deps.db).delete(accessKeyId));
  }
}
