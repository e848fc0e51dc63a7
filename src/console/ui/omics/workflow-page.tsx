/** One workflow (GetWorkflow, polled while CREATING or UPDATING): properties, parameter template, versions. */
import { formatTime } from '../shell/format.ts';
import { usePageTitle } from '../shell/page-title.ts';
import { Link } from '../shell/router.tsx';
import { StatusBadge } from '../shell/status-badge.tsx';
import { useOmicsGet, useOmicsList } from './omics-data.ts';
import { OmicsError } from './omics-error.tsx';
import { isPassing, type Workflow, type WorkflowVersion } from './omics-types.ts';
import { ResourceHeader } from './resource-header.tsx';

export function WorkflowPage({ workflowId }: { workflowId: string }) {
  const workflow = useOmicsGet<Workflow>('GetWorkflow', { id: workflowId }, (w) => isPassing(w.status), [workflowId]);
  const w = workflow.data;
  usePageTitle(w?.name ? `Workflow ${w.name}` : 'Workflow');
  const template = Object.entries(w?.parameterTemplate ?? {});
  return (
    <section aria-labelledby="page-title">
      <ResourceHeader crumbs={<><Link to="/omics?tab=workflows">HealthOmics workflows</Link></>} id={workflowId} name={w?.name} arn={w?.arn} error={workflow.error} errorTitle="Could not get the workflow" />
      {w ? (
        <>
          <section className="panel" aria-labelledby="props-title">
            <h2 id="props-title">Properties</h2>
            <dl className="details-grid" data-testid="workflow-properties">
              <div><dt>Status</dt><dd><StatusBadge status={w.status} /></dd></div>
              <div><dt>Workflow ID</dt><dd><code>{w.id}</code></dd></div>
              <div><dt>Type</dt><dd>{w.type ?? '—'}</dd></div>
              <div><dt>Engine</dt><dd>{w.engine ?? '—'}</dd></div>
              <div><dt>Main file</dt><dd className="wrap-anywhere">{w.main ?? '—'}</dd></div>
              <div><dt>Digest</dt><dd className="wrap-anywhere"><code>{w.digest ?? '—'}</code></dd></div>
              <div><dt>Storage</dt><dd>{w.storageType ?? '—'}{w.storageCapacity ? ` (${w.storageCapacity} GiB)` : ''}</dd></div>
              <div><dt>Created</dt><dd>{formatTime(w.creationTime)}</dd></div>
              {w.description ? <div><dt>Description</dt><dd className="wrap-anywhere">{w.description}</dd></div> : null}
              {w.statusMessage ? <div><dt>Message</dt><dd className="wrap-anywhere" data-testid="workflow-message">{w.statusMessage}</dd></div> : null}
              {Object.keys(w.tags ?? {}).length ? (
                <div><dt>Tags</dt><dd className="wrap-anywhere">{Object.entries(w.tags ?? {}).map(([k, v]) => `${k}=${v}`).join(', ')}</dd></div>
              ) : null}
            </dl>
          </section>
          <section className="panel" aria-labelledby="template-title">
            <h2 id="template-title">Parameter template</h2>
            {template.length === 0 ? <p className="muted">No parameters.</p> : (
              <div className="table-scroll">
                <table className="data-table" data-testid="parameter-template">
                  <caption className="visually-hidden">Parameters</caption>
                  <thead><tr><th scope="col">Parameter</th><th scope="col">Required</th><th scope="col">Description</th></tr></thead>
                  <tbody>
                    {template.map(([name, p]) => (
                      <tr key={name} data-parameter={name}>
                        <th scope="row"><code>{name}</code></th>
                        <td>{p.optional ? 'optional' : 'required'}</td>
                        <td className="wrap-anywhere">{p.description ?? ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <Versions workflowId={workflowId} />
        </>
      ) : workflow.loading ? <p className="muted">Loading…</p> : null}
    </section>
  );
}

function Versions({ workflowId }: { workflowId: string }) {
  const versions = useOmicsList<WorkflowVersion>('ListWorkflowVersions', { workflowId, maxResults: 100 }, 'items',
    (v) => v.some((x) => isPassing(x.status)), [workflowId], 'startingToken');
  return (
    <section className="panel" aria-labelledby="versions-title">
      <h2 id="versions-title">Versions</h2>
      <OmicsError error={versions.error} title="Could not list the workflow's versions" />
      {versions.data?.length === 0 ? <p className="muted">No versions besides the workflow itself.</p> : null}
      {versions.data && versions.data.length > 0 ? (
        <table className="data-table" data-testid="workflow-versions">
          <caption className="visually-hidden">Versions</caption>
          <thead><tr><th scope="col">Version</th><th scope="col">Status</th><th scope="col">Description</th><th scope="col">Created</th></tr></thead>
          <tbody>
            {versions.data.map((v) => (
              <tr key={v.versionName}>
                <th scope="row">{v.versionName}</th>
                <td><StatusBadge status={v.status} /></td>
                <td className="wrap-anywhere">{v.description ?? ''}</td>
                <td className="nowrap">{formatTime(v.creationTime)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
