/** SQL for topics and their tags. */
import type { Db } from '../../../storage/db.ts';

export interface Tag {
  Key: string;
  Value: string;
}

export interface TopicRow {
  arn: string;
  accountId: string;
  region: string;
  name: string;
  /** Settable attributes that were set (DisplayName, Policy, DeliveryPolicy, SignatureVersion). */
  attributes: Record<string, string>;
  createdAt: number;
}

interface RawTopic {
  arn: string;
  account_id: string;
  region: string;
  name: string;
  attributes: string;
  created_at: number;
}

const toRow = (r: RawTopic): TopicRow => ({
  arn: r.arn, accountId: r.account_id, region: r.region, name: r.name,
  attributes: JSON.parse(r.attributes) as Record<string, string>, createdAt: r.created_at,
});

export class TopicStore {
  constructor(private readonly db: Db) {}

  get(arn: string): TopicRow | undefined {
    const r = this.db.stmt('SELECT * FROM sns_topics WHERE arn = ?').get(arn) as RawTopic | undefined;
    return r && toRow(r);
  }

  insert(row: TopicRow, tags: Tag[]): void {
    this.db.stmt('INSERT INTO sns_topics (arn, account_id, region, name, attributes, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(row.arn, row.accountId, row.region, row.name, JSON.stringify(row.attributes), row.createdAt);
    this.putTags(row.arn, tags);
  }

  setAttributes(arn: string, attributes: Record<string, string>): void {
    this.db.stmt('UPDATE sns_topics SET attributes = ? WHERE arn = ?').run(JSON.stringify(attributes), arn);
  }

  /** Deletes the topic with its tags and subscriptions (cascade). */
  delete(arn: string): void {
    this.db.stmt('DELETE FROM sns_topics WHERE arn = ?').run(arn);
  }

  /** Topic ARNs of an account in a region, oldest first. */
  list(accountId: string, region: string, offset: number, limit: number): string[] {
    return (this.db.stmt('SELECT arn FROM sns_topics WHERE account_id = ? AND region = ? ORDER BY created_at, arn LIMIT ? OFFSET ?')
      .all(accountId, region, limit, offset) as { arn: string }[]).map((r) => r.arn);
  }

  tags(arn: string): Tag[] {
    return (this.db.stmt('SELECT key, value FROM sns_topic_tags WHERE topic_arn = ? ORDER BY key').all(arn) as { key: string; value: string }[])
      .map((t) => ({ Key: t.key, Value: t.value }));
  }

  putTags(arn: string, tags: Tag[]): void {
    const put = this.db.stmt('INSERT INTO sns_topic_tags (topic_arn, key, value) VALUES (?, ?, ?) ON CONFLICT (topic_arn, key) DO UPDATE SET value = excluded.value');
    for (const t of tags) put.run(arn, t.Key, t.Value);
  }

  removeTags(arn: string, keys: string[]): void {
    const remove = this.db.stmt('DELETE FROM sns_topic_tags WHERE topic_arn = ? AND key = ?');
    for (const k of keys) remove.run(arn, k);
  }
}
