/**
 * Direct (multipart) read-set uploads and their parts (omics_read_set_uploads, _parts). Part
 * bytes sit in OmicsFiles at uploads/<storeId>/<uploadId>/<SOURCE1|SOURCE2>/<partNumber> until
 * the upload completes (they are then joined into the read set's file) or is aborted.
 */
import type { Principal } from '../../../core/principal.ts';
import type { Db } from '../../../storage/db.ts';
import type { TagMap } from '../tags/tag-store.ts';
import type { ReadSetFileType } from './read-set-repo.ts';

export type PartSource = 'SOURCE1' | 'SOURCE2';

export interface ReadSetUpload {
  id: string;
  storeId: string;
  accountId: string;
  region: string;
  sourceFileType: ReadSetFileType;
  subjectId: string;
  sampleId: string;
  generatedFrom?: string;
  referenceArn?: string;
  name: string;
  description?: string;
  tags?: TagMap;
  clientToken?: string;
  creationTime: number;
}

export interface UploadPart {
  partSource: PartSource;
  partNumber: number;
  partSize: number;
  /** SHA-256 of the part's bytes, lower-case hex (UploadReadSetPart's checksum). */
  checksum: string;
  creationTime: number;
  lastUpdatedTime: number;
}

export function uploadsFolder(storeId: string): string {
  return `uploads/${storeId}/`;
}

export function uploadFolder(storeId: string, uploadId: string): string {
  return `${uploadsFolder(storeId)}${uploadId}/`;
}

export function partKey(storeId: string, uploadId: string, source: PartSource, partNumber: number): string {
  return `${uploadFolder(storeId, uploadId)}${source}/${partNumber}`;
}

interface UploadRow {
  id: string; store_id: string; account_id: string; region: string; source_file_type: string; subject_id: string;
  sample_id: string; generated_from: string | null; reference_arn: string | null; name: string; description: string | null;
  tags: string | null; client_token: string | null; creation_time: number;
}

interface PartRow {
  part_source: string; part_number: number; part_size: number; checksum: string; creation_time: number; last_updated_time: number;
}

function uploadFromRow(r: UploadRow): ReadSetUpload {
  return {
    id: r.id, storeId: r.store_id, accountId: r.account_id, region: r.region, sourceFileType: r.source_file_type as ReadSetFileType,
    subjectId: r.subject_id, sampleId: r.sample_id, generatedFrom: r.generated_from ?? undefined,
    referenceArn: r.reference_arn ?? undefined, name: r.name, description: r.description ?? undefined,
    tags: r.tags ? JSON.parse(r.tags) as TagMap : undefined, clientToken: r.client_token ?? undefined, creationTime: r.creation_time,
  };
}

function partFromRow(r: PartRow): UploadPart {
  return {
    partSource: r.part_source as PartSource, partNumber: r.part_number, partSize: r.part_size, checksum: r.checksum,
    creationTime: r.creation_time, lastUpdatedTime: r.last_updated_time,
  };
}

export class UploadRepo {
  constructor(private readonly db: Db) {}

  create(u: Omit<ReadSetUpload, 'creationTime'>, now: number): ReadSetUpload {
    this.db.stmt(`INSERT INTO omics_read_set_uploads (id, store_id, account_id, region, source_file_type, subject_id, sample_id,
      generated_from, reference_arn, name, description, tags, client_token, creation_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      u.id, u.storeId, u.accountId, u.region, u.sourceFileType, u.subjectId, u.sampleId, u.generatedFrom ?? null,
      u.referenceArn ?? null, u.name, u.description ?? null, u.tags ? JSON.stringify(u.tags) : null, u.clientToken ?? null, now);
    return this.get(u.storeId, u.id)!;
  }

  get(storeId: string, id: string): ReadSetUpload | undefined {
    const row = this.db.stmt('SELECT * FROM omics_read_set_uploads WHERE id = ? AND store_id = ?').get(id, storeId) as UploadRow | undefined;
    return row ? uploadFromRow(row) : undefined;
  }

  byClientToken(storeId: string, token: string): ReadSetUpload | undefined {
    const row = this.db.stmt('SELECT * FROM omics_read_set_uploads WHERE store_id = ? AND client_token = ?').get(storeId, token) as UploadRow | undefined;
    return row ? uploadFromRow(row) : undefined;
  }

  list(storeId: string, offset: number, limit: number): ReadSetUpload[] {
    return (this.db.stmt('SELECT * FROM omics_read_set_uploads WHERE store_id = ? ORDER BY creation_time, id LIMIT ? OFFSET ?')
      .all(storeId, limit, offset) as UploadRow[]).map(uploadFromRow);
  }

  /** Adds a part or replaces the one with the same source and number. */
  putPart(uploadId: string, p: Omit<UploadPart, 'creationTime' | 'lastUpdatedTime'>, now: number): void {
    this.db.stmt(`INSERT INTO omics_read_set_upload_parts (upload_id, part_source, part_number, part_size, checksum, creation_time, last_updated_time)
      VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (upload_id, part_source, part_number)
      DO UPDATE SET part_size = excluded.part_size, checksum = excluded.checksum, last_updated_time = excluded.last_updated_time`)
      .run(uploadId, p.partSource, p.partNumber, p.partSize, p.checksum, now, now);
  }

  /** The parts of one source in part-number order; `createdAfter/Before` filter on creation time. */
  parts(uploadId: string, source: PartSource, filter: { createdAfter?: Date; createdBefore?: Date } = {}, offset = 0, limit = -1): UploadPart[] {
    const where = ['upload_id = ?', 'part_source = ?'];
    const args: unknown[] = [uploadId, source];
    if (filter.createdAfter) { where.push('creation_time >= ?'); args.push(filter.createdAfter.getTime()); }
    if (filter.createdBefore) { where.push('creation_time <= ?'); args.push(filter.createdBefore.getTime()); }
    return (this.db.stmt(`SELECT * FROM omics_read_set_upload_parts WHERE ${where.join(' AND ')} ORDER BY part_number LIMIT ? OFFSET ?`)
      .all(...args, limit, offset) as PartRow[]).map(partFromRow);
  }

  /** Removes an upload and its part rows (completed or aborted). */
  remove(uploadId: string): void {
    this.db.stmt('DELETE FROM omics_read_set_upload_parts WHERE upload_id = ?').run(uploadId);
    this.db.stmt('DELETE FROM omics_read_set_uploads WHERE id = ?').run(uploadId);
  }

  removeAllOfStore(storeId: string): void {
    this.db.stmt('DELETE FROM omics_read_set_upload_parts WHERE upload_id IN (SELECT id FROM omics_read_set_uploads WHERE store_id = ?)').run(storeId);
    this.db.stmt('DELETE FROM omics_read_set_uploads WHERE store_id = ?').run(storeId);
  }
}

/** What a completed upload leaves for the processing job: the parts to join, in file order. */
export interface UploadCompletion {
  readSetId: string;
  uploadId: string;
  storeId: string;
  parts: { partSource: PartSource; partNumber: number; partSize: number; checksum: string }[];
  /** Who completed the upload: a failed upload's parts go to the fallback location as them. */
  principal?: Principal;
}

/** The processing queue (omics_read_set_upload_completions): one row per PROCESSING_UPLOAD read set. */
export class UploadCompletionRepo {
  constructor(private readonly db: Db) {}

  add(c: UploadCompletion): void {
    this.db.stmt('INSERT INTO omics_read_set_upload_completions (read_set_id, upload_id, parts) VALUES (?, ?, ?)')
      .run(c.readSetId, c.uploadId, JSON.stringify({ storeId: c.storeId, parts: c.parts, principal: c.principal }));
  }

  get(readSetId: string): UploadCompletion | undefined {
    const row = this.db.stmt('SELECT * FROM omics_read_set_upload_completions WHERE read_set_id = ?').get(readSetId) as
      { read_set_id: string; upload_id: string; parts: string } | undefined;
    if (!row) return undefined;
    const parsed = JSON.parse(row.parts) as Pick<UploadCompletion, 'storeId' | 'parts' | 'principal'>;
    return { readSetId: row.read_set_id, uploadId: row.upload_id, storeId: parsed.storeId, parts: parsed.parts, principal: parsed.principal };
  }

  readSetIds(): string[] {
    return (this.db.stmt('SELECT read_set_id FROM omics_read_set_upload_completions ORDER BY rowid').all() as { read_set_id: string }[])
      .map((r) => r.read_set_id);
  }

  remove(readSetId: string): void {
    this.db.stmt('DELETE FROM omics_read_set_upload_completions WHERE read_set_id = ?').run(readSetId);
  }
}
