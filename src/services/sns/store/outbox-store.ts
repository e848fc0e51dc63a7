/** SQL for the outbox: messages and the deliveries still owed for them. */
import type { Db } from '../../../storage/db.ts';
import type { RetryPolicy } from '../delivery/delivery-policy.ts';

export type MessageType = 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';

/** A message attribute as it appears in the notification JSON. */
export interface NotificationAttribute {
  Type: string;
  Value: string;
}

export interface MessageRow {
  id: string;
  type: MessageType;
  topicArn: string;
  subject?: string;
  message: string;
  messageStructure?: 'json';
  messageAttributes?: Record<string, NotificationAttribute>;
  token?: string;
  /** ISO 8601 with milliseconds, exactly as signed. */
  timestamp: string;
  createdAt: number;
}

export interface DeliveryRow {
  id: number;
  messageId: string;
  subscriptionArn: string;
  protocol: string;
  endpoint: string;
  raw: boolean;
  signatureVersion: string;
  contentType: string;
  retryPolicy: RetryPolicy;
  attempts: number;
  nextAttemptAt: number;
  lastError?: string;
  createdAt: number;
}

export type NewDelivery = Omit<DeliveryRow, 'id' | 'attempts' | 'lastError'>;

interface RawMessage {
  id: string;
  type: MessageType;
  topic_arn: string;
  subject: string | null;
  message: string;
  message_structure: 'json' | null;
  message_attributes: string | null;
  token: string | null;
  timestamp: string;
  created_at: number;
}

interface RawDelivery {
  id: number;
  message_id: string;
  subscription_arn: string;
  protocol: string;
  endpoint: string;
  raw: number;
  signature_version: string;
  content_type: string;
  retry_policy: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
}

const toMessage = (r: RawMessage): MessageRow => ({
  id: r.id, type: r.type, topicArn: r.topic_arn, subject: r.subject ?? undefined, message: r.message,
  messageStructure: r.message_structure ?? undefined,
  messageAttributes: r.message_attributes ? JSON.parse(r.message_attributes) as Record<string, NotificationAttribute> : undefined,
  token: r.token ?? undefined, timestamp: r.timestamp, createdAt: r.created_at,
});

const toDelivery = (r: RawDelivery): DeliveryRow => ({
  id: r.id, messageId: r.message_id, subscriptionArn: r.subscription_arn, protocol: r.protocol, endpoint: r.endpoint,
  raw: r.raw === 1, signatureVersion: r.signature_version, contentType: r.content_type,
  retryPolicy: JSON.parse(r.retry_policy) as RetryPolicy, attempts: r.attempts, nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error ?? undefined, createdAt: r.created_at,
});

export class OutboxStore {
  constructor(private readonly db: Db) {}

  insertMessage(m: MessageRow): void {
    this.db.stmt(`INSERT INTO sns_messages (id, type, topic_arn, subject, message, message_structure, message_attributes, token, timestamp, created_at)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(m.id, m.type, m.topicArn, m.subject ?? null, m.message, m.messageStructure ?? null,
        m.messageAttributes ? JSON.stringify(m.messageAttributes) : null, m.token ?? null, m.timestamp, m.createdAt);
  }

  insertDelivery(d: NewDelivery): void {
    this.db.stmt(`INSERT INTO sns_deliveries (message_id, subscription_arn, protocol, endpoint, raw, signature_version, content_type,
                    retry_policy, next_attempt_at, created_at)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(d.messageId, d.subscriptionArn, d.protocol, d.endpoint, d.raw ? 1 : 0, d.signatureVersion, d.contentType,
        JSON.stringify(d.retryPolicy), d.nextAttemptAt, d.createdAt);
  }

  message(id: string): MessageRow | undefined {
    const r = this.db.stmt('SELECT * FROM sns_messages WHERE id = ?').get(id) as RawMessage | undefined;
    return r && toMessage(r);
  }

  /** Deliveries due at `now`, oldest first, leaving out those being sent and those to endpoints
   * that already have their share of requests in flight. */
  due(now: number, limit: number, busy: ReadonlySet<number>, saturated: ReadonlySet<string>): DeliveryRow[] {
    return (this.db.stmt(`SELECT * FROM sns_deliveries WHERE next_attempt_at <= ?
                            AND id NOT IN (SELECT value FROM json_each(?)) AND endpoint NOT IN (SELECT value FROM json_each(?))
                          ORDER BY next_attempt_at, id LIMIT ?`)
      .all(now, JSON.stringify([...busy]), JSON.stringify([...saturated]), limit) as RawDelivery[]).map(toDelivery);
  }

  /** When the next delivery that could be started falls due, if any (same exclusions as due). */
  nextDueAt(busy: ReadonlySet<number>, saturated: ReadonlySet<string>): number | undefined {
    const row = this.db.stmt(`SELECT min(next_attempt_at) AS at FROM sns_deliveries
                              WHERE id NOT IN (SELECT value FROM json_each(?)) AND endpoint NOT IN (SELECT value FROM json_each(?))`)
      .get(JSON.stringify([...busy]), JSON.stringify([...saturated])) as { at: number | null };
    return row.at ?? undefined;
  }

  reschedule(id: number, attempts: number, nextAttemptAt: number, error: string): void {
    this.db.stmt('UPDATE sns_deliveries SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?')
      .run(attempts, nextAttemptAt, error.slice(0, 1000), id);
  }

  /** Removes a finished delivery (sent, or out of retries), and its message once none is left. */
  finish(id: number, messageId: string): void {
    this.db.stmt('DELETE FROM sns_deliveries WHERE id = ?').run(id);
    const left = this.db.stmt('SELECT 1 FROM sns_deliveries WHERE message_id = ? LIMIT 1').get(messageId);
    if (!left) this.db.stmt('DELETE FROM sns_messages WHERE id = ?').run(messageId);
  }

  pendingCount(): number {
    return (this.db.stmt('SELECT count(*) AS n FROM sns_deliveries').get() as { n: number }).n;
  }
}
