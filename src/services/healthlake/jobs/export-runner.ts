/**
 * Runs one export job (spec §1.7): every live resource of the datastore, or for a Patient- or
 * Group-level export those in the compartment of every patient or of the group's members, one
 * NDJSON object per resource type (split into parts of PART_LINES), at
 * {S3Uri}/{datastoreId}-FHIR_EXPORT-{jobId}/{Type}/{Type}-{shard}-{part}-0.ndjson.
 * Progress (the types written) commits after each type; a restart rewrites at most the type in
 * flight, with the same keys.
 */
import type { JobRow } from './job-store.ts';
import { checkBucket, JobFailure, type RunnerDeps } from './runner-deps.ts';
import { exportFolder, folderKey, parseS3Uri } from './s3-uri.ts';
import { patientCompartment } from '../fhir/patient-compartment.ts';
import { parseReference } from '../fhir/indexer.ts';

const PART_LINES = 10_000;
const PAGE = 1000;

export interface ExportProgress {
  /** Resource type -> resources written, for the types done. */
  done: Record<string, number>;
  /** The objects written for the types done (the FHIR status response lists them). */
  files: { type: string; key: string }[];
}

export interface ExportScope {
  types?: string[];
  /** Epoch milliseconds: only resources last updated at or after it. */
  since?: number;
  /** Patient-level ({}) or Group-level ({ group: id }) export: patient compartments only. */
  patients?: { group?: string };
}

/** One page of a type's resources to export, after rid `after`, in rid order. */
type PageQuery = (type: string, after: number) => { rid: number; content: string }[];

/**
 * The resources a Patient- or Group-level export writes: the patients themselves, and the
 * resources that refer to one of them through a parameter of the Patient compartment
 * (patient-compartment.ts). `patientIds` undefined: every patient.
 */
function compartmentPages(deps: RunnerDeps, store: number, since: number, patientIds: string[] | undefined): { types: Set<string>; page: PageQuery } {
  const compartment = patientCompartment();
  const ids = patientIds === undefined ? undefined : JSON.stringify(patientIds);
  const ofIds = (column: string) => (ids === undefined ? '' : ` AND ${column} IN (SELECT value FROM json_each(?))`);
  const idArgs = ids === undefined ? [] : [ids];
  const page: PageQuery = (type, after) => {
    if (type === 'Patient') {
      return deps.db.stmt(`SELECT rid, content FROM fhir_resources WHERE store = ? AND rtype = 'Patient' AND deleted = 0 AND rid > ? AND updated >= ?${ofIds('id')} ORDER BY rid LIMIT ?`)
        .all(store, after, since, ...idArgs, PAGE) as { rid: number; content: string }[];
    }
    const keys = compartment.get(type)!.map((p) => deps.repo.key(p.keyName));
    return deps.db.stmt(
      `SELECT r.rid AS rid, r.content AS content FROM fhir_resources r WHERE r.store = ? AND r.rtype = ? AND r.deleted = 0 AND r.rid > ? AND r.updated >= ?
         AND EXISTS (SELECT 1 FROM fhir_idx_reference x WHERE x.rid = r.rid AND x.key IN (${keys.map(() => '?').join(', ')}) AND x.ref_type = 'Patient'${ofIds('x.ref_id')})
       ORDER BY r.rid LIMIT ?`,
    ).all(store, type, after, since, ...keys, ...idArgs, PAGE) as { rid: number; content: string }[];
  };
  return { types: new Set(['Patient', ...compartment.keys()]), page };
}

/** The ids of the patients a live Group lists as members (inactive ones left out). */
function groupMembers(deps: RunnerDeps, store: number, groupId: string): string[] {
  const group = deps.repo.get(store, 'Group', groupId);
  if (!group || group.deleted || group.content === null) throw new JobFailure(`Group/${groupId} no longer exists.`);
  const members = (JSON.parse(group.content) as { member?: { entity?: { reference?: unknown }; inactive?: boolean }[] }).member ?? [];
  const ids = new Set<string>();
  for (const m of members) {
    const ref = typeof m.entity?.reference === 'string' ? parseReference(m.entity.reference) : undefined;
    if (ref?.[0] === 'Patient' && m.inactive !== true) ids.add(ref[1]);
  }
  return [...ids];
}

/** A cancel request (FHIR DELETE export/{jobId}) seen by the runner: the job ends CANCEL_COMPLETED. */
async function cancelled(deps: RunnerDeps, job: JobRow): Promise<boolean> {
  const status = deps.jobs.get(job.jobId)?.status;
  if (status !== 'CANCEL_SUBMITTED' && status !== 'CANCEL_IN_PROGRESS') return false;
  await deps.db.batched(() => deps.jobs.finish(job.jobId, 'CANCEL_COMPLETED', deps.clock.now().getTime(), null, null));
  return true;
}

export async function runExport(deps: RunnerDeps, job: JobRow): Promise<void> {
  const config = (job.request.OutputDataConfig as { S3Configuration?: { S3Uri: string } }).S3Configuration;
  if (!config) throw new JobFailure('OutputDataConfig must name an S3Configuration.');
  const output = parseS3Uri(config.S3Uri);
  checkBucket(deps, output, job.accountId, 'output');
  const folder = folderKey(output, exportFolder(job.datastoreId, job.jobId));
  const progress: ExportProgress = (job.progress as ExportProgress | null) ?? { done: {}, files: [] };
  const scope = (job.request.Scope as ExportScope | undefined) ?? {};
  const since = scope.since ?? 0;
  const storeRow = deps.db.stmt('SELECT store FROM fhir_stores WHERE datastore_id = ?').get(job.datastoreId) as { store: number } | undefined;
  let types = storeRow
    ? (deps.db.stmt('SELECT DISTINCT rtype FROM fhir_resources WHERE store = ? AND deleted = 0 ORDER BY rtype').all(storeRow.store) as { rtype: string }[]).map((r) => r.rtype)
    : [];
  if (scope.types) types = types.filter((t) => scope.types!.includes(t));
  let page: PageQuery = (type, after) => deps.db.stmt('SELECT rid, content FROM fhir_resources WHERE store = ? AND rtype = ? AND deleted = 0 AND rid > ? AND updated >= ? ORDER BY rid LIMIT ?')
    .all(storeRow!.store, type, after, since, PAGE) as { rid: number; content: string }[];
  if (scope.patients && storeRow) {
    deps.repo.ready();
    const patientIds = scope.patients.group === undefined ? undefined : groupMembers(deps, storeRow.store, scope.patients.group);
    const compartment = compartmentPages(deps, storeRow.store, since, patientIds);
    types = types.filter((t) => compartment.types.has(t));
    page = compartment.page;
  }
  const shard = BigInt(`0x${job.jobId.replace(/[^0-9a-f]/gi, '').slice(0, 15) || '0'}`).toString();
  for (const type of types) {
    if (type in progress.done) continue;
    if (deps.stopping() || await cancelled(deps, job)) return;
    const written: { type: string; key: string }[] = [];
    let after = 0;
    let part = 0;
    let count = 0;
    let lines: string[] = [];
    const flush = async () => {
      if (lines.length === 0) return;
      const key = `${folder}${type}/${type}-${shard}-${part}-0.ndjson`;
      await deps.buckets.putObject(output.bucket, key, Buffer.from(`${lines.join('\n')}\n`), {}, { contentType: 'application/fhir+ndjson' });
      written.push({ type, key });
      part++;
      lines = [];
    };
    for (;;) {
      const rows = page(type, after);
      if (rows.length === 0) break;
      for (const r of rows) {
        lines.push(r.content);
        count++;
        if (lines.length >= PART_LINES) await flush();
      }
      after = rows[rows.length - 1]!.rid;
      // Let API calls in between pages.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await flush();
    progress.done[type] = count;
    progress.files.push(...written);
    await deps.db.batched(() => deps.jobs.saveProgress(job.jobId, progress as unknown as Record<string, unknown>));
  }
  if (await cancelled(deps, job)) return;
  await deps.db.batched(() => {
    // Checked again in the finishing transaction: a cancel accepted up to here wins.
    const status = deps.jobs.get(job.jobId)?.status;
    const cancel = status === 'CANCEL_SUBMITTED' || status === 'CANCEL_IN_PROGRESS';
    deps.jobs.finish(job.jobId, cancel ? 'CANCEL_COMPLETED' : 'COMPLETED', deps.clock.now().getTime(), null, progress as unknown as Record<string, unknown>);
  });
}
