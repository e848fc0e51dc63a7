/**
 * Sequence stores (omics_sequence_stores). A store is usable as soon as it is created: CREATING
 * and UPDATING are states AWS passes through while it provisions; here the work is done within
 * the call, so a store is read back ACTIVE (the creation's own response says CREATING, as AWS's
 * does, so waiters and scripts written for AWS see the same sequence).
 */
import type { Db } from '../../../storage/db.ts';
import { sequenceStoreArn } from '../arns.ts';

export type ETagAlgorithmFamily = 'MD5up' | 'SHA256up' | 'SHA512up';
export type SequenceStoreStatus = 'CREATING' | 'ACTIVE' | 'UPDATING' | 'DELETING' | 'FAILED';

export interface SseConfig {
  type: string;
  keyArn?: string;
}

export interface SequenceStore {
  id: string;
  arn: string;
  accountId: string;
  region: string;
  name: string;
  description?: string;
  sseConfig?: SseConfig;
  fallbackLocation?: string;
  eTagAlgorithmFamily: ETagAlgorithmFamily;
  propagatedSetLevelTags?: string[];
  accessLogLocation?: string;
  accessPointArn: string;
  /** The access point's alias: the bucket name its S3 URIs use. */
  accessPointAlias: string;
  status: SequenceStoreStatus;
  statusMessage?: string;
  clientToken?: string;
  creationTime: number;
  updateTime: number;
}

export type NewSequenceStore = Omit<SequenceStore, 'arn' | 'creationTime' | 'updateTime'>;

export interface SequenceStoreFilter {
  name?: string;
  status?: SequenceStoreStatus;
  createdAfter?: Date;
  createdBefore?: Date;
  updatedAfter?: Date;
  updatedBefore?: Date;
}

/** What UpdateSequenceStore may change (undefined: unchanged). */
export interface SequenceStoreChanges {
  name?: string;
  description?: string;
  fallbackLocation?: string;
  propagatedSetLevelTags?: string[];
  accessLogLocation?: string;
}

interface Row {
  id: string; account_id: string; region: string; name: string; description: string | null; sse_config: string | null;
  fallback_location: string | null; etag_algorithm_family: string; propagated_set_level_tags: string | null;
  access_log_location: string | null; access_point_arn: string; access_point_alias: string; status: string;
  status_message: string | null; client_token: string | null; creation_time: number; update_time: number;
}

function fromRow(r: Row): SequenceStore {
  return {
    id: r.id,
    arn: sequenceStoreArn(r.region, r.account_id, r.id),
    accountId: r.account_id,
    region: r.region,
    name: r.name,
    description: r.description ?? undefined,
    sseConfig: r.sse_config ? JSON.parse(r.sse_config) as SseConfig : undefined,
    fallbackLocation: r.fallback_location ?? undefined,
    eTagAlgorithmFamily: r.etag_algorithm_family as ETagAlgorithmFamily,
    propagatedSetLevelTags: r.propagated_set_level_tags ? JSON.parse(r.propagated_set_level_tags) as string[] : undefined,
    accessLogLocation: r.access_log_location ?? undefined,
    accessPointArn: r.access_point_arn,
    accessPointAlias: r.access_point_alias,
    status: r.status as SequenceStoreStatus,
    statusMessage: r.status_message ?? undefined,
    clientToken: r.client_token ?? undefined,
    creationTime: r.creation_time,
    updateTime: r.update_time,
  };
}

const jsonOrNull = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));

export class SequenceStoreRepo {
  constructor(private readonly db: Db) {}

  create(s: NewSequenceStore, now: number): SequenceStore {
    this.db.stmt(`INSERT INTO omics_sequence_stores (id, account_id, region, name, description, sse_config, fallback_location,
      etag_algorithm_family, propagated_set_level_tags, access_log_location, access_point_arn, access_point_alias, status,
      status_message, client_token, creation_time, update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      s.id, s.accountId, s.region, s.name, s.description ?? null, jsonOrNull(s.sseConfig),
      s.fallbackLocation ?? null, s.eTagAlgorithmFamily, jsonOrNull(s.propagatedSetLevelTags),
      s.accessLogLocation ?? null, s.accessPointArn, s.accessPointAlias, s.status, s.statusMessage ?? null, s.clientToken ?? null, now, now);
    return this.byId(s.id)!;
  }

  byId(id: string): SequenceStore | undefined {
    const row = this.db.stmt('SELECT * FROM omics_sequence_stores WHERE id = ?').get(id) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** The store as the caller's account and region see it. */
  get(accountId: string, region: string, id: string): SequenceStore | undefined {
    const s = this.byId(id);
    return s && s.accountId === accountId && s.region === region ? s : undefined;
  }

  byClientToken(accountId: string, region: string, token: string): SequenceStore | undefined {
    const row = this.db.stmt('SELECT * FROM omics_sequence_stores WHERE account_id = ? AND region = ? AND client_token = ?')
      .get(accountId, region, token) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  byAccessPointArn(arn: string): SequenceStore | undefined {
    const row = this.db.stmt('SELECT * FROM omics_sequence_stores WHERE access_point_arn = ?').get(arn) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  byAccessPointAlias(alias: string): SequenceStore | undefined {
    const row = this.db.stmt('SELECT * FROM omics_sequence_stores WHERE access_point_alias = ?').get(alias) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  list(accountId: string, region: string, filter: SequenceStoreFilter, offset: number, limit: number): SequenceStore[] {
    const where = ['account_id = ?', 'region = ?'];
    const args: unknown[] = [accountId, region];
    if (filter.name !== undefined) { where.push('name = ?'); args.push(filter.name); }
    if (filter.status !== undefined) { where.push('status = ?'); args.push(filter.status); }
    if (filter.createdAfter) { where.push('creation_time >= ?'); args.push(filter.createdAfter.getTime()); }
    if (filter.createdBefore) { where.push('creation_time <= ?'); args.push(filter.createdBefore.getTime()); }
    if (filter.updatedAfter) { where.push('update_time >= ?'); args.push(filter.updatedAfter.getTime()); }
    if (filter.updatedBefore) { where.push('update_time <= ?'); args.push(filter.updatedBefore.getTime()); }
    const rows = this.db.stmt(`SELECT * FROM omics_sequence_stores WHERE ${where.join(' AND ')} ORDER BY creation_time, id LIMIT ? OFFSET ?`)
      .all(...args, limit, offset) as Row[];
    return rows.map(fromRow);
  }

  update(id: string, c: SequenceStoreChanges, now: number): void {
    const cur = this.byId(id);
    if (!cur) return;
    this.db.stmt(`UPDATE omics_sequence_stores SET name = ?, description = ?, fallback_location = ?, propagated_set_level_tags = ?,
      access_log_location = ?, update_time = ? WHERE id = ?`).run(
      c.name ?? cur.name, c.description ?? cur.description ?? null, c.fallbackLocation ?? cur.fallbackLocation ?? null,
      jsonOrNull(c.propagatedSetLevelTags ?? cur.propagatedSetLevelTags),
      c.accessLogLocation ?? cur.accessLogLocation ?? null, now, id);
  }

  setStatus(id: string, status: SequenceStoreStatus, statusMessage: string | undefined, now: number): void {
    this.db.stmt('UPDATE omics_sequence_stores SET status = ?, status_message = ?, update_time = ? WHERE id = ?')
      .run(status, statusMessage ?? null, now, id);
  }

  remove(id: string): void {
    this.db.stmt('DELETE FROM omics_sequence_stores WHERE id = ?').run(id);
  }
}
