/** Accounts and their (globally unique) aliases. */
import type { Db } from '../../storage/db.ts';

export interface AccountRecord {
  id: string;
  alias?: string;
  createdAt: Date;
}

export class AccountRepo {
  constructor(private readonly db: Db) {}

  get(id: string): AccountRecord | undefined {
    const r = this.db.stmt('SELECT id, alias, created_at FROM accounts WHERE id = ?').get(id) as
      { id: string; alias: string | null; created_at: number } | undefined;
    if (!r) return undefined;
    return r.alias === null ? { id: r.id, createdAt: new Date(r.created_at) } : { id: r.id, alias: r.alias, createdAt: new Date(r.created_at) };
  }

  /** Returns true when the account was created now. */
  ensure(id: string, now: Date): boolean {
    return this.db.stmt('INSERT OR IGNORE INTO accounts (id, created_at) VALUES (?, ?)').run(id, now.getTime()).changes > 0;
  }

  /** The account that holds this alias, if any. */
  byAlias(alias: string): string | undefined {
    return (this.db.stmt('SELECT id FROM accounts WHERE alias = ?').get(alias) as { id: string } | undefined)?.id;
  }

  setAlias(id: string, alias: string | null): void {
    this.db.stmt('UPDATE accounts SET alias = ? WHERE id = ?').run(alias, id);
  }
}
