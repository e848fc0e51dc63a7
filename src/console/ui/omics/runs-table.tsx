/** Runs of the region (ListRuns, optionally of one run group from ?runGroupId=), polled while one is moving. */
import { formatTime } from '../shell/format.ts';
import { Link, useRoute } from '../shell/router.tsx';
import { StatusBadge } from '../shell/status-badge.tsx';
import { useOmicsList } from './omics-data.ts';
import { OmicsError } from './omics-error.tsx';
import { isPassing, type Run } from './omics-types.ts';

export function RunsTable() {
  const { query } = useRoute();
  const runGroupId = query.get('runGroupId') ?? undefined;
  const runs = useOmicsList<Run>('ListRuns', { maxResults: 100, ...(runGroupId ? { runGroupId } : {}) }, 'items',
    (r) => r.some((x) => isPassing(x.status)), [runGroupId], 'startingToken');
  return (
    <section className="stack" aria-labelledby="runs-title">
      <div className="panel-header">
        <h2 id="runs-title">Runs{runGroupId ? <> of run group <code>{runGroupId}</code></> : null}</h2>
        <div className="button-row">
          {runGroupId ? <Link to="/omics?tab=runs" className="button small">All runs</Link> : null}
          <button type="button" className="button small" onClick={runs.reload} disabled={runs.loading}>Refresh</button>
        </div>
      </div>
      <OmicsError error={runs.error} title="Could not list runs" />
      {runs.data?.length === 0 ? <p className="muted">No runs yet.</p> : null}
      {runs.data && runs.data.length > 0 ? (
        <div className="table-scroll">
          <table className="data-table" data-testid="runs">
            <caption className="visually-hidden">Runs</caption>
            <thead>
              <tr><th scope="col">Name</th><th scope="col">ID</th><th scope="col">Status</th><th scope="col">Workflow</th><th scope="col">Created</th><th scope="col">Started</th><th scope="col">Stopped</th></tr>
            </thead>
            <tbody>
              {runs.data.map((r) => (
                <tr key={r.id} data-run-id={r.id}>
                  <th scope="row"><Link to={`/omics/runs/${encodeURIComponent(r.id)}`}>{r.name || r.id}</Link></th>
                  <td><code>{r.id}</code></td>
                  <td><StatusBadge status={r.status} /></td>
                  <td>{r.workflowId ? <Link to={`/omics/workflows/${encodeURIComponent(r.workflowId)}`}>{r.workflowId}</Link> : ''}</td>
                  <td className="nowrap">{formatTime(r.creationTime)}</td>
                  <td className="nowrap">{formatTime(r.startTime)}</td>
                  <td className="nowrap">{formatTime(r.stopTime)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
