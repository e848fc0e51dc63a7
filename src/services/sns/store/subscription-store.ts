/** SQL for subscriptions. */
import type { Db } from '../../../storage/db.ts';

export type SubscriptionStatus = 'pending' | 'confirmed' | 'deleted';

export interface SubscriptionRow {
  arn: string;
  topicArn: string;
  owner: string;
  protocol: string;
  endpoint: string;
  status: SubscriptionStatus;
  token: string;
  tokenExpiresAt: number;
  authenticateOnUnsubscribe: boolean;
  confirmationAuthenticated: boolean;
  /** RawMessageDelivery, DeliveryPolicy, as set. */
  attributes: Record<string, string>;
  createdAt: number;
}

interface RawSubscription {
  arn: string;
  topic_arn: string;
  owner: string;
  protocol: string;
  endpoint: string;
  status: SubscriptionStatus;
  token: string;
  token_expires_at: number;
  authenticate_on_unsubscribe: number;
  confirmation_authenticated: number;
  attributes: string;
  created_at: number;
}

const toRow = (r: RawSubscription): SubscriptionRow => ({
  arn: r.arn, topicArn: r.topic_arn, owner: r.owner, protocol: r.protocol, endpoint: r.endpoint, status: r.status,
  token: r.token, tokenExpiresAt: r.token_expires_at, authenticateOnUnsubscribe: r.authenticate_on_unsubscribe === 1,
  confirmationAuthenticated: r.confirmation_authenticated === 1,
  attributes: JSON.parse(r.attributes) as Record<string, string>, createdAt: r.created_at,
});

export interface SubscriptionCounts {
  pending: number;
  confirmed: number;
  deleted: number;
}

export class SubscriptionStore {
  constructor(private readonly db: Db) {}

  get(arn: string): SubscriptionRow | undefined {
    const r = this.db.stmt('SELECT * FROM sns_subscriptions WHERE arn = ?').get(arn) as RawSubscription | undefined;
    return r && toRow(r);
  }

  byToken(token: string): SubscriptionRow | undefined {
    const r = this.db.stmt('SELECT * FROM sns_subscriptions WHERE token = ?').get(token) as RawSubscription | undefined;
    return r && toRow(r);
  }

  /** The live subscription of this endpoint to this topic, if any (Subscribe is idempotent by it). */
  find(topicArn: string, protocol: string, endpoint: string): SubscriptionRow | undefined {
    const r = this.db.stmt("SELECT * FROM sns_subscriptions WHERE topic_arn = ? AND protocol = ? AND endpoint = ? AND status <> 'deleted'")
      .get(topicArn, protocol, endpoint) as RawSubscription | undefined;
    return r && toRow(r);
  }

  insert(row: SubscriptionRow): void {
    this.db.stmt(`INSERT INTO sns_subscriptions (arn, topic_arn, owner, protocol, endpoint, status, token, token_expires_at,
                    authenticate_on_unsubscribe, confirmation_authenticated, attributes, created_at)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(row.arn, row.topicArn, row.owner, row.protocol, row.endpoint, row.status, row.token, row.tokenExpiresAt,
        row.authenticateOnUnsubscribe ? 1 : 0, row.confirmationAuthenticated ? 1 : 0, JSON.stringify(row.attributes), row.createdAt);
  }

  renewToken(arn: string, token: string, expiresAt: number): void {
    this.db.stmt('UPDATE sns_subscriptions SET token = ?, token_expires_at = ? WHERE arn = ?').run(token, expiresAt, arn);
  }

  /** Unsubscribed: out of every list, restorable with the new token until it expires. */
  markDeleted(arn: string, token: string, expiresAt: number): void {
    this.db.stmt("UPDATE sns_subscriptions SET status = 'deleted', token = ?, token_expires_at = ? WHERE arn = ?").run(token, expiresAt, arn);
  }

  /** Forgets unsubscribed subscriptions whose restore token has expired. */
  purgeDeleted(topicArn: string, now: number): void {
    this.db.stmt("DELETE FROM sns_subscriptions WHERE topic_arn = ? AND status = 'deleted' AND token_expires_at < ?").run(topicArn, now);
  }

  confirm(arn: string, authenticateOnUnsubscribe: boolean, authenticated: boolean): void {
    this.db.stmt(`UPDATE sns_subscriptions SET status = 'confirmed', authenticate_on_unsubscribe = ?, confirmation_authenticated = ?
                  WHERE arn = ?`).run(authenticateOnUnsubscribe ? 1 : 0, authenticated ? 1 : 0, arn);
  }

  setAttributes(arn: string, attributes: Record<string, string>): void {
    this.db.stmt('UPDATE sns_subscriptions SET attributes = ? WHERE arn = ?').run(JSON.stringify(attributes), arn);
  }

  counts(topicArn: string): SubscriptionCounts {
    const rows = this.db.stmt('SELECT status, count(*) AS n FROM sns_subscriptions WHERE topic_arn = ? GROUP BY status')
      .all(topicArn) as { status: SubscriptionStatus; n: number }[];
    const counts = { pending: 0, confirmed: 0, deleted: 0 };
    for (const r of rows) counts[r.status] = r.n;
    return counts;
  }

  confirmedOf(topicArn: string): SubscriptionRow[] {
    return (this.db.stmt("SELECT * FROM sns_subscriptions WHERE topic_arn = ? AND status = 'confirmed' ORDER BY created_at, arn")
      .all(topicArn) as RawSubscription[]).map(toRow);
  }

  listByTopic(topicArn: string, offset: number, limit: number): SubscriptionRow[] {
    return (this.db.stmt("SELECT * FROM sns_subscriptions WHERE topic_arn = ? AND status <> 'deleted' ORDER BY created_at, arn LIMIT ? OFFSET ?")
      .all(topicArn, limit, offset) as RawSubscription[]).map(toRow);
  }

  /** The requester's subscriptions to topics in a region (ListSubscriptions). */
  listByOwner(owner: string, region: string, offset: number, limit: number): SubscriptionRow[] {
    return (this.db.stmt(`SELECT s.* FROM sns_subscriptions s JOIN sns_topics t ON t.arn = s.topic_arn
                          WHERE s.owner = ? AND t.region = ? AND s.status <> 'deleted' ORDER BY s.created_at, s.arn LIMIT ? OFFSET ?`)
      .all(owner, region, limit, offset) as RawSubscription[]).map(toRow);
  }
}
