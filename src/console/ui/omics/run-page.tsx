/**
 * One run (GetRun, polled while it is moving): status, failure reason, parameters, its tasks
 * (ListRunTasks, polled with it), the run's log, and the selected task with its log.
 */
import { useEffect, useRef, useState } from 'react';
import { formatTime } from '../shell/format.ts';
import { usePageTitle } from '../shell/page-title.ts';
import { Link } from '../shell/router.tsx';
import { StatusBadge } from '../shell/status-badge.tsx';
import { LogStream } from './log-stream.tsx';
import { useOmicsGet, useOmicsList } from './omics-data.ts';
import { OmicsError } from './omics-error.tsx';
import { isPassing, type Run, type RunTask } from './omics-types.ts';
import { ResourceHeader } from './resource-header.tsx';

export function RunPage({ runId }: { runId: string }) {
  const run = useOmicsGet<Run>('GetRun', { id: runId }, (r) => isPassing(r.status), [runId]);
  const r = run.data;
  usePageTitle(r?.name ? `Run ${r.name}` : 'Run');
  const live = isPassing(r?.status);
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <section aria-labelledby="page-title">
      <ResourceHeader crumbs={<><Link to="/omics?tab=runs">HealthOmics runs</Link></>} id={runId} name={r?.name} arn={r?.arn} error={run.error} errorTitle="Could not get the run" />
      {r ? (
        <>
          <section className="panel" aria-labelledby="props-title">
            <h2 id="props-title">Run</h2>
            <dl className="details-grid" data-testid="run-properties">
              <div><dt>Status</dt><dd data-testid="run-status"><StatusBadge status={r.status} /></dd></div>
              <div><dt>Run ID</dt><dd><code>{r.id}</code></dd></div>
              <div><dt>Workflow</dt><dd>{r.workflowId ? <Link to={`/omics/workflows/${encodeURIComponent(r.workflowId)}`}>{r.workflowId}</Link> : '—'}
                {r.workflowVersionName ? ` (${r.workflowVersionName})` : ''}</dd></div>
              <div><dt>Run group</dt><dd>{r.runGroupId ? <Link to={`/omics?tab=runs&runGroupId=${encodeURIComponent(r.runGroupId)}`}>{r.runGroupId}</Link> : '—'}</dd></div>
              <div><dt>Created</dt><dd>{formatTime(r.creationTime)}</dd></div>
              <div><dt>Started</dt><dd>{formatTime(r.startTime) || '—'}</dd></div>
              <div><dt>Stopped</dt><dd>{formatTime(r.stopTime) || '—'}</dd></div>
              <div><dt>Role</dt><dd className="wrap-anywhere">{r.roleArn ?? '—'}</dd></div>
              <div><dt>Output</dt><dd className="wrap-anywhere">{r.runOutputUri ?? r.outputUri ?? '—'}</dd></div>
              <div><dt>Storage</dt><dd>{r.storageType ?? '—'}{r.storageCapacity ? ` (${r.storageCapacity} GiB)` : ''}</dd></div>
              {r.failureReason ? <div><dt>Failure reason</dt><dd className="wrap-anywhere error-code" data-testid="run-failure">{r.failureReason}</dd></div> : null}
              {r.statusMessage ? <div><dt>Message</dt><dd className="wrap-anywhere">{r.statusMessage}</dd></div> : null}
            </dl>
            {r.parameters !== undefined ? (
              <>
                <h3>Parameters</h3>
                <pre className="code-block" data-testid="run-parameters">{JSON.stringify(r.parameters, null, 2)}</pre>
              </>
            ) : null}
          </section>
          <Tasks runId={runId} live={live} selected={selected} onSelect={setSelected} />
          {selected ? <TaskDetail key={selected} runId={runId} taskId={selected} onClose={() => setSelected(null)} /> : null}
          <section className="panel">
            <LogStream stream={r.logLocation?.runLogStream?.split(':log-stream:').pop() || `run/${runId}`} live={live} label="Run log" />
          </section>
        </>
      ) : run.loading ? <p className="muted">Loading…</p> : null}
    </section>
  );
}

function Tasks({ runId, live, selected, onSelect }: { runId: string; live: boolean; selected: string | null; onSelect: (id: string) => void }) {
  const tasks = useOmicsList<RunTask>('ListRunTasks', { id: runId, maxResults: 100 }, 'items', (t) => live || t.some((x) => isPassing(x.status)), [runId], 'startingToken');
  // The run's last poll may have seen its tasks before the final ones were recorded: once the
  // run stops moving, list them once more so the table ends as the run did.
  const wasLive = useRef(live);
  useEffect(() => {
    if (wasLive.current && !live) tasks.reload();
    wasLive.current = live;
  }, [live, tasks.reload]);
  return (
    <section className="panel stack" aria-labelledby="tasks-title">
      <div className="panel-header">
        <h2 id="tasks-title">Tasks</h2>
        <button type="button" className="button small" onClick={tasks.reload} disabled={tasks.loading}>Refresh</button>
      </div>
      <OmicsError error={tasks.error} title="Could not list the run's tasks" />
      {tasks.data?.length === 0 ? <p className="muted">No tasks yet.</p> : null}
      {tasks.data && tasks.data.length > 0 ? (
        <div className="table-scroll">
          <table className="data-table" data-testid="run-tasks">
            <caption className="visually-hidden">Tasks</caption>
            <thead>
              <tr><th scope="col">Task</th><th scope="col">ID</th><th scope="col">Status</th><th scope="col">CPUs</th><th scope="col">Memory (GiB)</th><th scope="col">GPUs</th>
                <th scope="col">Started</th><th scope="col">Stopped</th></tr>
            </thead>
            <tbody>
              {tasks.data.map((t) => (
                <tr key={t.taskId} data-task-id={t.taskId} className={selected === t.taskId ? 'selected' : undefined}>
                  <th scope="row">
                    <button type="button" className="button-link" onClick={() => onSelect(t.taskId)} aria-label={`Details of task ${t.name ?? t.taskId}`}>{t.name || t.taskId}</button>
                  </th>
                  <td><code>{t.taskId}</code></td>
                  <td><StatusBadge status={t.status} /></td>
                  <td>{t.cpus ?? ''}</td>
                  <td>{t.memory ?? ''}</td>
                  <td>{t.gpus ?? ''}</td>
                  <td className="nowrap">{formatTime(t.startTime)}</td>
                  <td className="nowrap">{formatTime(t.stopTime)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function TaskDetail({ runId, taskId, onClose }: { runId: string; taskId: string; onClose: () => void }) {
  const task = useOmicsGet<RunTask>('GetRunTask', { id: runId, taskId }, (t) => isPassing(t.status), [runId, taskId]);
  const t = task.data;
  return (
    <section className="panel stack" aria-labelledby="task-title" data-testid="task-detail">
      <div className="panel-header">
        <h2 id="task-title">Task {t?.name ?? taskId}</h2>
        <button type="button" className="button small" onClick={onClose}>Close</button>
      </div>
      <OmicsError error={task.error} title="Could not get the task" />
      {t ? (
        <dl className="details-grid">
          <div><dt>Status</dt><dd><StatusBadge status={t.status} /></dd></div>
          <div><dt>Task ID</dt><dd><code>{t.taskId}</code></dd></div>
          <div><dt>Resources</dt><dd>{t.cpus ?? '?'} CPUs, {t.memory ?? '?'} GiB{t.gpus ? `, ${t.gpus} GPUs` : ''}</dd></div>
          <div><dt>Created</dt><dd>{formatTime(t.creationTime)}</dd></div>
          <div><dt>Started</dt><dd>{formatTime(t.startTime) || '—'}</dd></div>
          <div><dt>Stopped</dt><dd>{formatTime(t.stopTime) || '—'}</dd></div>
          {t.failureReason ? <div><dt>Failure reason</dt><dd className="wrap-anywhere error-code">{t.failureReason}</dd></div> : null}
          {t.statusMessage ? <div><dt>Message</dt><dd className="wrap-anywhere">{t.statusMessage}</dd></div> : null}
        </dl>
      ) : null}
      <LogStream stream={t?.logStream?.split(':log-stream:').pop() || `run/${runId}/task/${taskId}`} live={isPassing(t?.status)} label="Task log" />
    </section>
  );
}
