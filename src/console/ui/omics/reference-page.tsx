/** One reference's metadata (GetReferenceMetadata, polled while it is moving): status, MD5, files. */
import { formatTime } from '../shell/format.ts';
import { usePageTitle } from '../shell/page-title.ts';
import { Link } from '../shell/router.tsx';
import { StatusBadge } from '../shell/status-badge.tsx';
import { FileTable } from './file-table.tsx';
import { useOmicsGet } from './omics-data.ts';
import { isPassing, type Reference } from './omics-types.ts';
import { ResourceHeader } from './resource-header.tsx';

export function ReferencePage({ storeId, referenceId }: { storeId: string; referenceId: string }) {
  const reference = useOmicsGet<Reference>('GetReferenceMetadata', { referenceStoreId: storeId, id: referenceId }, (r) => isPassing(r.status), [storeId, referenceId]);
  const r = reference.data;
  usePageTitle(r?.name ? `Reference ${r.name}` : 'Reference');
  return (
    <section aria-labelledby="page-title">
      <ResourceHeader crumbs={<><Link to="/omics">HealthOmics</Link> › <Link to={`/omics/reference-stores/${encodeURIComponent(storeId)}`}>Reference store {storeId}</Link></>} id={referenceId} name={r?.name} arn={r?.arn} error={reference.error} errorTitle="Could not get the reference" />
      {r ? (
        <>
          <section className="panel" aria-labelledby="props-title">
            <h2 id="props-title">Metadata</h2>
            <dl className="details-grid" data-testid="reference-metadata">
              <div><dt>Status</dt><dd><StatusBadge status={r.status} /></dd></div>
              <div><dt>Reference ID</dt><dd><code>{r.id}</code></dd></div>
              <div><dt>MD5</dt><dd className="wrap-anywhere"><code>{r.md5 ?? '—'}</code></dd></div>
              <div><dt>Created</dt><dd>{formatTime(r.creationTime)}</dd></div>
              <div><dt>Updated</dt><dd>{formatTime(r.updateTime) || '—'}</dd></div>
              <div><dt>Creation type</dt><dd>{r.creationType ?? '—'}</dd></div>
              <div><dt>Creation job</dt><dd><code>{r.creationJobId ?? '—'}</code></dd></div>
              {r.description ? <div><dt>Description</dt><dd className="wrap-anywhere">{r.description}</dd></div> : null}
            </dl>
          </section>
          <section className="panel" aria-labelledby="files-title">
            <h2 id="files-title">Files</h2>
            <FileTable label="Files of the reference" files={[['SOURCE', r.files?.source], ['INDEX', r.files?.index]]} />
          </section>
        </>
      ) : reference.loading ? <p className="muted">Loading…</p> : null}
    </section>
  );
}
