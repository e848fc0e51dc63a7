/**
 * The jobs of a store: read-set import, export and activation jobs of a sequence store, reference
 * import jobs of a reference store. The list polls while a job is moving; the selected job's Get
 * polls too, so its status and its items' statuses move on screen.
 */
import { useState } from 'react';
import { formatTime } from '../shell/format.ts';
import { StatusBadge } from '../shell/status-badge.tsx';
import { useOmicsGet, useOmicsList } from './omics-data.ts';
import { OmicsError } from './omics-error.tsx';
import { isPassing, type JobItem, type StoreJob } from './omics-types.ts';

export type StoreJobKind = 'import' | 'export' | 'activation' | 'reference-import';

const KINDS: Record<StoreJobKind, { label: string; list: string; listKey: string; get: string; itemsKey: string; storeKey: string }> = {
  import: { label: 'Import', list: 'ListReadSetImportJobs', listKey: 'importJobs', get: 'GetReadSetImportJob', itemsKey: 'sources', storeKey: 'sequenceStoreId' },
  export: { label: 'Export', list: 'ListReadSetExportJobs', listKey: 'exportJobs', get: 'GetReadSetExportJob', itemsKey: 'readSets', storeKey: 'sequenceStoreId' },
  activation: { label: 'Activation', list: 'ListReadSetActivationJobs', listKey: 'activationJobs', get: 'GetReadSetActivationJob', itemsKey: 'sources', storeKey: 'sequenceStoreId' },
  'reference-import': { label: 'Import', list: 'ListReferenceImportJobs', listKey: 'importJobs', get: 'GetReferenceImportJob', itemsKey: 'sources', storeKey: 'referenceStoreId' },
};

export function StoreJobs({ storeId, kind }: { storeId: string; kind: StoreJobKind }) {
  const k = KINDS[kind];
  const [selected, setSelected] = useState<string | null>(null);
  const jobs = useOmicsList<StoreJob>(k.list, { [k.storeKey]: storeId, maxResults: 100 }, k.listKey, (j) => j.some((x) => isPassing(x.status)), [storeId, kind]);
  const sorted = jobs.data ? [...jobs.data].sort((a, b) => (b.creationTime ?? '').localeCompare(a.creationTime ?? '')) : undefined;
  return (
    <div className="stack">
      <div className="panel-header">
        <h3>{k.label} jobs</h3>
        <button type="button" className="button small" onClick={jobs.reload} disabled={jobs.loading}>Refresh</button>
      </div>
      <OmicsError error={jobs.error} title={`Could not list ${k.label.toLowerCase()} jobs`} />
      {sorted?.length === 0 ? <p className="muted">No {k.label.toLowerCase()} jobs yet.</p> : null}
      {sorted && sorted.length > 0 ? (
        <div className="table-scroll">
          <table className="data-table" data-testid={`${kind}-jobs`}>
            <caption className="visually-hidden">{k.label} jobs</caption>
            <thead>
              <tr><th scope="col">Job</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Completed</th><th scope="col">{kind === 'export' ? 'Destination' : 'Role'}</th></tr>
            </thead>
            <tbody>
              {sorted.map((j) => (
                <tr key={j.id} data-job-id={j.id} className={selected === j.id ? 'selected' : undefined}>
                  <th scope="row">
                    <button type="button" className="button-link" onClick={() => setSelected(j.id)} aria-label={`Details of job ${j.id}`}><code>{j.id}</code></button>
                  </th>
                  <td><StatusBadge status={j.status} /></td>
                  <td className="nowrap">{formatTime(j.creationTime)}</td>
                  <td className="nowrap">{formatTime(j.completionTime)}</td>
                  <td className="wrap-anywhere">{(kind === 'export' ? j.destination : j.roleArn) ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {selected ? <JobDetail key={selected} storeId={storeId} kind={kind} jobId={selected} onClose={() => setSelected(null)} /> : null}
    </div>
  );
}

type JobDetailOutput = StoreJob & Record<string, unknown>;

function itemLabel(item: JobItem): string {
  return item.name ?? item.readSetId ?? item.referenceId ?? item.id ?? item.sourceFile ?? item.sourceFiles?.source1 ?? '';
}

function JobDetail({ storeId, kind, jobId, onClose }: { storeId: string; kind: StoreJobKind; jobId: string; onClose: () => void }) {
  const k = KINDS[kind];
  const job = useOmicsGet<JobDetailOutput>(k.get, { [k.storeKey]: storeId, id: jobId }, (j) => isPassing(j.status), [storeId, kind, jobId]);
  const j = job.data;
  const items = (j?.[k.itemsKey] as JobItem[] | undefined) ?? [];
  const finished = items.filter((i) => i.status !== undefined && !isPassing(i.status)).length;
  return (
    <section className="panel" aria-labelledby="job-detail-title" data-testid="job-detail">
      <div className="panel-header">
        <h3 id="job-detail-title">{k.label} job {jobId}</h3>
        <button type="button" className="button small" onClick={onClose}>Close</button>
      </div>
      <OmicsError error={job.error} title="Could not get the job" />
      {j ? (
        <>
          <dl className="details-grid">
            <div><dt>Status</dt><dd><StatusBadge status={j.status} /></dd></div>
            <div><dt>Progress</dt><dd data-testid="job-progress">{items.length ? `${finished} of ${items.length} finished` : '—'}</dd></div>
            <div><dt>Created</dt><dd>{formatTime(j.creationTime)}</dd></div>
            <div><dt>Completed</dt><dd>{formatTime(j.completionTime) || '—'}</dd></div>
            {j.roleArn ? <div><dt>Role</dt><dd className="wrap-anywhere">{j.roleArn}</dd></div> : null}
            {j.destination ? <div><dt>Destination</dt><dd className="wrap-anywhere">{j.destination}</dd></div> : null}
            {j.statusMessage ? <div><dt>Message</dt><dd className="wrap-anywhere" data-testid="job-message">{j.statusMessage}</dd></div> : null}
          </dl>
          {items.length > 0 ? (
            <div className="table-scroll">
              <table className="data-table" data-testid="job-items">
                <caption className="visually-hidden">Items of the job</caption>
                <thead><tr><th scope="col">Item</th><th scope="col">Status</th><th scope="col">Source</th><th scope="col">Result</th><th scope="col">Message</th></tr></thead>
                <tbody>
                  {items.map((item, i) => (
                    <tr key={i}>
                      <th scope="row" className="wrap-anywhere">{itemLabel(item)}</th>
                      <td><StatusBadge status={item.status} /></td>
                      <td className="wrap-anywhere">{[item.sourceFile, item.sourceFiles?.source1, item.sourceFiles?.source2].filter(Boolean).join(' ')}</td>
                      <td><code>{item.readSetId ?? item.referenceId ?? item.id ?? ''}</code></td>
                      <td className="wrap-anywhere">{item.statusMessage ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </>
      ) : job.loading ? <p className="muted">Loading…</p> : null}
    </section>
  );
}
