/**
 * A BAM, uBAM or CRAM read set's import. The source is read once as the job's role and spooled
 * to a job-local file on disk (never memory): the CRAM scanner and samtools (ETag, index) read
 * files by path, and a BAM is scanned from the spool while it is stored. Then:
 *
 * - counts by the formats scanners (formats/bam-scanner.ts, cram-scanner.ts; their module
 *   comments define them): BAM/uBAM totalReadCount = primary records, totalBaseCount = their
 *   SEQ lengths; CRAM from its container headers: every record and its read length (secondary
 *   and supplementary included — decoding every slice for the primary-only numbers runs at
 *   ~40 k records/s, too slow for an import);
 * - the file's own header: its @SQ names and lengths must be contigs of the linked reference
 *   (referenceContigs of the reference plane), with the same M5 where the file gives one;
 * - the ETag: formats/alignment-etag.ts (hash of `samtools view` output; CRAM decoded against
 *   the linked reference, copied beside the spool with its .fai);
 * - the stored file is the upload as it came, plus an index when samtools can make one: a .crai
 *   for CRAM, a .bai for a coordinate-sorted BAM; an unsorted BAM (samtools index refuses it)
 *   or a uBAM has none, so files.index is absent. Scan, ETag and index read the spool side by
 *   side (separate processes, separate cores).
 * - alignment: UNALIGNED for uBAM (which must hold no mapped record), ALIGNED for BAM and CRAM
 *   (AWS publishes only the UNALIGNED value; ALIGNED is our word for the other case).
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RoleScopedObjects } from '../../shared/role-scoped-objects.ts';
import { alignmentEtag } from '../formats/alignment-etag.ts';
import { scanBam } from '../formats/bam-scanner.ts';
import { scanCram } from '../formats/cram-scanner.ts';
import type { FastqHashAlgorithm } from '../formats/fastq-scanner.ts';
import { FormatError } from '../formats/format-error.ts';
import type { SamReference } from '../formats/sam-header.ts';
import { ToolUnavailableError } from '../formats/tool-unavailable-error.ts';
import { referenceContigs, type ReferenceContigs } from '../references/reference-table.ts';
import type { ReadSetFileName } from '../sequence-stores/read-set-repo.ts';
import { ItemFailure, openSource } from './import-source.ts';
import type { ImportSource } from './import-runner.ts';
import type { ReadSetJobsDeps } from './readset-jobs-deps.ts';
import type { StoredFile } from './import-fastq.ts';

export interface AlignmentImport {
  reads: number;
  bases: number;
  alignment: string;
  etag: string;
  files: Partial<Record<ReadSetFileName, StoredFile>>;
}

interface Scanned {
  reads: number;
  bases: number;
  mapped?: number;
  headerText: string;
  references: SamReference[];
  stored: StoredFile;
}

export async function importAlignment(d: ReadSetJobsDeps, objects: RoleScopedObjects | undefined, source: ImportSource,
  keyOf: (file: ReadSetFileName) => string, hash: FastqHashAlgorithm, signal?: AbortSignal): Promise<AlignmentImport> {
  const uri = source.sourceFiles.source1;
  const reference = source.referenceArn ? referenceContigs(d.omics.db, source.referenceArn) : undefined;
  if (source.referenceArn && !reference) throw new ItemFailure(`reference ${source.referenceArn} does not exist or is not ACTIVE.`);
  const opened = await openSource(objects, 'source1', uri);
  try {
    return await storeAlignment(d, opened.body, `source1 ${uri}`, source.sourceFileType, reference, keyOf, hash, signal);
  } finally {
    opened.body.destroy();
  }
}

/** Everything after the source is open (shared with direct upload, which reads its joined
 * parts): spool, scan, check against the reference, ETag, store with its index. Failures are
 * ItemFailures whose message starts with `label`. */
export async function storeAlignment(d: Pick<ReadSetJobsDeps, 'omics'>, body: Readable, label: string,
  type: 'FASTQ' | 'BAM' | 'CRAM' | 'UBAM', reference: ReferenceContigs | undefined,
  keyOf: (file: ReadSetFileName) => string, hash: FastqHashAlgorithm, signal?: AbortSignal): Promise<AlignmentImport> {
  const named = (e: unknown): never => {
    if (e instanceof FormatError || e instanceof ToolUnavailableError) throw new ItemFailure(`${label}: ${e.message}`);
    throw e;
  };
  const work = await mkdtemp(join(tmpdir(), 'healthtrail-readset-'));
  try {
    const spool = join(work, type === 'CRAM' ? 'source1.cram' : 'source1.bam');
    await pipeline(body, createWriteStream(spool));
    // The scan (and store), the ETag and the index each read the spool: run side by side.
    const referencePath = type === 'CRAM' && reference ? await copyReference(d, reference, work) : undefined;
    const etagDone = alignmentEtag(spool, { algorithm: hash, reference: referencePath, signal });
    etagDone.catch(() => undefined);
    const indexDone = buildIndex(spool, type, work);
    const scanned = type === 'CRAM'
      ? await scanCramFile(d, spool, keyOf('source1')).catch(named)
      : await scanBamFile(d, spool, keyOf('source1')).catch(named);
    if (type === 'UBAM' && (scanned.mapped ?? 0) > 0) {
      throw new ItemFailure(`${label}: a UBAM holds unaligned reads only, but ${scanned.mapped} records are mapped; import it as BAM.`);
    }
    if (reference) checkAgainstReference(label, scanned.references, reference);
    const etag = await etagDone.catch(named);
    const files: AlignmentImport['files'] = { source1: scanned.stored };
    const index = await indexDone;
    if (index) {
      const info = await d.omics.files.put(keyOf('index'), createReadStream(index));
      files.index = { key: keyOf('index'), contentLength: info.size };
    }
    return { reads: scanned.reads, bases: scanned.bases, alignment: type === 'UBAM' ? 'UNALIGNED' : 'ALIGNED', etag: etag.hash, files };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** A BAM/uBAM scanned from its spool while the same bytes are stored (one read of the spool). */
async function scanBamFile(d: Pick<ReadSetJobsDeps, 'omics'>, spool: string, key: string): Promise<Scanned> {
  const sink = new PassThrough();
  // A failed scan destroys the sink with its error; the scan's own rejection reports it.
  sink.on('error', () => undefined);
  const stored = d.omics.files.put(key, sink);
  const [scan, put] = await Promise.allSettled([scanBam(createReadStream(spool, { highWaterMark: 1 << 20 }), { sink }), stored]);
  if (scan.status === 'rejected') throw scan.reason;
  if (put.status === 'rejected') throw put.reason;
  const s = scan.value;
  return { reads: s.primary, bases: s.bases, mapped: s.mapped, headerText: s.headerText, references: s.references, stored: { key, contentLength: put.value.size } };
}

async function scanCramFile(d: Pick<ReadSetJobsDeps, 'omics'>, spool: string, key: string): Promise<Scanned> {
  const s = await scanCram(spool);
  const info = await d.omics.files.put(key, createReadStream(spool));
  return { reads: s.records, bases: s.bases, headerText: s.headerText, references: s.references, stored: { key, contentLength: info.size } };
}

/** Every @SQ of the file must be a contig of the linked reference: same name, length, and M5 when given. */
function checkAgainstReference(label: string, references: SamReference[], reference: ReferenceContigs): void {
  const contigs = new Map(reference.contigs.map((c) => [c.name, c]));
  for (const sq of references) {
    const contig = contigs.get(sq.name);
    if (!contig) throw new ItemFailure(`${label}: @SQ ${sq.name} is not a contig of the reference ${reference.referenceArn}.`);
    if (contig.length !== sq.length) {
      throw new ItemFailure(`${label}: @SQ ${sq.name} LN:${sq.length}, but the reference's ${sq.name} is ${contig.length} bp.`);
    }
    if (sq.m5 && sq.m5 !== contig.m5) throw new ItemFailure(`${label}: @SQ ${sq.name} M5:${sq.m5} differs from the reference's ${contig.m5}.`);
  }
}

/** The reference's FASTA and .fai copied beside the spool (samtools decodes the CRAM against them). */
async function copyReference(d: Pick<ReadSetJobsDeps, 'omics'>, reference: ReferenceContigs, work: string): Promise<string> {
  const fasta = join(work, 'reference.fa');
  for (const [key, path] of [[reference.fastaKey, fasta], [reference.faiKey, `${fasta}.fai`]] as const) {
    const got = await d.omics.files.get(key);
    if (!got) throw new ItemFailure(`reference ${reference.referenceArn}: its stored files are missing.`);
    await pipeline(got.body, createWriteStream(path));
  }
  return fasta;
}

/** samtools index of the spool; undefined when samtools cannot index it (an unsorted BAM: see the module comment). */
async function buildIndex(spool: string, type: string, work: string): Promise<string | undefined> {
  if (type === 'UBAM') return undefined;
  const out = join(work, type === 'CRAM' ? 'index.crai' : 'index.bai');
  const ok = await new Promise<boolean>((resolve) => {
    const child = spawn('samtools', ['index', '-o', out, spool], { stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('close', (code) => resolve(code === 0));
  });
  return ok ? out : undefined;
}
