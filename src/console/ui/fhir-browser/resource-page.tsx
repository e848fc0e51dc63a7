/**
 * One FHIR resource: its JSON, editable and saved with PUT (If-Match on the version read), and
 * its _history with each version's JSON.
 */
import { useEffect, useId, useState } from 'react';
import { useConsole } from '../shell/console-context.tsx';
import { ErrorAlert, Notice } from '../shell/error-alert.tsx';
import { formatTime } from '../shell/format.ts';
import { usePageTitle } from '../shell/page-title.ts';
import { Link } from '../shell/router.tsx';
import { useAction, useLoad } from '../shell/use-load.ts';
import type { Bundle, FhirResource } from './fhir.ts';
import { parseResource } from './resource-editor.tsx';

export function ResourcePage({ datastoreId, resourceType, id }: { datastoreId: string; resourceType: string; id: string }) {
  usePageTitle(`${resourceType}/${id}`);
  const { api, region } = useConsole();
  const formId = useId();
  const path = `${encodeURIComponent(resourceType)}/${encodeURIComponent(id)}`;
  const resource = useLoad(async (signal) => (await api.fhir<FhirResource>(datastoreId, path, region, { signal })).body, [api, datastoreId, path, region]);
  const history = useLoad(async (signal) => (await api.fhir<Bundle>(datastoreId, `${path}/_history`, region, { signal })).body, [api, datastoreId, path, region]);
  const [text, setText] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const [version, setVersion] = useState<FhirResource | null>(null);
  const save = useAction();

  useEffect(() => {
    if (resource.data) setText(JSON.stringify(resource.data, null, 2));
  }, [resource.data]);

  const current = resource.data;
  const dirty = !!current && text !== JSON.stringify(current, null, 2);

  const onSave = () => void save.run(async () => {
    setSaved(null);
    const body = parseResource(text, resourceType, id);
    const versionId = current?.meta?.versionId;
    const res = await api.fhir<FhirResource>(datastoreId, path, region, {
      method: 'PUT', body, ...(versionId ? { headers: { 'if-match': `W/"${versionId}"` } } : {}),
    });
    setSaved(`Saved as version ${res.body?.meta?.versionId ?? '(new)'}.`);
    resource.reload();
    history.reload();
  });

  const versions = (history.data?.entry ?? []).filter((e) => e.resource);

  return (
    <section aria-labelledby="page-title">
      <p className="breadcrumbs">
        <Link to="/healthlake">HealthLake</Link> › <Link to={`/healthlake/${datastoreId}`}>{datastoreId}</Link> ›{' '}
        <Link to={`/healthlake/${datastoreId}/fhir?path=${encodeURIComponent(resourceType)}`}>FHIR browser</Link> › {resourceType}/{id}
      </p>
      <h1 id="page-title">{resourceType}/{id}</h1>
      <ErrorAlert error={resource.error} title="Could not read the resource" />
      {current ? (
        <p className="muted">Version {current.meta?.versionId ?? '?'} · last updated {formatTime(current.meta?.lastUpdated)}</p>
      ) : null}
      <div className="two-columns wide-left">
        <section className="panel" aria-labelledby={`${formId}-edit`}>
          <h2 id={`${formId}-edit`}>Resource</h2>
          {current ? (
            <>
              <div className="field">
                <label htmlFor={`${formId}-json`}>JSON (edit and save to write a new version)</label>
                <textarea id={`${formId}-json`} className="code-input" rows={22} spellCheck={false} value={text}
                  onChange={(e) => setText(e.target.value)} />
              </div>
              <ErrorAlert error={save.error} title="Could not save" onDismiss={() => save.setError(null)} />
              {saved ? <Notice kind="success">{saved}</Notice> : null}
              <div className="button-row">
                <button type="button" className="button primary" disabled={!dirty || save.busy} onClick={onSave}>{save.busy ? 'Saving…' : 'Save'}</button>
                <button type="button" className="button" disabled={!dirty} onClick={() => setText(JSON.stringify(current, null, 2))}>Discard changes</button>
              </div>
            </>
          ) : resource.loading ? <p className="muted">Loading…</p> : null}
        </section>
        <section className="panel" aria-labelledby={`${formId}-history`}>
          <div className="panel-header">
            <h2 id={`${formId}-history`}>History</h2>
            <button type="button" className="button small" onClick={history.reload}>Refresh</button>
          </div>
          <ErrorAlert error={history.error} title="Could not read the history" />
          {versions.length > 0 ? (
            <div className="table-scroll">
            <table className="data-table" data-testid="resource-history">
              <caption className="visually-hidden">Versions</caption>
              <thead><tr><th scope="col">Version</th><th scope="col">Updated</th><th scope="col">Change</th><th scope="col"><span className="visually-hidden">View</span></th></tr></thead>
              <tbody>
                {versions.map((e) => (
                  <tr key={e.resource!.meta?.versionId ?? e.fullUrl}>
                    <td>{e.resource!.meta?.versionId}</td>
                    <td className="nowrap">{formatTime(e.resource!.meta?.lastUpdated)}</td>
                    <td>{e.request?.method ?? ''}</td>
                    <td><button type="button" className="button small" onClick={() => setVersion(e.resource!)}
                      aria-label={`View version ${e.resource!.meta?.versionId ?? ''}`}>View</button></td>
                  </tr>
                ))}
              </tbody>
            </table>
            </div>
          ) : history.loading ? <p className="muted">Loading…</p> : null}
          {version ? (
            <div className="file-view">
              <div className="panel-header">
                <h3>Version {version.meta?.versionId}</h3>
                <button type="button" className="button small" onClick={() => setVersion(null)}>Close</button>
              </div>
              <pre className="code-block" tabIndex={0} aria-label={`Version ${version.meta?.versionId ?? ''} JSON`}><code>{JSON.stringify(version, null, 2)}</code></pre>
            </div>
          ) : null}
        </section>
      </div>
    </section>
  );
}
