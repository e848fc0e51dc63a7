/** One sequence store: its properties, its read sets (polled while one is moving), and its jobs. */
import { useState } from 'react';
import { formatNumber, formatTime } from '../shell/format.ts';
import { usePageTitle } from '../shell/page-title.ts';
import { Link } from '../shell/router.tsx';
import { StatusBadge } from '../shell/status-badge.tsx';
import { Tabs } from '../shell/tabs.tsx';
import { useOmicsGet, useOmicsList } from './omics-data.ts';
import { OmicsError } from './omics-error.tsx';
import { isPassing, type ReadSet, type SequenceStore } from './omics-types.ts';
import { StoreJobs } from './store-jobs.tsx';
import { ResourceHeader } from './resource-header.tsx';

type TabKey = 'read-sets' | 'import' | 'export' | 'activation';

export function SequenceStorePage({ storeId }: { storeId: string }) {
  const store = useOmicsGet<SequenceStore>('GetSequenceStore', { id: storeId }, (s) => isPassing(s.status), [storeId]);
  const s = store.data;
  usePageTitle(s?.name ? `Sequence store ${s.name}` : 'Sequence store');
  const [tab, setTab] = useState<TabKey>('read-sets');
  return (
    <section aria-labelledby="page-title">
      <ResourceHeader crumbs={<><Link to="/omics">HealthOmics</Link> › Sequence stores</>} id={storeId} name={s?.name} arn={s?.arn} error={store.error} errorTitle="Could not get the sequence store" />
      {s ? (
        <section className="panel" aria-labelledby="props-title">
          <h2 id="props-title">Properties</h2>
          <dl className="details-grid">
            <div><dt>Status</dt><dd><StatusBadge status={s.status} /></dd></div>
            <div><dt>Store ID</dt><dd><code>{s.id}</code></dd></div>
            <div><dt>Created</dt><dd>{formatTime(s.creationTime)}</dd></div>
            <div><dt>ETag algorithm family</dt><dd>{s.eTagAlgorithmFamily ?? '—'}</dd></div>
            <div><dt>Fallback location</dt><dd className="wrap-anywhere">{s.fallbackLocation ?? '—'}</dd></div>
            <div><dt>Encryption</dt><dd>{s.sseConfig?.type ?? '—'}</dd></div>
            <div><dt>S3 access</dt><dd className="wrap-anywhere">{s.s3Access?.s3Uri ?? '—'}</dd></div>
            <div><dt>Propagated tags</dt><dd>{s.propagatedSetLevelTags?.join(', ') || '—'}</dd></div>
            {s.description ? <div><dt>Description</dt><dd className="wrap-anywhere">{s.description}</dd></div> : null}
            {s.statusMessage ? <div><dt>Message</dt><dd className="wrap-anywhere">{s.statusMessage}</dd></div> : null}
          </dl>
        </section>
      ) : store.loading ? <p className="muted">Loading…</p> : null}
      <Tabs label="Sequence store" current={tab} onChange={setTab} tabs={[
        { key: 'read-sets', label: 'Read sets' }, { key: 'import', label: 'Import jobs' },
        { key: 'export', label: 'Export jobs' }, { key: 'activation', label: 'Activation jobs' },
      ]}>
        {tab === 'read-sets' ? <ReadSets storeId={storeId} /> : <StoreJobs key={tab} storeId={storeId} kind={tab} />}
      </Tabs>
    </section>
  );
}

function ReadSets({ storeId }: { storeId: string }) {
  const readSets = useOmicsList<ReadSet>('ListReadSets', { sequenceStoreId: storeId, maxResults: 100 }, 'readSets', (r) => r.some((x) => isPassing(x.status)), [storeId]);
  return (
    <div className="stack">
      <div className="panel-header">
        <h3>Read sets</h3>
        <button type="button" className="button small" onClick={readSets.reload} disabled={readSets.loading}>Refresh</button>
      </div>
      <OmicsError error={readSets.error} title="Could not list read sets" />
      {readSets.data?.length === 0 ? <p className="muted">No read sets yet.</p> : null}
      {readSets.data && readSets.data.length > 0 ? (
        <div className="table-scroll">
          <table className="data-table" data-testid="read-sets">
            <caption className="visually-hidden">Read sets</caption>
            <thead>
              <tr><th scope="col">Name</th><th scope="col">ID</th><th scope="col">Status</th><th scope="col">File type</th><th scope="col">Subject</th><th scope="col">Sample</th>
                <th scope="col">Reads</th><th scope="col">Bases</th><th scope="col">ETag</th><th scope="col">Created</th></tr>
            </thead>
            <tbody>
              {readSets.data.map((r) => (
                <tr key={r.id} data-read-set-id={r.id}>
                  <th scope="row"><Link to={`/omics/sequence-stores/${encodeURIComponent(storeId)}/read-sets/${encodeURIComponent(r.id)}`}>{r.name || r.id}</Link></th>
                  <td><code>{r.id}</code></td>
                  <td><StatusBadge status={r.status} /></td>
                  <td>{r.fileType ?? ''}</td>
                  <td className="wrap-anywhere">{r.subjectId ?? ''}</td>
                  <td className="wrap-anywhere">{r.sampleId ?? ''}</td>
                  <td>{formatNumber(r.sequenceInformation?.totalReadCount)}</td>
                  <td>{formatNumber(r.sequenceInformation?.totalBaseCount)}</td>
                  <td className="wrap-anywhere"><code>{r.etag?.source1 ?? ''}</code></td>
                  <td className="nowrap">{formatTime(r.creationTime)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
