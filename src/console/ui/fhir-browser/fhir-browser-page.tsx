/**
 * FHIR browser: pick a resource type (from the datastore's CapabilityStatement), add search
 * parameters, and page through the result Bundles by following their links through the
 * console's FHIR proxy. The current search lives in the URL (?path=...), so Back works.
 */
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { useConsole } from '../shell/console-context.tsx';
import { ErrorAlert } from '../shell/error-alert.tsx';
import { formatTime } from '../shell/format.ts';
import { usePageTitle } from '../shell/page-title.ts';
import { Link, navigate, useRoute } from '../shell/router.tsx';
import { useLoad } from '../shell/use-load.ts';
import { proxyPath, summarize, type Bundle, type CapabilityStatement } from './fhir.ts';
import { NewResourceForm } from './resource-editor.tsx';

interface ParamRow {
  key: number;
  name: string;
  value: string;
}

let rowKey = 0;
const row = (name = '', value = ''): ParamRow => ({ key: ++rowKey, name, value });

/** Splits "Patient?name=x&_count=10" into the type and its parameter rows. */
function parsePath(path: string): { type: string; rows: ParamRow[] } {
  const [base = '', query = ''] = path.split('?');
  const type = base.split('/')[0] ?? '';
  const rows = [...new URLSearchParams(query)].map(([n, v]) => row(n, v));
  return { type, rows };
}

export function FhirBrowserPage({ datastoreId }: { datastoreId: string }) {
  usePageTitle('FHIR browser');
  const { api, region } = useConsole();
  const id = useId();
  const { query } = useRoute();
  const path = query.get('path') ?? '';
  const base = `/healthlake/${datastoreId}/fhir`;

  const capabilities = useLoad(async (signal) => (await api.fhir<CapabilityStatement>(datastoreId, 'metadata', region, { signal })).body, [api, datastoreId, region]);
  const types = useMemo(() => {
    const rest = capabilities.data?.rest?.find((r) => r.mode === 'server') ?? capabilities.data?.rest?.[0];
    return (rest?.resource ?? []).map((r) => r.type).sort();
  }, [capabilities.data]);

  const initial = parsePath(path);
  const [type, setType] = useState(initial.type || 'Patient');
  const [rows, setRows] = useState<ParamRow[]>(initial.rows.length ? initial.rows : [row()]);
  const [creating, setCreating] = useState(false);

  useEffect(() => {
    const parsed = parsePath(path);
    if (!parsed.type) return;
    setType(parsed.type);
    // A next/previous page link carries the server's page token, not the user's parameters.
    if (parsed.rows.some((r) => r.name === 'page')) return;
    setRows(parsed.rows.length ? parsed.rows : [row()]);
  }, [path]);

  const searchParams = useMemo(() => {
    const rest = capabilities.data?.rest?.find((r) => r.mode === 'server') ?? capabilities.data?.rest?.[0];
    const names = rest?.resource?.find((r) => r.type === type)?.searchParam?.map((p) => p.name) ?? [];
    return [...new Set([...names, '_id', '_lastUpdated', '_count', '_sort', '_include', '_revinclude', '_total', '_summary', '_elements'])].sort();
  }, [capabilities.data, type]);

  const results = useLoad(async (signal) => (path ? (await api.fhir<Bundle>(datastoreId, path, region, { signal })).body : null), [api, datastoreId, path, region]);

  const search = (e: FormEvent) => {
    e.preventDefault();
    const params = new URLSearchParams();
    for (const r of rows) if (r.name.trim()) params.append(r.name.trim(), r.value);
    const q = params.toString();
    const next = `${type}${q ? `?${q}` : ''}`;
    if (next === path) results.reload();
    else navigate(`${base}?path=${encodeURIComponent(next)}`);
  };

  const bundle = results.data;
  const link = (relation: string) => {
    const l = bundle?.link?.find((x) => x.relation === relation || (relation === 'previous' && x.relation === 'prev'));
    return l ? proxyPath(l.url, datastoreId) : null;
  };
  const next = link('next');
  const previous = link('previous');

  return (
    <section aria-labelledby="page-title">
      <p className="breadcrumbs">
        <Link to="/healthlake">HealthLake</Link> › <Link to={`/healthlake/${datastoreId}`}>{datastoreId}</Link> › FHIR browser
      </p>
      <div className="page-header">
        <h1 id="page-title">FHIR browser</h1>
        <button type="button" className="button" aria-expanded={creating} onClick={() => setCreating((v) => !v)}>New {type} resource</button>
      </div>
      <ErrorAlert error={capabilities.error} title="Could not read the data store's CapabilityStatement" />
      {creating ? <NewResourceForm datastoreId={datastoreId} type={type} onCancel={() => setCreating(false)} /> : null}

      <form className="panel search-form" onSubmit={search} aria-label="FHIR search">
        <div className="field">
          <label htmlFor={`${id}-type`}>Resource type</label>
          {types.length > 0 ? (
            <select id={`${id}-type`} value={type} onChange={(e) => setType(e.target.value)}>
              {types.map((t) => <option key={t} value={t}>{t}</option>)}
            </select>
          ) : (
            <input id={`${id}-type`} value={type} required pattern="[A-Z][A-Za-z]+" onChange={(e) => setType(e.target.value)} />
          )}
        </div>
        <fieldset className="param-rows">
          <legend>Search parameters</legend>
          <datalist id={`${id}-params`}>
            {searchParams.map((p) => <option key={p} value={p} />)}
          </datalist>
          {rows.map((r, i) => (
            <div className="param-row" key={r.key}>
              <div className="field">
                <label htmlFor={`${id}-n-${r.key}`}>Parameter {i + 1} name</label>
                <input id={`${id}-n-${r.key}`} list={`${id}-params`} value={r.name} spellCheck={false} placeholder="name"
                  onChange={(e) => setRows(rows.map((x) => (x.key === r.key ? { ...x, name: e.target.value } : x)))} />
              </div>
              <span aria-hidden="true" className="equals">=</span>
              <div className="field grow">
                <label htmlFor={`${id}-v-${r.key}`}>Parameter {i + 1} value</label>
                <input id={`${id}-v-${r.key}`} value={r.value} spellCheck={false} placeholder="value"
                  onChange={(e) => setRows(rows.map((x) => (x.key === r.key ? { ...x, value: e.target.value } : x)))} />
              </div>
              <button type="button" className="button small" aria-label={`Remove parameter ${i + 1}`}
                onClick={() => setRows(rows.length > 1 ? rows.filter((x) => x.key !== r.key) : [row()])}>Remove</button>
            </div>
          ))}
          <button type="button" className="button small" onClick={() => setRows([...rows, row()])}>Add parameter</button>
        </fieldset>
        <div className="button-row">
          <button type="submit" className="button primary">Search</button>
        </div>
      </form>

      {path ? <p className="muted small wrap-anywhere">GET {path}</p> : null}
      <ErrorAlert error={results.error} title="The search failed" />
      {results.loading && !bundle ? <p className="muted">Searching…</p> : null}
      {bundle ? (
        <section aria-labelledby="results-title">
          <div className="table-toolbar">
            <h2 id="results-title">
              Results{bundle.total !== undefined ? ` (${bundle.total} total)` : ''}
            </h2>
            <nav className="pager" aria-label="Result pages">
              <button type="button" className="button small" disabled={!previous} onClick={() => previous && navigate(`${base}?path=${encodeURIComponent(previous)}`)}>‹ Previous</button>
              <button type="button" className="button small" disabled={!next} onClick={() => next && navigate(`${base}?path=${encodeURIComponent(next)}`)}>Next ›</button>
            </nav>
          </div>
          {(bundle.entry ?? []).length === 0 ? <p>No resources match.</p> : (
            <div className="table-scroll">
              <table className="data-table" data-testid="fhir-results">
                <caption className="visually-hidden">Search results</caption>
                <thead>
                  <tr><th scope="col">Resource</th><th scope="col">Summary</th><th scope="col">Version</th><th scope="col">Last updated</th><th scope="col">Match</th></tr>
                </thead>
                <tbody>
                  {(bundle.entry ?? []).map((e, i) => {
                    const r = e.resource;
                    if (!r) return null;
                    return (
                      <tr key={`${r.resourceType}/${r.id ?? i}`}>
                        <th scope="row">
                          {r.id ? <Link to={`${base}/${encodeURIComponent(r.resourceType)}/${encodeURIComponent(r.id)}`}>{r.resourceType}/{r.id}</Link> : r.resourceType}
                        </th>
                        <td className="wrap-anywhere">{summarize(r)}</td>
                        <td>{r.meta?.versionId}</td>
                        <td className="nowrap">{formatTime(r.meta?.lastUpdated)}</td>
                        <td>{e.search?.mode ?? ''}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ) : null}
    </section>
  );
}
