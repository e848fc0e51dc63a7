/** IAM login profiles: one console password (as a scrypt hash) per IAM user. */
import type { Db } from '../../storage/db.ts';

export interface LoginProfileRecord {
  userId: string;
  passwordHash: string;
  passwordResetRequired: boolean;
  createdAt: Date;
  passwordChangedAt: Date;
}

interface LoginProfileRow {
  user_id: string;
  password_hash: string;
  password_reset_required: number;
  created_at: number;
  password_changed_at: number;
}

export class LoginProfileRepo {
  constructor(private readonly db: Db) {}

  get(userId: string): LoginProfileRecord | undefined {
    const r = this.db.stmt(`SELECT user_id, password_hash, password_reset_required, created_at, password_changed_at
      FROM iam_login_profiles WHERE user_id = ?`).get(userId) as LoginProfileRow | undefined;
    return r && {
      userId: r.user_id, passwordHash: r.password_hash, passwordResetRequired: r.password_reset_required === 1,
      createdAt: new Date(r.created_at), passwordChangedAt: new Date(r.password_changed_at),
    };
  }

  create(p: LoginProfileRecord): void {
    this.db.stmt(`INSERT INTO iam_login_profiles (user_id, password_hash, password_reset_required, created_at, password_changed_at)
      VALUES (?, ?, ?, ?, ?)`).run(p.userId, p.passwordHash, p.passwordResetRequired ? 1 : 0, p.createdAt.getTime(), p.passwordChangedAt.getTime());
  }

  /** A new password (with when it changed), a new reset flag, or both. */
  update(userId: string, change: { passwordHash?: string; changedAt?: Date; passwordResetRequired?: boolean }): void {
    if (change.passwordHash !== undefined) {
      this.db.stmt('UPDATE iam_login_profiles SET password_hash = ?, password_changed_at = ? WHERE user_id = ?')
        .run(change.passwordHash, (change.changedAt ?? new Date()).getTime(), userId);
    }
    if (change.passwordResetRequired !== undefined) {
      this.db.stmt('UPDATE iam_login_profiles SET password_reset_required = ? WHERE user_id = ?').run(change.passwordResetRequired ? 1 : 0, userId);
    }
  }

  delete(userId: string): void {
    this.db.stmt('DELETE FROM iam_login_profiles WHERE user_id = ?').run(userId);
  }
}
