/** One read set's metadata (GetReadSetMetadata, polled while it is moving): status, counts, ETags, files. */
import { formatNumber, formatTime } from '../shell/format.ts';
import { usePageTitle } from '../shell/page-title.ts';
import { Link } from '../shell/router.tsx';
import { StatusBadge } from '../shell/status-badge.tsx';
import { FileTable } from './file-table.tsx';
import { useOmicsGet } from './omics-data.ts';
import { isPassing, type ReadSet } from './omics-types.ts';
import { ResourceHeader } from './resource-header.tsx';

export function ReadSetPage({ storeId, readSetId }: { storeId: string; readSetId: string }) {
  const readSet = useOmicsGet<ReadSet>('GetReadSetMetadata', { sequenceStoreId: storeId, id: readSetId }, (r) => isPassing(r.status), [storeId, readSetId]);
  const r = readSet.data;
  usePageTitle(r?.name ? `Read set ${r.name}` : 'Read set');
  const storePath = `/omics/sequence-stores/${encodeURIComponent(storeId)}`;
  return (
    <section aria-labelledby="page-title">
      <ResourceHeader crumbs={<><Link to="/omics">HealthOmics</Link> › <Link to={storePath}>Sequence store {storeId}</Link></>} id={readSetId} name={r?.name} arn={r?.arn} error={readSet.error} errorTitle="Could not get the read set" />
      {r ? (
        <>
          <section className="panel" aria-labelledby="props-title">
            <h2 id="props-title">Metadata</h2>
            <dl className="details-grid" data-testid="read-set-metadata">
              <div><dt>Status</dt><dd><StatusBadge status={r.status} /></dd></div>
              <div><dt>Read set ID</dt><dd><code>{r.id}</code></dd></div>
              <div><dt>File type</dt><dd>{r.fileType ?? '—'}</dd></div>
              <div><dt>Subject ID</dt><dd className="wrap-anywhere">{r.subjectId ?? '—'}</dd></div>
              <div><dt>Sample ID</dt><dd className="wrap-anywhere">{r.sampleId ?? '—'}</dd></div>
              <div><dt>Created</dt><dd>{formatTime(r.creationTime)}</dd></div>
              <div><dt>Creation type</dt><dd>{r.creationType ?? '—'}</dd></div>
              <div><dt>Creation job</dt><dd><code>{r.creationJobId ?? '—'}</code></dd></div>
              <div><dt>Reads</dt><dd>{formatNumber(r.sequenceInformation?.totalReadCount) || '—'}</dd></div>
              <div><dt>Bases</dt><dd>{formatNumber(r.sequenceInformation?.totalBaseCount) || '—'}</dd></div>
              <div><dt>Generated from</dt><dd className="wrap-anywhere">{r.sequenceInformation?.generatedFrom ?? '—'}</dd></div>
              <div><dt>Alignment</dt><dd>{r.sequenceInformation?.alignment ?? '—'}</dd></div>
              <div><dt>Reference</dt><dd className="wrap-anywhere">{r.referenceArn ?? '—'}</dd></div>
              <div><dt>ETag algorithm</dt><dd>{r.etag?.algorithm ?? '—'}</dd></div>
              <div><dt>ETag SOURCE1</dt><dd className="wrap-anywhere"><code>{r.etag?.source1 ?? '—'}</code></dd></div>
              {r.etag?.source2 ? <div><dt>ETag SOURCE2</dt><dd className="wrap-anywhere"><code>{r.etag.source2}</code></dd></div> : null}
              {r.description ? <div><dt>Description</dt><dd className="wrap-anywhere">{r.description}</dd></div> : null}
              {r.statusMessage ? <div><dt>Message</dt><dd className="wrap-anywhere" data-testid="read-set-message">{r.statusMessage}</dd></div> : null}
            </dl>
          </section>
          <section className="panel" aria-labelledby="files-title">
            <h2 id="files-title">Files</h2>
            <FileTable label="Files of the read set" files={[['SOURCE1', r.files?.source1], ['SOURCE2', r.files?.source2], ['INDEX', r.files?.index]]} />
          </section>
        </>
      ) : readSet.loading ? <p className="muted">Loading…</p> : null}
    </section>
  );
}
