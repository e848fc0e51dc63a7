/** IAM roles: rows of iam_roles. Names are case-insensitive (NOCASE) within an account. */
import type { Db } from '../../storage/db.ts';
import type { Tag } from './users.ts';

export interface RoleRecord {
  id: string;
  accountId: string;
  name: string;
  path: string;
  arn: string;
  trustPolicy: string;
  description?: string;
  maxSessionDuration: number;
  permissionsBoundary?: string;
  tags: Tag[];
  createdAt: Date;
}

interface RoleRow {
  id: string;
  account_id: string;
  name: string;
  path: string;
  arn: string;
  trust_policy: string;
  description: string | null;
  max_session_duration: number;
  permissions_boundary: string | null;
  tags: string;
  created_at: number;
}

const COLUMNS = 'id, account_id, name, path, arn, trust_policy, description, max_session_duration, permissions_boundary, tags, created_at';

function toRecord(r: RoleRow): RoleRecord {
  const rec: RoleRecord = {
    id: r.id, accountId: r.account_id, name: r.name, path: r.path, arn: r.arn, trustPolicy: r.trust_policy,
    maxSessionDuration: r.max_session_duration, tags: JSON.parse(r.tags) as Tag[], createdAt: new Date(r.created_at),
  };
  if (r.description !== null) rec.description = r.description;
  if (r.permissions_boundary) rec.permissionsBoundary = r.permissions_boundary;
  return rec;
}

export class RoleRepo {
  constructor(private readonly db: Db) {}

  get(accountId: string, name: string): RoleRecord | undefined {
    const r = this.db.stmt(`SELECT ${COLUMNS} FROM iam_roles WHERE account_id = ? AND name = ?`).get(accountId, name) as RoleRow | undefined;
    return r && toRecord(r);
  }

  byId(id: string): RoleRecord | undefined {
    const r = this.db.stmt(`SELECT ${COLUMNS} FROM iam_roles WHERE id = ?`).get(id) as RoleRow | undefined;
    return r && toRecord(r);
  }

  list(accountId: string, pathPrefix = '/'): RoleRecord[] {
    const rows = this.db.stmt(`SELECT ${COLUMNS} FROM iam_roles WHERE account_id = ? AND substr(path, 1, length(?)) = ? ORDER BY name, id`)
      .all(accountId, pathPrefix, pathPrefix) as RoleRow[];
    return rows.map(toRecord);
  }

  create(r: RoleRecord): void {
    this.db.stmt(`INSERT INTO iam_roles (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      r.id, r.accountId, r.name, r.path, r.arn, r.trustPolicy, r.description ?? null, r.maxSessionDuration,
      r.permissionsBoundary ?? null, JSON.stringify(r.tags), r.createdAt.getTime(),
    );
  }

  setTrustPolicy(id: string, document: string): void {
    this.db.stmt('UPDATE iam_roles SET trust_policy = ? WHERE id = ?').run(document, id);
  }

  delete(id: string): void {
    this.db.stmt('DELETE FROM iam_roles WHERE id = ?').run(id);
  }

  dependents(id: string): { inlinePolicies: number; attachedPolicies: number } {
    return this.db.stmt(`SELECT
        (SELECT count(*) FROM iam_role_policies WHERE role_id = ?) AS inlinePolicies,
        (SELECT count(*) FROM iam_role_attachments WHERE role_id = ?) AS attachedPolicies`)
      .get(id, id) as { inlinePolicies: number; attachedPolicies: number };
  }
}
