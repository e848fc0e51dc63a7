/**
 * Managed policies (customer managed, and AWS managed under account 'aws'), their versions,
 * and their attachments to users and roles.
 */
import type { Db } from '../../storage/db.ts';
import type { PolicyOwner } from './inline-policies.ts';
import type { Tag } from './users.ts';

export interface ManagedPolicyRecord {
  id: string;
  accountId: string;
  name: string;
  path: string;
  arn: string;
  description?: string;
  defaultVersion: string;
  tags: Tag[];
  createdAt: Date;
  updatedAt: Date;
  /** Users and roles it is attached to. */
  attachmentCount: number;
  /** Users and roles that use it as their permissions boundary. */
  boundaryCount: number;
}

export interface PolicyVersionRecord {
  versionId: string;
  document: string;
  isDefault: boolean;
  createdAt: Date;
}

interface PolicyRow {
  id: string;
  account_id: string;
  name: string;
  path: string;
  arn: string;
  description: string | null;
  default_version: string;
  tags: string;
  created_at: number;
  updated_at: number;
  attachment_count: number;
  boundary_count: number;
}

const SELECT = `SELECT p.id, p.account_id, p.name, p.path, p.arn, p.description, p.default_version, p.tags,
    p.created_at, p.updated_at,
    (SELECT count(*) FROM iam_user_attachments WHERE policy_id = p.id)
      + (SELECT count(*) FROM iam_role_attachments WHERE policy_id = p.id) AS attachment_count,
    (SELECT count(*) FROM iam_users WHERE permissions_boundary = p.arn)
      + (SELECT count(*) FROM iam_roles WHERE permissions_boundary = p.arn) AS boundary_count
  FROM iam_policies p`;

function toRecord(r: PolicyRow): ManagedPolicyRecord {
  const rec: ManagedPolicyRecord = {
    id: r.id, accountId: r.account_id, name: r.name, path: r.path, arn: r.arn, defaultVersion: r.default_version,
    tags: JSON.parse(r.tags) as Tag[], createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
    attachmentCount: r.attachment_count, boundaryCount: r.boundary_count,
  };
  if (r.description !== null) rec.description = r.description;
  return rec;
}

const ATTACH_TABLE = { user: 'iam_user_attachments', role: 'iam_role_attachments' } as const;
const ATTACH_OWNER = { user: 'user_id', role: 'role_id' } as const;

export class ManagedPolicyRepo {
  constructor(private readonly db: Db) {}

  byArn(arn: string): ManagedPolicyRecord | undefined {
    const r = this.db.stmt(`${SELECT} WHERE p.arn = ?`).get(arn) as PolicyRow | undefined;
    return r && toRecord(r);
  }

  byName(accountId: string, name: string): ManagedPolicyRecord | undefined {
    const r = this.db.stmt(`${SELECT} WHERE p.account_id = ? AND p.name = ?`).get(accountId, name) as PolicyRow | undefined;
    return r && toRecord(r);
  }

  /** accountIds: the account's own ('Local'), 'aws' ('AWS'), or both ('All'); ordered by name. */
  list(accountIds: string[], pathPrefix = '/'): ManagedPolicyRecord[] {
    const placeholders = accountIds.map(() => '?').join(', ');
    const rows = this.db.stmt(`${SELECT} WHERE p.account_id IN (${placeholders}) AND substr(p.path, 1, length(?)) = ?
      ORDER BY p.name, p.id`).all(...accountIds, pathPrefix, pathPrefix) as PolicyRow[];
    return rows.map(toRecord);
  }

  create(p: Omit<ManagedPolicyRecord, 'attachmentCount' | 'boundaryCount'>, document: string): void {
    this.db.stmt(`INSERT INTO iam_policies (id, account_id, name, path, arn, description, default_version, next_version, tags, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, 2, ?, ?, ?)`).run(
      p.id, p.accountId, p.name, p.path, p.arn, p.description ?? null, p.defaultVersion, JSON.stringify(p.tags),
      p.createdAt.getTime(), p.updatedAt.getTime(),
    );
    this.db.stmt('INSERT INTO iam_policy_versions (policy_id, version_id, document, created_at) VALUES (?, ?, ?, ?)')
      .run(p.id, p.defaultVersion, document, p.createdAt.getTime());
  }

  delete(id: string): void {
    this.db.stmt('DELETE FROM iam_policies WHERE id = ?').run(id);
  }

  version(policyId: string, versionId: string): PolicyVersionRecord | undefined {
    const r = this.db.stmt(`SELECT v.version_id, v.document, v.created_at, v.version_id = p.default_version AS is_default
      FROM iam_policy_versions v JOIN iam_policies p ON p.id = v.policy_id WHERE v.policy_id = ? AND v.version_id = ?`)
      .get(policyId, versionId) as { version_id: string; document: string; created_at: number; is_default: number } | undefined;
    return r && { versionId: r.version_id, document: r.document, isDefault: r.is_default === 1, createdAt: new Date(r.created_at) };
  }

  /** The default version's document of the policy with this ARN. */
  defaultDocument(arn: string): string | undefined {
    const r = this.db.stmt(`SELECT v.document FROM iam_policies p
      JOIN iam_policy_versions v ON v.policy_id = p.id AND v.version_id = p.default_version WHERE p.arn = ?`)
      .get(arn) as { document: string } | undefined;
    return r?.document;
  }

  /** Returns false when it was already attached. */
  attach(kind: PolicyOwner, ownerId: string, policyId: string): boolean {
    return this.db.stmt(`INSERT OR IGNORE INTO ${ATTACH_TABLE[kind]} (${ATTACH_OWNER[kind]}, policy_id) VALUES (?, ?)`)
      .run(ownerId, policyId).changes > 0;
  }

  /** Returns false when it was not attached. */
  detach(kind: PolicyOwner, ownerId: string, policyId: string): boolean {
    return this.db.stmt(`DELETE FROM ${ATTACH_TABLE[kind]} WHERE ${ATTACH_OWNER[kind]} = ? AND policy_id = ?`)
      .run(ownerId, policyId).changes > 0;
  }

  /** Policies attached to a user or role, ordered by name. */
  attached(kind: PolicyOwner, ownerId: string): { name: string; arn: string; path: string }[] {
    return this.db.stmt(`SELECT p.name, p.arn, p.path FROM ${ATTACH_TABLE[kind]} a JOIN iam_policies p ON p.id = a.policy_id
      WHERE a.${ATTACH_OWNER[kind]} = ? ORDER BY p.name, p.id`).all(ownerId) as { name: string; arn: string; path: string }[];
  }
}
