/**
 * Runs a variant import job (a job kind on the one Omics worker): assumes the job's role as
 * omics.amazonaws.com (a refusal fails the job with its reason), then for each item reads the
 * VCF (plain, gzip or bgzip) as that role, streamed, parses it (vcf-records.ts), left-normalizes
 * its alleles against the store's reference when asked (left-normalize.ts, bases read from the
 * stored FASTA through its .fai), and writes its rows in batches of short transactions. Rows are
 * visible only once their item is COMPLETED (that flip and the store's size are one
 * transaction), so a failed, cancelled or interrupted item never shows half its variants; its
 * rows are removed.
 *
 * Interrupted (kill -9): the job is IN_PROGRESS at start-up and runs again; an item found
 * IN_PROGRESS has its rows removed and starts over, once — interrupted a second time it fails
 * saying so. A server shutting down puts its item back to SUBMITTED.
 */
import { isAwsError } from '../../../core/aws-error.ts';
import { parseS3Uri } from '../../healthlake/jobs/s3-uri.ts';
import type { RoleScopedObjects } from '../../shared/role-scoped-objects.ts';
import { ServiceRoleRefused } from '../../shared/service-role.ts';
import { OMICS_SERVICE_PRINCIPAL } from '../arns.ts';
import type { OmicsDeps } from '../deps.ts';
import { openDecoded } from '../formats/decoded-input.ts';
import { FormatError, quote } from '../formats/format-error.ts';
import { LineSplitter } from '../formats/line-splitter.ts';
import type { OmicsJobKind } from '../jobs/job-worker.ts';
import { referenceContigs } from '../references/reference-table.ts';
import { statusMessage } from '../references/status-message.ts';
import { ENDED, VariantImportTable, type VariantItemRow, type VariantJobRow } from './import-table.ts';
import { leftNormalize, normalizable } from './left-normalize.ts';
import { ReferenceSequence } from './reference-sequence.ts';
import { deleteVariantRows } from './store-lifecycle.ts';
import { storeArnOf, VariantStoreTable, type VariantStoreRow } from './store-table.ts';
import { VcfRecords, type VariantRow } from './vcf-records.ts';

const MAX_ATTEMPTS = 2;
/** Records per write transaction: long enough to be cheap, short enough not to hold the lock. */
const BATCH = 5_000;
const DELETE_BATCH = 20_000;

export function variantImportJobs(deps: OmicsDeps): OmicsJobKind {
  const jobs = new VariantImportTable(deps.db);
  return { name: 'VariantImport', runnable: () => jobs.runnable(), run: (id, signal) => runVariantImport(deps, id, signal), concurrency: 2 };
}

type Outcome = 'done' | 'stopped' | 'cancelled';

class ItemProblem extends Error {}

export async function runVariantImport(deps: OmicsDeps, jobId: string, signal: AbortSignal): Promise<void> {
  const jobs = new VariantImportTable(deps.db);
  const job = jobs.byId(jobId);
  if (!job || ENDED.has(job.status)) return;
  const now = () => deps.clock.now().toISOString();
  deps.db.transaction(() => jobs.setJob(job.id, 'IN_PROGRESS', '', now(), null));
  const store = new VariantStoreTable(deps.db).byId(job.store_id);
  if (!store || store.status !== 'ACTIVE') return finishJob(deps, job, `the variant store ${job.store_name} no longer exists`);
  const reference = referenceContigs(deps.db, store.reference_arn);
  if (!reference) return finishJob(deps, job, `the store's reference ${store.reference_arn} no longer exists`);

  let objects: RoleScopedObjects;
  try {
    objects = await deps.assumeRole({
      service: OMICS_SERVICE_PRINCIPAL, accountId: job.account_id, region: job.region, sourceArn: storeArnOf(store),
      roleArn: job.role_arn, sessionName: `omics-variant-import-${job.id}`.slice(0, 64),
    });
  } catch (err) {
    if (!(err instanceof ServiceRoleRefused)) throw err;
    return finishJob(deps, job, `Could not assume role ${job.role_arn}: ${err.reason}`);
  }
  const lengths = new Map(reference.contigs.map((c) => [c.name, c.length]));
  let sequence: ReferenceSequence | undefined;

  for (const item of jobs.items(job.id)) {
    if (signal.aborted) return;
    if (ENDED.has(item.status)) continue;
    if (item.status === 'IN_PROGRESS') {
      await removeRows(deps, item.item_key);
      if (item.attempts >= MAX_ATTEMPTS) {
        const message = statusMessage(item.source, `the server stopped during this import ${item.attempts} times; not retried`);
        deps.db.transaction(() => jobs.setItem(item.item_key, { status: 'FAILED', status_message: message }));
        continue;
      }
    }
    if (job.run_left_normalization === 1) sequence ??= await ReferenceSequence.open(deps.files, reference.fastaKey, reference.faiKey);
    const outcome = await importItem(deps, job, store, item, objects, (name) => lengths.get(name), sequence, signal);
    if (outcome === 'stopped') return;
    if (outcome === 'cancelled') return;
  }
  finishJob(deps, job);
}

async function importItem(deps: OmicsDeps, job: VariantJobRow, store: VariantStoreRow, item: VariantItemRow, objects: RoleScopedObjects,
  contigLength: (name: string) => number | undefined, sequence: ReferenceSequence | undefined, signal: AbortSignal): Promise<Outcome> {
  const jobs = new VariantImportTable(deps.db);
  deps.db.transaction(() => jobs.setItem(item.item_key, { status: 'IN_PROGRESS', attempts: item.attempts + 1, status_message: null }));
  const records = new VcfRecords(contigLength, job.annotation_fields ? JSON.parse(job.annotation_fields) as Record<string, string> : {});
  const insert = deps.db.stmt(`INSERT INTO omics_variant_rows (store_key, item_key, contigname, start, "end", names, referenceallele,
    alternatealleles, qual, filters, attributes, annotations, format, samples) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  let count = 0;
  let bytes = 0;
  try {
    const { bucket, prefix } = parseS3Uri(item.source);
    const got = await objects.get(bucket, prefix);
    if (!got) throw new ItemProblem('no such object (NoSuchKey)');
    const stop = () => got.body.destroy(new Error('the server is stopping'));
    signal.addEventListener('abort', stop, { once: true });
    try {
      const input = await openDecoded(got.body);
      let pending: [string, number][] = [];
      const splitter = new LineSplitter((buf, start, end, lineNo) => {
        const line = buf.toString('utf8', start, end);
        if (records.headerLine(line, lineNo)) return;
        pending.push([line, lineNo]);
      });
      const flush = async (): Promise<Outcome | undefined> => {
        const rows: VariantRow[] = [];
        for (const [line, lineNo] of pending) {
          const row = records.record(line, lineNo);
          if (sequence) await normalizeRow(row, sequence, lineNo);
          rows.push(row);
          bytes += line.length + 1;
        }
        pending = [];
        if (jobs.byId(job.id)?.status === 'CANCELLED') return 'cancelled';
        deps.db.transaction(() => {
          for (const r of rows) {
            insert.run(store.store_key, item.item_key, r.contigname, r.start, r.end, r.names, r.referenceallele, JSON.stringify(r.alternatealleles),
              r.qual, r.filters, r.attributes, r.annotations, r.format, r.samples);
          }
        });
        count += rows.length;
        return undefined;
      };
      for await (const chunk of input.chunks) {
        splitter.feed(chunk);
        if (pending.length >= BATCH) {
          const stopped = await flush();
          if (stopped) { await removeRows(deps, item.item_key); return stopped; }
        }
      }
      splitter.finish();
      const stopped = await flush();
      if (stopped) { await removeRows(deps, item.item_key); return stopped; }
      if (!records.seenHeader) throw new FormatError('no #CHROM header line: not a VCF file');
    } finally {
      signal.removeEventListener('abort', stop);
    }
    deps.db.transaction(() => {
      if (jobs.byId(job.id)?.status === 'CANCELLED') return;
      jobs.setItem(item.item_key, { status: 'COMPLETED', status_message: null, records: count, bytes, sample_names: JSON.stringify(records.samples) });
      new VariantStoreTable(deps.db).addSize(store.id, bytes);
    });
    if (jobs.byId(job.id)?.status === 'CANCELLED' && jobs.items(job.id).find((i) => i.item_key === item.item_key)?.status !== 'COMPLETED') {
      await removeRows(deps, item.item_key);
      return 'cancelled';
    }
    return 'done';
  } catch (err) {
    await removeRows(deps, item.item_key);
    if (signal.aborted) {
      deps.db.transaction(() => jobs.setItem(item.item_key, { status: 'SUBMITTED', attempts: item.attempts }));
      return 'stopped';
    }
    if (!(err instanceof FormatError) && !(err instanceof ItemProblem) && !isAwsError(err)) deps.log.error({ err, jobId: job.id }, 'a variant import failed');
    const message = statusMessage(item.source, problemOf(err));
    deps.db.transaction(() => {
      if (jobs.byId(job.id)?.status !== 'CANCELLED') jobs.setItem(item.item_key, { status: 'FAILED', status_message: message });
    });
    return jobs.byId(job.id)?.status === 'CANCELLED' ? 'cancelled' : 'done';
  }
}

/** Checks REF against the reference and left-aligns/trims the alleles (bcftools norm -f). */
async function normalizeRow(row: VariantRow, sequence: ReferenceSequence, lineNo: number): Promise<void> {
  const basesAt = (start: number, end: number) => sequence.bases(row.contigname, start, end);
  const actual = await basesAt(row.start, row.start + row.referenceallele.length);
  if (actual !== row.referenceallele.toUpperCase()) {
    throw new FormatError(`line ${lineNo}: REF ${quote(row.referenceallele, 20)} does not match the reference (${quote(actual, 20)}) at ${row.contigname}:${row.start + 1}`);
  }
  if (!normalizable(row.referenceallele, row.alternatealleles)) return;
  const n = await leftNormalize(row.start, row.referenceallele, row.alternatealleles, basesAt);
  row.start = n.start;
  row.referenceallele = n.ref;
  row.alternatealleles = n.alts;
  row.end = n.start + n.ref.length;
}

async function removeRows(deps: OmicsDeps, itemKey: number): Promise<void> {
  while (deps.db.transaction(() => deleteVariantRows(deps, 'item_key = ?', itemKey, DELETE_BATCH)) === DELETE_BATCH) {
    await new Promise((r) => setImmediate(r));
  }
}

function problemOf(err: unknown): string {
  if (err instanceof FormatError || err instanceof ItemProblem) return err.message;
  if (isAwsError(err)) return `${err.code}: ${err.message}`;
  return 'the file could not be read (internal error)';
}

/** The job's end state from its items; `failure` fails every item not yet ended with it. */
function finishJob(deps: OmicsDeps, job: VariantJobRow, failure?: string): void {
  const jobs = new VariantImportTable(deps.db);
  deps.db.transaction(() => {
    if (jobs.byId(job.id)?.status === 'CANCELLED') return;
    if (failure) {
      const message = statusMessage(undefined, failure);
      for (const i of jobs.items(job.id)) if (!ENDED.has(i.status)) jobs.setItem(i.item_key, { status: 'FAILED', status_message: message });
    }
    const items = jobs.items(job.id);
    const failed = items.filter((i) => i.status === 'FAILED');
    const status = failed.length === 0 ? 'COMPLETED' : failed.length === items.length ? 'FAILED' : 'COMPLETED_WITH_FAILURES';
    const message = failure ? statusMessage(undefined, failure)
      : failed.length === 0 ? ''
        : failed.length === 1 ? failed[0]!.status_message ?? ''
          : statusMessage(undefined, `${failed.length} of ${items.length} items failed; the first: ${failed[0]!.status_message ?? ''}`);
    const now = deps.clock.now().toISOString();
    jobs.setJob(job.id, status, message, now, now);
  });
}
