/** IAM users: rows of iam_users. Names are case-insensitive (NOCASE) within an account. */
import type { Db } from '../../storage/db.ts';

export interface Tag {
  Key: string;
  Value: string;
}

export interface UserRecord {
  id: string;
  accountId: string;
  name: string;
  path: string;
  arn: string;
  permissionsBoundary?: string;
  tags: Tag[];
  createdAt: Date;
}

interface UserRow {
  id: string;
  account_id: string;
  name: string;
  path: string;
  arn: string;
  permissions_boundary: string | null;
  tags: string;
  created_at: number;
}

const COLUMNS = 'id, account_id, name, path, arn, permissions_boundary, tags, created_at';

function toRecord(r: UserRow): UserRecord {
  const rec: UserRecord = {
    id: r.id, accountId: r.account_id, name: r.name, path: r.path, arn: r.arn,
    tags: JSON.parse(r.tags) as Tag[], createdAt: new Date(r.created_at),
  };
  if (r.permissions_boundary) rec.permissionsBoundary = r.permissions_boundary;
  return rec;
}

export class UserRepo {
  constructor(private readonly db: Db) {}

  get(accountId: string, name: string): UserRecord | undefined {
    const r = this.db.stmt(`SELECT ${COLUMNS} FROM iam_users WHERE account_id = ? AND name = ?`).get(accountId, name) as UserRow | undefined;
    return r && toRecord(r);
  }

  byId(id: string): UserRecord | undefined {
    const r = this.db.stmt(`SELECT ${COLUMNS} FROM iam_users WHERE id = ?`).get(id) as UserRow | undefined;
    return r && toRecord(r);
  }

  /** Users whose path starts with pathPrefix, ordered by name. */
  list(accountId: string, pathPrefix = '/'): UserRecord[] {
    const rows = this.db.stmt(`SELECT ${COLUMNS} FROM iam_users WHERE account_id = ? AND substr(path, 1, length(?)) = ? ORDER BY name, id`)
      .all(accountId, pathPrefix, pathPrefix) as UserRow[];
    return rows.map(toRecord);
  }

  create(u: UserRecord): void {
    this.db.stmt(`INSERT INTO iam_users (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(u.id, u.accountId, u.name, u.path, u.arn, u.permissionsBoundary ?? null, JSON.stringify(u.tags), u.createdAt.getTime());
  }

  rename(id: string, name: string, path: string, arn: string): void {
    this.db.stmt('UPDATE iam_users SET name = ?, path = ?, arn = ? WHERE id = ?').run(name, path, arn, id);
  }

  delete(id: string): void {
    this.db.stmt('DELETE FROM iam_users WHERE id = ?').run(id);
  }

  /** What blocks DeleteUser. Temporary credentials do not count. */
  dependents(id: string): { loginProfile: number; accessKeys: number; inlinePolicies: number; attachedPolicies: number } {
    return this.db.stmt(`SELECT
        (SELECT count(*) FROM iam_login_profiles WHERE user_id = ?) AS loginProfile,
        (SELECT count(*) FROM iam_access_keys WHERE user_id = ? AND kind = 'user') AS accessKeys,
        (SELECT count(*) FROM iam_user_policies WHERE user_id = ?) AS inlinePolicies,
        (SELECT count(*) FROM iam_user_attachments WHERE user_id = ?) AS attachedPolicies`)
      .get(id, id, id, id) as { loginProfile: number; accessKeys: number; inlinePolicies: number; attachedPolicies: number };
  }
}
