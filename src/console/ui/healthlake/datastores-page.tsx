/**
 * HealthLake data stores: ListFHIRDatastores (paged), CreateFHIRDatastore (name, FHIR R4,
 * optional Synthea preload), DeleteFHIRDatastore; polled while one is CREATING or DELETING.
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { DatastoreProperties, ListFHIRDatastoresOutput } from '../api/aws-types.ts';
import { toApiError, type ApiError } from '../api/errors.ts';
import { useConsole } from '../shell/console-context.tsx';
import { ErrorAlert, Notice } from '../shell/error-alert.tsx';
import { formatTime } from '../shell/format.ts';
import { usePageTitle } from '../shell/page-title.ts';
import { Link } from '../shell/router.tsx';
import { useAction, usePolling } from '../shell/use-load.ts';
import { StatusBadge } from '../shell/status-badge.tsx';

const TRANSITIONS = new Set(['CREATING', 'DELETING']);

export function DatastoresPage() {
  usePageTitle('HealthLake data stores');
  const { api, region } = useConsole();
  const [stores, setStores] = useState<DatastoreProperties[] | null>(null);
  const [nextToken, setNextToken] = useState<string | undefined>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [showCreate, setShowCreate] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const action = useAction();

  /** Reads as many pages as are shown (at least the first). */
  const load = async (pages = 1) => {
    setLoading(true);
    try {
      const all: DatastoreProperties[] = [];
      let token: string | undefined;
      let read = 0;
      do {
        const out: ListFHIRDatastoresOutput = await api.call<ListFHIRDatastoresOutput>('healthlake', 'ListFHIRDatastores', { MaxResults: 50, ...(token ? { NextToken: token } : {}) }, region);
        all.push(...(out.DatastorePropertiesList ?? []));
        token = out.NextToken;
        read++;
      } while (token && read < pages);
      setStores(all);
      setNextToken(token);
      setError(null);
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setLoading(false);
    }
  };
  const [pagesShown, setPagesShown] = useState(1);

  useEffect(() => {
    setStores(null);
    setPagesShown(1);
    void load(1);
  }, [api, region]); // load reads api and region

  usePolling(() => load(pagesShown), 2000, !!stores?.some((s) => TRANSITIONS.has(s.DatastoreStatus)));

  const remove = (s: DatastoreProperties) => void action.run(async () => {
    await api.call('healthlake', 'DeleteFHIRDatastore', { DatastoreId: s.DatastoreId }, region);
    setConfirming(null);
    await load(pagesShown);
  });

  return (
    <section aria-labelledby="page-title">
      <div className="page-header">
        <div>
          <h1 id="page-title">HealthLake data stores</h1>
          <p className="muted">FHIR R4 data stores in <strong>{region}</strong>.</p>
        </div>
        <div className="button-row">
          <button type="button" className="button" onClick={() => void load(pagesShown)} disabled={loading}>Refresh</button>
          <button type="button" className="button primary" aria-expanded={showCreate} aria-controls="create-datastore" onClick={() => setShowCreate((v) => !v)}>
            Create data store
          </button>
        </div>
      </div>
      {showCreate ? (
        <CreateDatastoreForm onCreated={(id) => {
          setShowCreate(false);
          setCreated(id);
          void load(pagesShown);
        }} onCancel={() => setShowCreate(false)} />
      ) : null}
      {created ? <Notice kind="success">Data store <code>{created}</code> is being created.</Notice> : null}
      <ErrorAlert error={error} title="Could not list data stores" />
      <ErrorAlert error={action.error} title="Could not delete the data store" onDismiss={() => action.setError(null)} />
      {stores === null && loading ? <p className="muted">Loading data stores…</p> : null}
      {stores && stores.length === 0 ? <p>No data stores in {region} yet.</p> : null}
      {stores && stores.length > 0 ? (
        <div className="table-scroll">
          <table className="data-table">
            <caption className="visually-hidden">Data stores</caption>
            <thead>
              <tr>
                <th scope="col">Name</th><th scope="col">ID</th><th scope="col">Status</th><th scope="col">FHIR version</th>
                <th scope="col">Preload</th><th scope="col">Created</th><th scope="col"><span className="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {stores.map((s) => (
                <tr key={s.DatastoreId} data-datastore-id={s.DatastoreId}>
                  <th scope="row"><Link to={`/healthlake/${s.DatastoreId}`}>{s.DatastoreName || s.DatastoreId}</Link></th>
                  <td><code>{s.DatastoreId}</code></td>
                  <td><StatusBadge status={s.DatastoreStatus} /></td>
                  <td>{s.DatastoreTypeVersion}</td>
                  <td>{s.PreloadDataConfig?.PreloadDataType ?? '—'}</td>
                  <td className="nowrap">{formatTime(s.CreatedAt)}</td>
                  <td className="nowrap">
                    {confirming === s.DatastoreId ? (
                      <span className="inline-confirm" role="group" aria-label={`Confirm deleting ${s.DatastoreName ?? s.DatastoreId}`}>
                        Delete with all its resources?{' '}
                        <button type="button" className="button small danger" disabled={action.busy} onClick={() => remove(s)} autoFocus>Delete</button>{' '}
                        <button type="button" className="button small" onClick={() => setConfirming(null)}>Cancel</button>
                      </span>
                    ) : (s.DatastoreStatus === 'ACTIVE' || s.DatastoreStatus === 'CREATE_FAILED') ? (
                      <button type="button" className="button small" onClick={() => setConfirming(s.DatastoreId)}
                        aria-label={`Delete ${s.DatastoreName ?? s.DatastoreId}`}>Delete</button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {nextToken ? (
        <button type="button" className="button" disabled={loading} onClick={() => {
          setPagesShown((p) => p + 1);
          void load(pagesShown + 1);
        }}>Load more</button>
      ) : null}
    </section>
  );
}

function CreateDatastoreForm({ onCreated, onCancel }: { onCreated: (id: string) => void; onCancel: () => void }) {
  const { api, region } = useConsole();
  const id = useId();
  const [name, setName] = useState('');
  const [version, setVersion] = useState('R4');
  const [synthea, setSynthea] = useState(false);
  const action = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const out = await api.call<{ DatastoreId: string }>('healthlake', 'CreateFHIRDatastore', {
        DatastoreTypeVersion: version,
        ...(name.trim() ? { DatastoreName: name.trim() } : {}),
        ...(synthea ? { PreloadDataConfig: { PreloadDataType: 'SYNTHEA' } } : {}),
        ClientToken: crypto.randomUUID(),
      }, region);
      onCreated(out.DatastoreId);
    });
  };

  return (
    <form id="create-datastore" className="panel form-grid" onSubmit={submit} aria-label="Create data store">
      <h2>Create data store</h2>
      <div className="field">
        <label htmlFor={`${id}-name`}>Data store name</label>
        <input id={`${id}-name`} value={name} maxLength={256} onChange={(e) => setName(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-version`}>FHIR version</label>
        <select id={`${id}-version`} value={version} onChange={(e) => setVersion(e.target.value)}>
          <option value="R4">R4</option>
        </select>
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={synthea} onChange={(e) => setSynthea(e.target.checked)} /> Preload Synthea sample data
      </label>
      <ErrorAlert error={action.error} title="Could not create the data store" />
      <div className="button-row">
        <button type="submit" className="button primary" disabled={action.busy}>{action.busy ? 'Creating…' : 'Create'}</button>
        <button type="button" className="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
