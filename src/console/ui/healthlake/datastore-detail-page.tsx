/** One data store: its properties (polled while it changes state), its jobs, the FHIR browser. */
import { useState } from 'react';
import type { DatastoreProperties } from '../api/aws-types.ts';
import { useConsole } from '../shell/console-context.tsx';
import { ErrorAlert } from '../shell/error-alert.tsx';
import { formatTime } from '../shell/format.ts';
import { usePageTitle } from '../shell/page-title.ts';
import { Link } from '../shell/router.tsx';
import { Tabs } from '../shell/tabs.tsx';
import { useLoad, usePolling } from '../shell/use-load.ts';
import { JobsPanel, type JobKind } from './jobs.tsx';
import { StatusBadge } from '../shell/status-badge.tsx';

export function DatastoreDetailPage({ datastoreId }: { datastoreId: string }) {
  const { api, region } = useConsole();
  const store = useLoad(async (signal) => {
    const out = await api.call<{ DatastoreProperties: DatastoreProperties }>('healthlake', 'DescribeFHIRDatastore', { DatastoreId: datastoreId }, region, signal);
    return out.DatastoreProperties;
  }, [api, region, datastoreId]);
  const s = store.data;
  usePageTitle(s?.DatastoreName ? `Data store ${s.DatastoreName}` : 'Data store');
  usePolling(store.reload, 2000, s?.DatastoreStatus === 'CREATING' || s?.DatastoreStatus === 'DELETING');
  const [tab, setTab] = useState<JobKind>('import');

  return (
    <section aria-labelledby="page-title">
      <p className="breadcrumbs"><Link to="/healthlake">HealthLake</Link> › {s?.DatastoreName ?? datastoreId}</p>
      <div className="page-header">
        <div>
          <h1 id="page-title">{s?.DatastoreName || datastoreId}</h1>
          {s ? <p className="muted wrap-anywhere">{s.DatastoreArn}</p> : null}
        </div>
        {s?.DatastoreStatus === 'ACTIVE' ? (
          <Link to={`/healthlake/${datastoreId}/fhir`} className="button primary">Browse FHIR resources</Link>
        ) : null}
      </div>
      <ErrorAlert error={store.error} title="Could not describe the data store" />
      {s ? (
        <section className="panel" aria-labelledby="props-title">
          <h2 id="props-title">Properties</h2>
          <dl className="details-grid">
            <div><dt>Status</dt><dd><StatusBadge status={s.DatastoreStatus} /></dd></div>
            <div><dt>Data store ID</dt><dd><code>{s.DatastoreId}</code></dd></div>
            <div><dt>FHIR version</dt><dd>{s.DatastoreTypeVersion}</dd></div>
            <div><dt>Created</dt><dd>{formatTime(s.CreatedAt)}</dd></div>
            <div><dt>Endpoint</dt><dd className="wrap-anywhere">{s.DatastoreEndpoint}</dd></div>
            <div><dt>Preloaded data</dt><dd>{s.PreloadDataConfig?.PreloadDataType ?? 'None'}</dd></div>
            <div><dt>Encryption</dt><dd>{s.SseConfiguration?.KmsEncryptionConfig?.CmkType ?? 'AWS_OWNED_KMS_KEY'}</dd></div>
            <div><dt>Authorization</dt><dd>{s.IdentityProviderConfiguration?.AuthorizationStrategy ?? 'AWS_AUTH'}</dd></div>
            {s.ErrorCause ? <div><dt>Error</dt><dd className="error-code">{s.ErrorCause.ErrorCategory}: {s.ErrorCause.ErrorMessage}</dd></div> : null}
          </dl>
        </section>
      ) : store.loading ? <p className="muted">Loading…</p> : null}
      {s ? (
        <Tabs label="Jobs" current={tab} onChange={setTab} tabs={[{ key: 'import', label: 'Import jobs' }, { key: 'export', label: 'Export jobs' }]}>
          <JobsPanel key={tab} datastoreId={datastoreId} kind={tab} datastoreActive={s.DatastoreStatus === 'ACTIVE'} />
        </Tabs>
      ) : null}
    </section>
  );
}
