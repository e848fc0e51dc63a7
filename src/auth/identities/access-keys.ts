/**
 * Access keys: long-term keys of the root user and of IAM users (AKIA...), and STS temporary
 * credentials (ASIA...) with what is needed to rebuild the session's identity.
 */
import type { Db } from '../../storage/db.ts';

export type KeyStatus = 'Active' | 'Inactive';

export interface LongTermKey {
  id: string;
  accountId: string;
  /** undefined for root keys. */
  userId?: string;
  secret: string;
  status: KeyStatus;
  createdAt: Date;
}

export type SessionType = 'AssumedRole' | 'FederatedUser' | 'IAMUser' | 'Root';

export interface TemporaryKey {
  id: string;
  accountId: string;
  secret: string;
  sessionToken: string;
  createdAt: Date;
  expiresAt: Date;
  sessionType: SessionType;
  /** AssumedRole: the role. */
  roleId?: string;
  /** IAMUser (GetSessionToken) or FederatedUser issued by a user: the user. */
  userId?: string;
  /** Role session name, or federated user name. */
  sessionName?: string;
  issuerArn?: string;
  sessionPolicy?: string;
  sessionPolicyArns?: string[];
  sourceIdentity?: string;
  roleChained?: boolean;
  /** Console-session credentials (src/console/server): calls made with them are recorded with
   * sessionCredentialFromConsole "true". */
  fromConsole?: boolean;
}

interface KeyRow {
  id: string;
  account_id: string;
  user_id: string | null;
  secret: string;
  status: KeyStatus;
  created_at: number;
}

interface TemporaryRow {
  id: string;
  account_id: string;
  secret: string;
  session_token: string;
  created_at: number;
  expires_at: number;
  session_type: SessionType;
  role_id: string | null;
  user_id: string | null;
  session_name: string | null;
  issuer_arn: string | null;
  session_policy: string | null;
  session_policy_arns: string | null;
  source_identity: string | null;
  role_chained: number;
  from_console: number;
}

const toLongTerm = (r: KeyRow): LongTermKey => {
  const k: LongTermKey = { id: r.id, accountId: r.account_id, secret: r.secret, status: r.status, createdAt: new Date(r.created_at) };
  if (r.user_id !== null) k.userId = r.user_id;
  return k;
};

const LONG_TERM = 'SELECT id, account_id, user_id, secret, status, created_at FROM iam_access_keys';

export class AccessKeyRepo {
  constructor(private readonly db: Db) {}

  /** A long-term (root or user) key by id. */
  longTerm(id: string): LongTermKey | undefined {
    const r = this.db.stmt(`${LONG_TERM} WHERE id = ? AND kind IN ('root', 'user')`).get(id) as KeyRow | undefined;
    return r && toLongTerm(r);
  }

  forUser(userId: string): LongTermKey[] {
    return (this.db.stmt(`${LONG_TERM} WHERE user_id = ? AND kind = 'user' ORDER BY created_at, id`).all(userId) as KeyRow[]).map(toLongTerm);
  }

  forRoot(accountId: string): LongTermKey[] {
    return (this.db.stmt(`${LONG_TERM} WHERE account_id = ? AND kind = 'root' ORDER BY created_at, id`).all(accountId) as KeyRow[]).map(toLongTerm);
  }

  createLongTerm(k: LongTermKey): void {
    this.db.stmt(`INSERT INTO iam_access_keys (id, account_id, kind, secret, status, created_at, user_id)
      VALUES (?, ?, ?, ?, ?, ?, ?)`).run(k.id, k.accountId, k.userId ? 'user' : 'root', k.secret, k.status, k.createdAt.getTime(), k.userId ?? null);
  }

  setStatus(id: string, status: KeyStatus): void {
    this.db.stmt('UPDATE iam_access_keys SET status = ? WHERE id = ?').run(status, id);
  }

  setSecret(id: string, secret: string): void {
    this.db.stmt('UPDATE iam_access_keys SET secret = ? WHERE id = ?').run(secret, id);
  }

  delete(id: string): void {
    this.db.stmt('DELETE FROM iam_access_keys WHERE id = ?').run(id);
  }

  createTemporary(k: TemporaryKey): void {
    this.db.stmt(`INSERT INTO iam_access_keys (id, account_id, kind, secret, status, created_at, user_id, role_id,
        session_type, session_token, expires_at, session_name, issuer_arn, session_policy, session_policy_arns,
        source_identity, role_chained, from_console)
      VALUES (?, ?, 'session', ?, 'Active', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      k.id, k.accountId, k.secret, k.createdAt.getTime(), k.userId ?? null, k.roleId ?? null, k.sessionType,
      k.sessionToken, k.expiresAt.getTime(), k.sessionName ?? null, k.issuerArn ?? null, k.sessionPolicy ?? null,
      k.sessionPolicyArns?.length ? JSON.stringify(k.sessionPolicyArns) : null, k.sourceIdentity ?? null, k.roleChained ? 1 : 0,
      k.fromConsole ? 1 : 0,
    );
  }

  /** Temporary credentials by id, as issued (the console copies a session's identity from it). */
  temporary(id: string): TemporaryKey | undefined {
    const r = this.db.stmt(`SELECT id, account_id, secret, session_token, created_at, expires_at, session_type, role_id, user_id,
        session_name, issuer_arn, session_policy, session_policy_arns, source_identity, role_chained, from_console
      FROM iam_access_keys WHERE id = ? AND kind = 'session'`).get(id) as TemporaryRow | undefined;
    if (!r) return undefined;
    const k: TemporaryKey = {
      id: r.id, accountId: r.account_id, secret: r.secret, sessionToken: r.session_token, createdAt: new Date(r.created_at),
      expiresAt: new Date(r.expires_at), sessionType: r.session_type,
    };
    if (r.role_id !== null) k.roleId = r.role_id;
    if (r.user_id !== null) k.userId = r.user_id;
    if (r.session_name !== null) k.sessionName = r.session_name;
    if (r.issuer_arn !== null) k.issuerArn = r.issuer_arn;
    if (r.session_policy !== null) k.sessionPolicy = r.session_policy;
    if (r.session_policy_arns !== null) k.sessionPolicyArns = JSON.parse(r.session_policy_arns) as string[];
    if (r.source_identity !== null) k.sourceIdentity = r.source_identity;
    if (r.role_chained) k.roleChained = true;
    if (r.from_console) k.fromConsole = true;
    return k;
  }

  /** Managed session policy ARNs of temporary credentials (AssumeRole/GetFederationToken PolicyArns). */
  sessionPolicyArns(id: string): string[] {
    const r = this.db.stmt('SELECT session_policy_arns FROM iam_access_keys WHERE id = ?').get(id) as { session_policy_arns: string | null } | undefined;
    return r?.session_policy_arns ? (JSON.parse(r.session_policy_arns) as string[]) : [];
  }

  /** Removes temporary credentials that expired before `before`. */
  purgeExpired(before: Date): number {
    return this.db.stmt("DELETE FROM iam_access_keys WHERE kind = 'session' AND expires_at < ?").run(before.getTime()).changes;
  }
}
