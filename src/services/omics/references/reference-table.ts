/**
 * The references table (migration 110) and what other HealthOmics planes may ask of a
 * reference: `referenceContigs` gives a reference's contigs (name, length, SAM @SQ M5) and its
 * stored FASTA and .fai keys (in OmicsFiles), for read-set imports that check BAM/CRAM @SQ
 * lines against it and CRAM decoding that needs its sequence.
 */
import type { Db } from '../../../storage/db.ts';
import { parseOmicsArn, referenceArn } from '../arns.ts';

export interface ReferenceRow {
  id: string;
  store_id: string;
  name: string;
  description: string | null;
  md5: string;
  status: string;
  creation_job_id: string;
  source_key: string;
  source_bytes: number;
  index_key: string;
  index_bytes: number;
  part_size: number;
  uploaded_bytes: number;
  uploaded_compression: string;
  creation_time: string;
  update_time: string;
}

export interface ReferenceContig {
  name: string;
  length: number;
  /** MD5 (hex) of the upper-cased sequence without line ends: the SAM `@SQ M5` value. */
  m5: string;
}

export interface ReferenceContigs {
  referenceArn: string;
  /** MD5 of the whole source file as uploaded (the reference's `md5`). */
  md5: string;
  contigs: ReferenceContig[];
  /** Keys in OmicsFiles: the FASTA (uncompressed) and its samtools `.fai`. */
  fastaKey: string;
  faiKey: string;
}

/** Where a reference's files go in OmicsFiles (files.ts documents the layout). */
export function referenceFolder(storeId: string, referenceId: string): string {
  return `referenceStore/${storeId}/${referenceId}/`;
}

export class ReferenceTable {
  constructor(private readonly db: Db) {}

  get(storeId: string, id: string): ReferenceRow | undefined {
    const row = this.db.stmt('SELECT * FROM omics_references WHERE id = ?').get(id) as ReferenceRow | undefined;
    return row && row.store_id === storeId ? row : undefined;
  }

  countInStore(storeId: string): number {
    return (this.db.stmt('SELECT count(*) AS n FROM omics_references WHERE store_id = ?').get(storeId) as { n: number }).n;
  }

  insert(row: ReferenceRow, contigs: ReferenceContig[]): void {
    this.db.stmt(`INSERT INTO omics_references (id, store_id, name, description, md5, status, creation_job_id, source_key, source_bytes,
      index_key, index_bytes, part_size, uploaded_bytes, uploaded_compression, creation_time, update_time)
      VALUES (@id, @store_id, @name, @description, @md5, @status, @creation_job_id, @source_key, @source_bytes,
      @index_key, @index_bytes, @part_size, @uploaded_bytes, @uploaded_compression, @creation_time, @update_time)`).run(row);
    const add = this.db.stmt('INSERT INTO omics_reference_contigs (reference_id, ordinal, name, length, m5) VALUES (?, ?, ?, ?, ?)');
    contigs.forEach((c, i) => add.run(row.id, i, c.name, c.length, c.m5));
  }

  delete(id: string): void {
    this.db.stmt('DELETE FROM omics_references WHERE id = ?').run(id);
  }

  contigs(id: string): ReferenceContig[] {
    return this.db.stmt('SELECT name, length, m5 FROM omics_reference_contigs WHERE reference_id = ? ORDER BY ordinal').all(id) as ReferenceContig[];
  }
}

/** A reference's contigs and stored files, by its ARN; undefined when no such reference exists. */
export function referenceContigs(db: Db, arn: string): ReferenceContigs | undefined {
  const parsed = parseOmicsArn(arn);
  if (!parsed || parsed.type !== 'reference') return undefined;
  const [storeId, referenceId] = parsed.ids as [string, string];
  const row = db.stmt(`SELECT r.*, s.account_id, s.region FROM omics_references r JOIN omics_reference_stores s ON s.id = r.store_id
    WHERE r.id = ? AND r.store_id = ?`).get(referenceId, storeId) as (ReferenceRow & { account_id: string; region: string }) | undefined;
  if (!row || row.account_id !== parsed.accountId || row.region !== parsed.region || row.status !== 'ACTIVE') return undefined;
  const table = new ReferenceTable(db);
  return {
    referenceArn: referenceArn(row.region, row.account_id, row.store_id, row.id),
    md5: row.md5, contigs: table.contigs(row.id), fastaKey: row.source_key, faiKey: row.index_key,
  };
}
