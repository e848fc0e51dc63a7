/**
 * The read sets of HealthOmics sequence stores: one row each (omics_read_sets), whoever made
 * them — a direct upload (this folder) or an import job — and whatever moves them along their
 * lifecycle (upload processing, archive clock, activation, deletion). This is the one place
 * read sets are written; handlers and jobs go through it, inside a transaction they own.
 *
 * Lifecycle (spec/omics.md §1.2): PROCESSING_UPLOAD → ACTIVE | UPLOAD_FAILED; ACTIVE → ARCHIVED
 * (no GetReadSet for the archive period, counted from lastAccessTime) → ACTIVATING → ACTIVE;
 * DELETING → gone (the row is removed once its files are). Times are Unix milliseconds.
 * Creation-time tags go to OmicsTagStore.put(readSet.arn, tags) in the same transaction.
 */
import type { Db } from '../../../storage/db.ts';
import { readSetArn } from '../arns.ts';

export const READ_SET_STATUSES = ['ARCHIVED', 'ACTIVATING', 'ACTIVE', 'DELETING', 'DELETED', 'PROCESSING_UPLOAD', 'UPLOAD_FAILED'] as const;
export type ReadSetStatus = (typeof READ_SET_STATUSES)[number];
export type ReadSetFileType = 'FASTQ' | 'BAM' | 'CRAM' | 'UBAM';
export type ReadSetCreationType = 'IMPORT' | 'UPLOAD';
export type ReadSetFileName = 'source1' | 'source2' | 'index';
export type ETagAlgorithm =
  | 'FASTQ_MD5up' | 'BAM_MD5up' | 'CRAM_MD5up' | 'FASTQ_SHA256up' | 'BAM_SHA256up' | 'CRAM_SHA256up'
  | 'FASTQ_SHA512up' | 'BAM_SHA512up' | 'CRAM_SHA512up';

/** One stored file of a read set: its OmicsFiles key (read-set-files.ts), size and part size. */
export interface ReadSetFile {
  key: string;
  contentLength: number;
  partSize: number;
}

export type ReadSetFiles = Partial<Record<ReadSetFileName, ReadSetFile>>;

export interface SequenceInformation {
  totalReadCount: number;
  totalBaseCount: number;
  generatedFrom?: string;
  alignment?: string;
}

export interface ReadSetETag {
  algorithm: ETagAlgorithm;
  source1?: string;
  source2?: string;
}

export interface ReadSet {
  id: string;
  arn: string;
  storeId: string;
  accountId: string;
  region: string;
  name: string;
  description?: string;
  subjectId: string;
  sampleId: string;
  generatedFrom?: string;
  referenceArn?: string;
  fileType: ReadSetFileType;
  status: ReadSetStatus;
  statusMessage?: string;
  creationType: ReadSetCreationType;
  creationJobId?: string;
  creationTime: number;
  updateTime: number;
  lastAccessTime: number;
  sequenceInformation?: SequenceInformation;
  files: ReadSetFiles;
  etag?: ReadSetETag;
}

/** What a creator says about a new read set; the rest (arn, times) follows. `id` is a storage
 * id (arns.ts storageId) the caller makes, so it can name the files first. */
export type NewReadSet = Omit<ReadSet, 'arn' | 'creationTime' | 'updateTime' | 'lastAccessTime' | 'files'> & { files?: ReadSetFiles };

/** What processing learned about a read set's content (upload completion, import). */
export interface ReadSetContent {
  sequenceInformation?: SequenceInformation;
  files?: ReadSetFiles;
  etag?: ReadSetETag;
}

/** ListReadSets' filter, in the model's member names (times as Dates). */
export interface ReadSetFilter {
  name?: string;
  status?: ReadSetStatus;
  referenceArn?: string;
  createdAfter?: Date;
  createdBefore?: Date;
  sampleId?: string;
  subjectId?: string;
  generatedFrom?: string;
  creationType?: ReadSetCreationType;
}

interface Row {
  id: string; store_id: string; account_id: string; region: string; name: string; description: string | null;
  subject_id: string; sample_id: string; generated_from: string | null; reference_arn: string | null;
  file_type: string; status: string; status_message: string | null; creation_type: string;
  creation_job_id: string | null; creation_time: number; update_time: number; last_access_time: number;
  sequence_information: string | null; files: string; etag: string | null;
}

function fromRow(r: Row): ReadSet {
  return {
    id: r.id,
    arn: readSetArn(r.region, r.account_id, r.store_id, r.id),
    storeId: r.store_id,
    accountId: r.account_id,
    region: r.region,
    name: r.name,
    description: r.description ?? undefined,
    subjectId: r.subject_id,
    sampleId: r.sample_id,
    generatedFrom: r.generated_from ?? undefined,
    referenceArn: r.reference_arn ?? undefined,
    fileType: r.file_type as ReadSetFileType,
    status: r.status as ReadSetStatus,
    statusMessage: r.status_message ?? undefined,
    creationType: r.creation_type as ReadSetCreationType,
    creationJobId: r.creation_job_id ?? undefined,
    creationTime: r.creation_time,
    updateTime: r.update_time,
    lastAccessTime: r.last_access_time,
    sequenceInformation: r.sequence_information ? JSON.parse(r.sequence_information) as SequenceInformation : undefined,
    files: JSON.parse(r.files) as ReadSetFiles,
    etag: r.etag ? JSON.parse(r.etag) as ReadSetETag : undefined,
  };
}

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

export class ReadSetRepo {
  constructor(private readonly db: Db) {}

  /** Inserts a read set; `now` is its creation, update and last-access time. */
  create(rs: NewReadSet, now: number): ReadSet {
    this.db.stmt(`INSERT INTO omics_read_sets (id, store_id, account_id, region, name, description, subject_id, sample_id,
      generated_from, reference_arn, file_type, status, status_message, creation_type, creation_job_id, creation_time,
      update_time, last_access_time, sequence_information, files, etag)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      rs.id, rs.storeId, rs.accountId, rs.region, rs.name, rs.description ?? null, rs.subjectId, rs.sampleId,
      rs.generatedFrom ?? null, rs.referenceArn ?? null, rs.fileType, rs.status, rs.statusMessage ?? null,
      rs.creationType, rs.creationJobId ?? null, now, now, now, json(rs.sequenceInformation), JSON.stringify(rs.files ?? {}),
      json(rs.etag));
    return this.byId(rs.id)!;
  }

  /** The read set with this id, in any store. */
  byId(id: string): ReadSet | undefined {
    const row = this.db.stmt('SELECT * FROM omics_read_sets WHERE id = ?').get(id) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** The read set `id` of store `storeId`, as the caller's account sees it (undefined otherwise). */
  get(accountId: string, region: string, storeId: string, id: string): ReadSet | undefined {
    const rs = this.byId(id);
    return rs && rs.accountId === accountId && rs.region === region && rs.storeId === storeId ? rs : undefined;
  }

  /** Moves a read set to `status`; `statusMessage` replaces the old one (undefined clears it). */
  setStatus(id: string, status: ReadSetStatus, statusMessage: string | undefined, now: number): void {
    this.db.stmt('UPDATE omics_read_sets SET status = ?, status_message = ?, update_time = ? WHERE id = ?')
      .run(status, statusMessage ?? null, now, id);
  }

  /** Records what processing found (only the fields given change) and moves to `status`. */
  setContent(id: string, content: ReadSetContent, status: ReadSetStatus, statusMessage: string | undefined, now: number): void {
    const cur = this.byId(id);
    if (!cur) return;
    this.db.stmt(`UPDATE omics_read_sets SET sequence_information = ?, files = ?, etag = ?, status = ?, status_message = ?,
      update_time = ? WHERE id = ?`).run(
      json(content.sequenceInformation ?? cur.sequenceInformation), JSON.stringify(content.files ?? cur.files),
      json(content.etag ?? cur.etag), status, statusMessage ?? null, now, id);
  }

  /** A GetReadSet (or an activation) restarts the archive clock. */
  touch(id: string, now: number): void {
    this.db.stmt('UPDATE omics_read_sets SET last_access_time = ? WHERE id = ?').run(now, id);
  }

  /** ACTIVE read sets not accessed since `before` (the archive clock's candidates), oldest first. */
  idleSince(before: number, limit = 1000): ReadSet[] {
    const rows = this.db.stmt(`SELECT * FROM omics_read_sets WHERE status = 'ACTIVE' AND last_access_time < ?
      ORDER BY last_access_time LIMIT ?`).all(before, limit) as Row[];
    return rows.map(fromRow);
  }

  /** Ids of read sets in `status` (a job kind's runnable(): PROCESSING_UPLOAD, DELETING, ACTIVATING). */
  idsInStatus(status: ReadSetStatus, limit = 1000): string[] {
    return (this.db.stmt('SELECT id FROM omics_read_sets WHERE status = ? ORDER BY update_time, id LIMIT ?').all(status, limit) as { id: string }[])
      .map((r) => r.id);
  }

  /** A page of a store's read sets in creation order, `limit` at most after skipping `offset`. */
  list(storeId: string, filter: ReadSetFilter, offset: number, limit: number): ReadSet[] {
    const where = ['store_id = ?'];
    const args: unknown[] = [storeId];
    const eq = (col: string, v: string | undefined) => { if (v !== undefined) { where.push(`${col} = ?`); args.push(v); } };
    eq('name', filter.name);
    eq('status', filter.status);
    eq('reference_arn', filter.referenceArn);
    eq('sample_id', filter.sampleId);
    eq('subject_id', filter.subjectId);
    eq('generated_from', filter.generatedFrom);
    eq('creation_type', filter.creationType);
    // DELETED is never stored (the row goes), so a DELETED filter finds nothing, as it should.
    if (filter.createdAfter) { where.push('creation_time >= ?'); args.push(filter.createdAfter.getTime()); }
    if (filter.createdBefore) { where.push('creation_time <= ?'); args.push(filter.createdBefore.getTime()); }
    const rows = this.db.stmt(`SELECT * FROM omics_read_sets WHERE ${where.join(' AND ')} ORDER BY creation_time, id LIMIT ? OFFSET ?`)
      .all(...args, limit, offset) as Row[];
    return rows.map(fromRow);
  }

  /** How many read sets a store holds that are not being deleted (a store with any is not deletable). */
  countLive(storeId: string): number {
    return (this.db.stmt("SELECT count(*) AS n FROM omics_read_sets WHERE store_id = ? AND status NOT IN ('DELETING', 'DELETED')")
      .get(storeId) as { n: number }).n;
  }

  /** Removes the row (after its files are gone). */
  remove(id: string): void {
    this.db.stmt('DELETE FROM omics_read_sets WHERE id = ?').run(id);
  }

  /** Read sets (any status) that name this reference: a reference they use cannot be deleted. */
  countUsingReference(referenceArn: string): number {
    return (this.db.stmt("SELECT count(*) AS n FROM omics_read_sets WHERE reference_arn = ? AND status NOT IN ('DELETING', 'DELETED')")
      .get(referenceArn) as { n: number }).n;
  }

  /** ARNs of (up to `limit`) read sets that name this reference: the reference plane's
   * DeleteReference refuses while there are any (OmicsResources.registerDependents). */
  arnsUsingReference(referenceArn: string, limit = 10): string[] {
    const rows = this.db.stmt(`SELECT id, store_id, account_id, region FROM omics_read_sets
      WHERE reference_arn = ? AND status NOT IN ('DELETING', 'DELETED') ORDER BY creation_time LIMIT ?`)
      .all(referenceArn, limit) as { id: string; store_id: string; account_id: string; region: string }[];
    return rows.map((r) => readSetArn(r.region, r.account_id, r.store_id, r.id));
  }
}
