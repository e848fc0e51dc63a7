/** Tags of HealthOmics resources, one table for every resource type, keyed by ARN. */
import { AwsError } from '../../../core/aws-error.ts';
import type { Db } from '../../../storage/db.ts';

/** AWS HealthOmics: at most 50 tags per resource (and per TagResource call, which the model checks). */
export const MAX_TAGS_PER_RESOURCE = 50;

export type TagMap = Record<string, string>;

export class OmicsTagStore {
  constructor(private readonly db: Db) {}

  tags(arn: string): TagMap {
    const rows = this.db.stmt('SELECT key, value FROM omics_tags WHERE arn = ? ORDER BY key').all(arn) as { key: string; value: string }[];
    const out: TagMap = {};
    for (const r of rows) out[r.key] = r.value;
    return out;
  }

  /** Adds or replaces tags; refuses (ValidationException) a resource that would hold more than 50. */
  put(arn: string, tags: TagMap | undefined): void {
    const entries = Object.entries(tags ?? {});
    if (entries.length === 0) return;
    const keys = new Set([...Object.keys(this.tags(arn)), ...entries.map(([k]) => k)]);
    if (keys.size > MAX_TAGS_PER_RESOURCE) {
      throw new AwsError('ValidationException', `A resource can have at most ${MAX_TAGS_PER_RESOURCE} tags; this request would leave ${keys.size}.`);
    }
    const insert = this.db.stmt('INSERT INTO omics_tags (arn, key, value) VALUES (?, ?, ?) ON CONFLICT (arn, key) DO UPDATE SET value = excluded.value');
    for (const [k, v] of entries) insert.run(arn, k, v);
  }

  remove(arn: string, keys: string[]): void {
    const del = this.db.stmt('DELETE FROM omics_tags WHERE arn = ? AND key = ?');
    for (const k of keys) del.run(arn, k);
  }

  /** Drops every tag of a deleted resource. */
  removeAll(arn: string): void {
    this.db.stmt('DELETE FROM omics_tags WHERE arn = ?').run(arn);
  }
}
