/**
 * AWS HealthOmics: storage (sequence stores, reference stores), workflows, runs and run groups of
 * the region, one tab each (the tab is in the address, ?tab=). Lists poll while something in them
 * is still moving. Every name, description and tag is shown as text.
 */
import { usePageTitle } from '../shell/page-title.ts';
import { formatTime } from '../shell/format.ts';
import { Link, navigate, useRoute } from '../shell/router.tsx';
import { StatusBadge } from '../shell/status-badge.tsx';
import { Tabs } from '../shell/tabs.tsx';
import { useConsole } from '../shell/console-context.tsx';
import { useOmicsList } from './omics-data.ts';
import { OmicsError } from './omics-error.tsx';
import { isPassing, type ReferenceStore, type RunGroup, type SequenceStore, type Workflow } from './omics-types.ts';
import { RunsTable } from './runs-table.tsx';

const TABS = [
  { key: 'storage', label: 'Storage' },
  { key: 'workflows', label: 'Workflows' },
  { key: 'runs', label: 'Runs' },
  { key: 'run-groups', label: 'Run groups' },
] as const;
type TabKey = (typeof TABS)[number]['key'];

export function OmicsPage() {
  usePageTitle('Omics');
  const { region } = useConsole();
  const { query } = useRoute();
  const asked = query.get('tab');
  const tab: TabKey = TABS.some((t) => t.key === asked) ? asked as TabKey : 'storage';
  return (
    <section aria-labelledby="page-title">
      <div className="page-header">
        <div>
          <h1 id="page-title">AWS HealthOmics</h1>
          <p className="muted">Stores, workflows and runs in <strong>{region}</strong>.</p>
        </div>
      </div>
      <Tabs label="HealthOmics" current={tab} onChange={(k) => navigate(`/omics?tab=${k}`, { replace: true })} tabs={[...TABS]}>
        {tab === 'storage' ? <><SequenceStores /><ReferenceStores /></> : null}
        {tab === 'workflows' ? <Workflows /> : null}
        {tab === 'runs' ? <RunsTable /> : null}
        {tab === 'run-groups' ? <RunGroups /> : null}
      </Tabs>
    </section>
  );
}

function SequenceStores() {
  const stores = useOmicsList<SequenceStore>('ListSequenceStores', { maxResults: 100 }, 'sequenceStores', (s) => s.some((x) => isPassing(x.status)), []);
  return (
    <section className="stack" aria-labelledby="sequence-stores-title">
      <div className="panel-header">
        <h2 id="sequence-stores-title">Sequence stores</h2>
        <button type="button" className="button small" onClick={stores.reload} disabled={stores.loading}>Refresh</button>
      </div>
      <OmicsError error={stores.error} title="Could not list sequence stores" />
      {stores.data?.length === 0 ? <p className="muted">No sequence stores yet.</p> : null}
      {stores.data && stores.data.length > 0 ? (
        <div className="table-scroll">
          <table className="data-table" data-testid="sequence-stores">
            <caption className="visually-hidden">Sequence stores</caption>
            <thead>
              <tr><th scope="col">Name</th><th scope="col">ID</th><th scope="col">Status</th><th scope="col">ETag family</th><th scope="col">Description</th><th scope="col">Created</th></tr>
            </thead>
            <tbody>
              {stores.data.map((s) => (
                <tr key={s.id} data-store-id={s.id}>
                  <th scope="row"><Link to={`/omics/sequence-stores/${encodeURIComponent(s.id)}`}>{s.name || s.id}</Link></th>
                  <td><code>{s.id}</code></td>
                  <td><StatusBadge status={s.status} /></td>
                  <td>{s.eTagAlgorithmFamily ?? ''}</td>
                  <td className="wrap-anywhere">{s.description ?? ''}</td>
                  <td className="nowrap">{formatTime(s.creationTime)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function ReferenceStores() {
  const stores = useOmicsList<ReferenceStore>('ListReferenceStores', { maxResults: 100 }, 'referenceStores', () => false, []);
  return (
    <section className="stack" aria-labelledby="reference-stores-title">
      <div className="panel-header">
        <h2 id="reference-stores-title">Reference stores</h2>
        <button type="button" className="button small" onClick={stores.reload} disabled={stores.loading}>Refresh</button>
      </div>
      <OmicsError error={stores.error} title="Could not list reference stores" />
      {stores.data?.length === 0 ? <p className="muted">No reference store yet (an account has at most one per region).</p> : null}
      {stores.data && stores.data.length > 0 ? (
        <div className="table-scroll">
          <table className="data-table" data-testid="reference-stores">
            <caption className="visually-hidden">Reference stores</caption>
            <thead><tr><th scope="col">Name</th><th scope="col">ID</th><th scope="col">Description</th><th scope="col">Created</th></tr></thead>
            <tbody>
              {stores.data.map((s) => (
                <tr key={s.id} data-store-id={s.id}>
                  <th scope="row"><Link to={`/omics/reference-stores/${encodeURIComponent(s.id)}`}>{s.name || s.id}</Link></th>
                  <td><code>{s.id}</code></td>
                  <td className="wrap-anywhere">{s.description ?? ''}</td>
                  <td className="nowrap">{formatTime(s.creationTime)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function Workflows() {
  const workflows = useOmicsList<Workflow>('ListWorkflows', { maxResults: 100 }, 'items', (w) => w.some((x) => isPassing(x.status)), [], 'startingToken');
  return (
    <section className="stack" aria-labelledby="workflows-title">
      <div className="panel-header">
        <h2 id="workflows-title">Workflows</h2>
        <button type="button" className="button small" onClick={workflows.reload} disabled={workflows.loading}>Refresh</button>
      </div>
      <OmicsError error={workflows.error} title="Could not list workflows" />
      {workflows.data?.length === 0 ? <p className="muted">No workflows yet.</p> : null}
      {workflows.data && workflows.data.length > 0 ? (
        <div className="table-scroll">
          <table className="data-table" data-testid="workflows">
            <caption className="visually-hidden">Workflows</caption>
            <thead><tr><th scope="col">Name</th><th scope="col">ID</th><th scope="col">Status</th><th scope="col">Type</th><th scope="col">Created</th></tr></thead>
            <tbody>
              {workflows.data.map((w) => (
                <tr key={w.id} data-workflow-id={w.id}>
                  <th scope="row"><Link to={`/omics/workflows/${encodeURIComponent(w.id)}`}>{w.name || w.id}</Link></th>
                  <td><code>{w.id}</code></td>
                  <td><StatusBadge status={w.status} /></td>
                  <td>{w.type ?? ''}</td>
                  <td className="nowrap">{formatTime(w.creationTime)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function RunGroups() {
  const groups = useOmicsList<RunGroup>('ListRunGroups', { maxResults: 100 }, 'items', () => false, [], 'startingToken');
  return (
    <section className="stack" aria-labelledby="run-groups-title">
      <div className="panel-header">
        <h2 id="run-groups-title">Run groups</h2>
        <button type="button" className="button small" onClick={groups.reload} disabled={groups.loading}>Refresh</button>
      </div>
      <OmicsError error={groups.error} title="Could not list run groups" />
      {groups.data?.length === 0 ? <p className="muted">No run groups yet.</p> : null}
      {groups.data && groups.data.length > 0 ? (
        <div className="table-scroll">
          <table className="data-table" data-testid="run-groups">
            <caption className="visually-hidden">Run groups</caption>
            <thead>
              <tr><th scope="col">Name</th><th scope="col">ID</th><th scope="col">Max CPUs</th><th scope="col">Max GPUs</th><th scope="col">Max runs</th><th scope="col">Max duration (min)</th><th scope="col">Created</th></tr>
            </thead>
            <tbody>
              {groups.data.map((g) => (
                <tr key={g.id} data-run-group-id={g.id}>
                  <th scope="row"><Link to={`/omics?tab=runs&runGroupId=${encodeURIComponent(g.id)}`}>{g.name || g.id}</Link></th>
                  <td><code>{g.id}</code></td>
                  <td>{g.maxCpus ?? '—'}</td>
                  <td>{g.maxGpus ?? '—'}</td>
                  <td>{g.maxRuns ?? '—'}</td>
                  <td>{g.maxDuration ?? '—'}</td>
                  <td className="nowrap">{formatTime(g.creationTime)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
