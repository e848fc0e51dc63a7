/** Inline policies embedded in a user (iam_user_policies) or a role (iam_role_policies). */
import type { Db } from '../../storage/db.ts';

export type PolicyOwner = 'user' | 'role';

export interface InlinePolicy {
  name: string;
  document: string;
}

const TABLE = { user: 'iam_user_policies', role: 'iam_role_policies' } as const;
const OWNER = { user: 'user_id', role: 'role_id' } as const;

export class InlinePolicyRepo {
  private readonly table: string;
  private readonly owner: string;

  constructor(private readonly db: Db, kind: PolicyOwner) {
    this.table = TABLE[kind];
    this.owner = OWNER[kind];
  }

  get(ownerId: string, name: string): InlinePolicy | undefined {
    return this.db.stmt(`SELECT name, document FROM ${this.table} WHERE ${this.owner} = ? AND name = ?`)
      .get(ownerId, name) as InlinePolicy | undefined;
  }

  list(ownerId: string): InlinePolicy[] {
    return this.db.stmt(`SELECT name, document FROM ${this.table} WHERE ${this.owner} = ? ORDER BY name`)
      .all(ownerId) as InlinePolicy[];
  }

  /** Creates or replaces; a replaced policy keeps its original name's spelling. */
  put(ownerId: string, name: string, document: string): void {
    this.db.stmt(`INSERT INTO ${this.table} (${this.owner}, name, document) VALUES (?, ?, ?)
      ON CONFLICT (${this.owner}, name) DO UPDATE SET document = excluded.document`).run(ownerId, name, document);
  }

  delete(ownerId: string, name: string): boolean {
    return this.db.stmt(`DELETE FROM ${this.table} WHERE ${this.owner} = ? AND name = ?`).run(ownerId, name).changes > 0;
  }
}
