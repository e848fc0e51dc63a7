/** The reference store: its properties, its references (polled while one is moving), its import jobs. */
import { useState } from 'react';
import { formatTime } from '../shell/format.ts';
import { usePageTitle } from '../shell/page-title.ts';
import { Link } from '../shell/router.tsx';
import { StatusBadge } from '../shell/status-badge.tsx';
import { Tabs } from '../shell/tabs.tsx';
import { useOmicsGet, useOmicsList } from './omics-data.ts';
import { OmicsError } from './omics-error.tsx';
import { isPassing, type Reference, type ReferenceStore } from './omics-types.ts';
import { StoreJobs } from './store-jobs.tsx';
import { ResourceHeader } from './resource-header.tsx';

type TabKey = 'references' | 'import';

export function ReferenceStorePage({ storeId }: { storeId: string }) {
  const store = useOmicsGet<ReferenceStore>('GetReferenceStore', { id: storeId }, () => false, [storeId]);
  const s = store.data;
  usePageTitle(s?.name ? `Reference store ${s.name}` : 'Reference store');
  const [tab, setTab] = useState<TabKey>('references');
  return (
    <section aria-labelledby="page-title">
      <ResourceHeader crumbs={<><Link to="/omics">HealthOmics</Link> › Reference stores</>} id={storeId} name={s?.name} arn={s?.arn} error={store.error} errorTitle="Could not get the reference store" />
      {s ? (
        <section className="panel" aria-labelledby="props-title">
          <h2 id="props-title">Properties</h2>
          <dl className="details-grid">
            <div><dt>Store ID</dt><dd><code>{s.id}</code></dd></div>
            <div><dt>Created</dt><dd>{formatTime(s.creationTime)}</dd></div>
            <div><dt>Encryption</dt><dd>{s.sseConfig?.type ?? '—'}</dd></div>
            {s.description ? <div><dt>Description</dt><dd className="wrap-anywhere">{s.description}</dd></div> : null}
          </dl>
        </section>
      ) : store.loading ? <p className="muted">Loading…</p> : null}
      <Tabs label="Reference store" current={tab} onChange={setTab} tabs={[{ key: 'references', label: 'References' }, { key: 'import', label: 'Import jobs' }]}>
        {tab === 'references' ? <References storeId={storeId} /> : <StoreJobs storeId={storeId} kind="reference-import" />}
      </Tabs>
    </section>
  );
}

function References({ storeId }: { storeId: string }) {
  const refs = useOmicsList<Reference>('ListReferences', { referenceStoreId: storeId, maxResults: 100 }, 'references', (r) => r.some((x) => isPassing(x.status)), [storeId]);
  return (
    <div className="stack">
      <div className="panel-header">
        <h3>References</h3>
        <button type="button" className="button small" onClick={refs.reload} disabled={refs.loading}>Refresh</button>
      </div>
      <OmicsError error={refs.error} title="Could not list references" />
      {refs.data?.length === 0 ? <p className="muted">No references yet.</p> : null}
      {refs.data && refs.data.length > 0 ? (
        <div className="table-scroll">
          <table className="data-table" data-testid="references">
            <caption className="visually-hidden">References</caption>
            <thead><tr><th scope="col">Name</th><th scope="col">ID</th><th scope="col">Status</th><th scope="col">MD5</th><th scope="col">Description</th><th scope="col">Created</th></tr></thead>
            <tbody>
              {refs.data.map((r) => (
                <tr key={r.id} data-reference-id={r.id}>
                  <th scope="row"><Link to={`/omics/reference-stores/${encodeURIComponent(storeId)}/references/${encodeURIComponent(r.id)}`}>{r.name || r.id}</Link></th>
                  <td><code>{r.id}</code></td>
                  <td><StatusBadge status={r.status} /></td>
                  <td className="wrap-anywhere"><code>{r.md5 ?? ''}</code></td>
                  <td className="wrap-anywhere">{r.description ?? ''}</td>
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
