/**
 * What authentication asks of identities: resolve an access key id to its secret and principal
 * (on every request, so one cached statement), the policies that apply to a principal, and the
 * account bootstrap that guarantees a working root key.
 */
import type { Clock, IdSource } from '../../core/clock.ts';
import type { Principal } from '../../core/principal.ts';
import type { Db } from '../../storage/db.ts';
import type { PolicySet } from '../policy/types.ts';
import { AccessKeyRepo, type SessionType } from './access-keys.ts';
import { AccountRepo } from './accounts.ts';
import { newLongTermKeyId, newSecretAccessKey } from './arns.ts';
import { ManagedPolicyRepo } from './managed-policies.ts';
import { assumedRolePrincipal, federatedUserPrincipal, iamUserPrincipal, rootPrincipal } from './principals.ts';

/** The root user's implicit permissions (also the identity side of root-issued federated users). */
export const ALLOW_ALL_POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}';
/** Stands in for a policy that no longer exists (a deleted boundary or managed session policy):
 * it allows nothing, so the limit it imposed stays. */
export const ALLOW_NOTHING_POLICY = '{"Version":"2012-10-17","Statement":[]}';

export interface ResolvedCredentials {
  secretAccessKey: string;
  sessionToken?: string;
  expiresAt?: Date;
  principal: Principal;
}

interface LookupRow {
  kind: 'root' | 'user' | 'session';
  secret: string;
  status: 'Active' | 'Inactive';
  created_at: number;
  account_id: string;
  key_user_id: string | null;
  key_role_id: string | null;
  session_type: SessionType | null;
  session_token: string | null;
  expires_at: number | null;
  session_name: string | null;
  session_policy: string | null;
  source_identity: string | null;
  from_console: number | null;
  alias: string | null;
  user_id: string | null;
  user_name: string | null;
  user_arn: string | null;
  role_id: string | null;
  role_name: string | null;
  role_arn: string | null;
}

const LOOKUP = `SELECT k.kind, k.secret, k.status, k.created_at, k.account_id, k.user_id AS key_user_id,
    k.role_id AS key_role_id, k.session_type, k.session_token, k.expires_at, k.session_name, k.session_policy,
    k.source_identity, k.from_console, a.alias, u.id AS user_id, u.name AS user_name, u.arn AS user_arn,
    r.id AS role_id, r.name AS role_name, r.arn AS role_arn
  FROM iam_access_keys k
  JOIN accounts a ON a.id = k.account_id
  LEFT JOIN iam_users u ON u.id = k.user_id
  LEFT JOIN iam_roles r ON r.id = k.role_id
  WHERE k.id = ?`;

const ENTITY_POLICIES = {
  user: `SELECT document FROM iam_user_policies WHERE user_id = @id
    UNION ALL
    SELECT v.document FROM iam_user_attachments a
      JOIN iam_policies p ON p.id = a.policy_id
      JOIN iam_policy_versions v ON v.policy_id = p.id AND v.version_id = p.default_version
    WHERE a.user_id = @id`,
  role: `SELECT document FROM iam_role_policies WHERE role_id = @id
    UNION ALL
    SELECT v.document FROM iam_role_attachments a
      JOIN iam_policies p ON p.id = a.policy_id
      JOIN iam_policy_versions v ON v.policy_id = p.id AND v.version_id = p.default_version
    WHERE a.role_id = @id`,
} as const;

const BOUNDARY = {
  user: 'SELECT permissions_boundary AS arn FROM iam_users WHERE id = ?',
  role: 'SELECT permissions_boundary AS arn FROM iam_roles WHERE id = ?',
} as const;

/** Resolved keys kept in memory at most (a full cache is emptied and refills). */
const CACHE_ENTRIES = 10_000;

/** The tables a resolved key is read from: any update or delete there empties the caches. */
const CACHED_FROM = ['iam_access_keys', 'iam_users', 'iam_roles', 'accounts'];

/** What a cache must forget: everything (an update, delete or rollback), or only its negative
 * entries (a new access key, which may carry an id looked up before it existed). */
type IdentityChange = 'all' | 'key-added';

/** Caches to empty per connection, told by temporary triggers on CACHED_FROM. */
const invalidators = new WeakMap<Db, Set<(change: IdentityChange) => void>>();

function onIdentityChange(db: Db, invalidate: (change: IdentityChange) => void): void {
  let set = invalidators.get(db);
  if (!set) {
    const listeners = new Set<(change: IdentityChange) => void>();
    set = listeners;
    invalidators.set(db, set);
    const tell = (change: IdentityChange) => () => {
      for (const l of listeners) l(change);
      return null;
    };
    db.sql.function('healthtrail_identity_changed', { deterministic: false, varargs: false }, tell('all'));
    db.sql.function('healthtrail_access_key_added', { deterministic: false, varargs: false }, tell('key-added'));
    for (const table of CACHED_FROM) {
      for (const event of ['UPDATE', 'DELETE']) {
        db.sql.exec(`CREATE TEMP TRIGGER IF NOT EXISTS healthtrail_${table}_${event.toLowerCase()}_cache AFTER ${event} ON main.${table}
          BEGIN SELECT healthtrail_identity_changed(); END`);
      }
    }
    db.sql.exec(`CREATE TEMP TRIGGER IF NOT EXISTS healthtrail_iam_access_keys_insert_cache AFTER INSERT ON main.iam_access_keys
      BEGIN SELECT healthtrail_access_key_added(); END`);
    // A rolled-back write may have been read (and cached) before it was undone.
    db.onRollback(() => {
      for (const l of listeners) l('all');
    });
  }
  set.add(invalidate);
}

export class IdentityStore {
  /**
   * Resolved credentials by access key id: a key is resolved on every request, and the join
   * behind it cost more than the signature check. Emptied by any update or delete of keys, users,
   * roles or accounts made through this connection (triggers), and by any rollback. Expiry is
   * checked by the caller on every request from `expiresAt`.
   */
  private readonly cache = new Map<string, ResolvedCredentials>();
  /**
   * Key ids that resolved to nothing (unknown, Inactive, or their user or role gone). Remembered
   * so that an unknown key is refused from memory, as a known key with a wrong signature is:
   * without it each unknown key cost a database lookup, and the extra microseconds told an
   * attacker which key ids exist (bench/unknown-key-timing.ts). Emptied with the cache above, and
   * by any new access key (a trigger on insert), whose id may have been looked up before.
   */
  private readonly unknown = new Set<string>();

  constructor(private readonly db: Db, private readonly clock: Clock, private readonly ids: IdSource) {
    if (!db.sql.readonly) {
      onIdentityChange(db, (change) => {
        this.unknown.clear();
        if (change === 'all') this.cache.clear();
      });
    }
  }

  /** undefined for an unknown or Inactive key, or one whose user or role no longer exists.
   * Expiry is not checked here: the caller answers ExpiredToken from `expiresAt`. */
  lookupCredentials(accessKeyId: string): ResolvedCredentials | undefined {
    const cached = this.cache.get(accessKeyId);
    if (cached) return cached;
    if (this.unknown.has(accessKeyId)) return undefined;
    const resolved = this.resolve(accessKeyId);
    if (this.db.sql.readonly) return resolved;
    if (resolved) {
      if (this.cache.size >= CACHE_ENTRIES) this.cache.clear();
      this.cache.set(accessKeyId, resolved);
    } else {
      if (this.unknown.size >= CACHE_ENTRIES) this.unknown.clear();
      this.unknown.add(accessKeyId);
    }
    return resolved;
  }

  private resolve(accessKeyId: string): ResolvedCredentials | undefined {
    const r = this.db.stmt(LOOKUP).get(accessKeyId) as LookupRow | undefined;
    if (!r || r.status !== 'Active') return undefined;
    const principal = this.principalOf(accessKeyId, r);
    if (!principal) return undefined;
    if (r.from_console) principal.fromConsole = true;
    const resolved: ResolvedCredentials = { secretAccessKey: r.secret, principal };
    if (r.session_token !== null) resolved.sessionToken = r.session_token;
    if (r.expires_at !== null) resolved.expiresAt = new Date(r.expires_at);
    return resolved;
  }

  /** Identity policies (and session policies, boundary) that govern the principal's calls. */
  policiesFor(principal: Principal): PolicySet {
    const issuer = principal.sessionContext?.sessionIssuer;
    switch (principal.type) {
      case 'IAMUser':
        return this.entityPolicies('user', principal.principalId);
      case 'AssumedRole': {
        const set = this.entityPolicies('role', issuer?.principalId ?? '');
        const session = this.sessionPolicies(principal);
        if (session.length) set.sessionPolicies = session;
        return set;
      }
      case 'FederatedUser': {
        const set = issuer?.type === 'IAMUser' ? this.entityPolicies('user', issuer.principalId) : { identityPolicies: [ALLOW_ALL_POLICY] };
        // A federated session without a session policy has no permissions at all.
        const session = this.sessionPolicies(principal);
        set.sessionPolicies = session.length ? session : [ALLOW_NOTHING_POLICY];
        return set;
      }
      case 'Root':
        return { identityPolicies: [ALLOW_ALL_POLICY] };
      default:
        return { identityPolicies: [] };
    }
  }

  /** Creates the account if needed and returns a working root key. With `rootKey`, that key is
   * the one returned: inserted, re-activated or given the new secret as needed (other root keys
   * are left alone). Without it, the first active root key, or a new one. `created` tells
   * whether a key was inserted now. */
  ensureAccount(accountId: string, rootKey?: { accessKeyId: string; secretAccessKey: string }):
    { accessKeyId: string; secretAccessKey: string; created: boolean } {
    return this.db.transaction(() => {
      const now = this.clock.now();
      new AccountRepo(this.db).ensure(accountId, now);
      const keys = new AccessKeyRepo(this.db);
      if (rootKey) {
        const existing = keys.longTerm(rootKey.accessKeyId);
        if (existing && (existing.accountId !== accountId || existing.userId !== undefined)) {
          throw new Error(`access key ${rootKey.accessKeyId} already belongs to another identity`);
        }
        if (!existing) {
          if (this.db.stmt('SELECT 1 FROM iam_access_keys WHERE id = ?').get(rootKey.accessKeyId)) {
            throw new Error(`access key ${rootKey.accessKeyId} is already used by temporary credentials`);
          }
          keys.createLongTerm({ id: rootKey.accessKeyId, accountId, secret: rootKey.secretAccessKey, status: 'Active', createdAt: now });
          return { ...rootKey, created: true };
        }
        if (existing.status !== 'Active') keys.setStatus(existing.id, 'Active');
        if (existing.secret !== rootKey.secretAccessKey) keys.setSecret(existing.id, rootKey.secretAccessKey);
        return { ...rootKey, created: false };
      }
      const active = keys.forRoot(accountId).find((k) => k.status === 'Active');
      if (active) return { accessKeyId: active.id, secretAccessKey: active.secret, created: false };
      const id = newLongTermKeyId(this.ids);
      const secret = newSecretAccessKey(this.ids);
      keys.createLongTerm({ id, accountId, secret, status: 'Active', createdAt: now });
      return { accessKeyId: id, secretAccessKey: secret, created: true };
    });
  }

  private principalOf(accessKeyId: string, r: LookupRow): Principal | undefined {
    const alias = r.alias ?? undefined;
    const user = r.user_id !== null ? { id: r.user_id, accountId: r.account_id, name: r.user_name!, arn: r.user_arn! } : undefined;
    if (r.kind === 'root') return rootPrincipal(r.account_id, accessKeyId, alias);
    if (r.kind === 'user') return user && iamUserPrincipal(user, accessKeyId);
    const session = { creationDate: new Date(r.created_at) };
    // A key row whose user/role was deleted is removed with it; these guards cover the rest.
    if (r.key_user_id !== null && !user) return undefined;
    switch (r.session_type) {
      case 'AssumedRole': {
        if (r.role_id === null || r.session_name === null) return undefined;
        const role = { id: r.role_id, accountId: r.account_id, name: r.role_name!, arn: r.role_arn! };
        const options: { sessionPolicy?: string; sourceIdentity?: string } = {};
        if (r.session_policy !== null) options.sessionPolicy = r.session_policy;
        if (r.source_identity !== null) options.sourceIdentity = r.source_identity;
        return assumedRolePrincipal(role, r.session_name, accessKeyId, session, options);
      }
      case 'FederatedUser': {
        if (r.session_name === null) return undefined;
        const issuer = user ? { type: 'IAMUser' as const, user } : { type: 'Root' as const, accountId: r.account_id, ...(alias ? { alias } : {}) };
        return federatedUserPrincipal(r.session_name, issuer, accessKeyId, session, r.session_policy ?? undefined);
      }
      case 'IAMUser':
        return user && iamUserPrincipal(user, accessKeyId, session);
      case 'Root':
        return rootPrincipal(r.account_id, accessKeyId, alias, session);
      default:
        return undefined;
    }
  }

  private entityPolicies(kind: 'user' | 'role', id: string): PolicySet {
    const docs = (this.db.stmt(ENTITY_POLICIES[kind]).all({ id }) as { document: string }[]).map((d) => d.document);
    const set: PolicySet = { identityPolicies: docs };
    const boundaryArn = (this.db.stmt(BOUNDARY[kind]).get(id) as { arn: string | null } | undefined)?.arn;
    if (boundaryArn) {
      set.permissionsBoundary = new ManagedPolicyRepo(this.db).defaultDocument(boundaryArn) ?? ALLOW_NOTHING_POLICY;
    }
    return set;
  }

  private sessionPolicies(principal: Principal): string[] {
    const out: string[] = [];
    if (principal.sessionPolicy !== undefined) out.push(principal.sessionPolicy);
    const managed = new ManagedPolicyRepo(this.db);
    for (const arn of new AccessKeyRepo(this.db).sessionPolicyArns(principal.accessKeyId)) {
      out.push(managed.defaultDocument(arn) ?? ALLOW_NOTHING_POLICY);
    }
    return out;
  }
}
