/**
 * A CloudWatch Logs stream of /aws/omics/WorkflowLog (where HealthOmics writes run and task
 * logs), read with GetLogEvents from the head and polled while the run or task is still going.
 * Each message is text in a <pre>. Without the Logs API on this server it says so.
 */
import type { ApiError } from '../api/errors.ts';
import { useConsole } from '../shell/console-context.tsx';
import { ErrorAlert, Notice } from '../shell/error-alert.tsx';
import { useLoad, usePolling } from '../shell/use-load.ts';
import type { LogEvent } from './omics-types.ts';

export const WORKFLOW_LOG_GROUP = '/aws/omics/WorkflowLog';
/** Enough lines for a task's log on screen; the rest is for `aws logs get-log-events`. */
const MAX_PAGES = 20;

interface GetLogEventsOutput {
  events?: LogEvent[];
  nextForwardToken?: string;
}

function LogError({ error, stream }: { error: ApiError; stream: string }) {
  if (error.code === 'UnknownServiceException') {
    return (
      <Notice kind="warning">
        Logs are read through the CloudWatch Logs API (GetLogEvents on <code>{WORKFLOW_LOG_GROUP}</code>), which this server does not provide
        yet: <span className="error-message">{error.message}</span>
      </Notice>
    );
  }
  if (error.code === 'ResourceNotFoundException') return <p className="muted">No log stream <code>{stream}</code> yet.</p>;
  return <ErrorAlert error={error} title={`Could not read log stream ${stream}`} />;
}

export function LogStream({ stream, live, label }: { stream: string; live: boolean; label: string }) {
  const { api, region } = useConsole();
  const log = useLoad(async (signal) => {
    const events: LogEvent[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await api.call<GetLogEventsOutput>('logs', 'GetLogEvents', {
        logGroupName: WORKFLOW_LOG_GROUP, logStreamName: stream, startFromHead: true, ...(token ? { nextToken: token } : {}),
      }, region, signal);
      events.push(...(out.events ?? []));
      if (!out.nextForwardToken || out.nextForwardToken === token || (out.events ?? []).length === 0) break;
      token = out.nextForwardToken;
    }
    return events;
  }, [api, region, stream]);
  usePolling(log.reload, 2000, live && !log.error);
  return (
    <section className="stack" aria-label={label} data-testid="log-stream" data-stream={stream}>
      <div className="panel-header">
        <h4>{label} <span className="muted small"><code>{WORKFLOW_LOG_GROUP}</code> › <code>{stream}</code></span></h4>
        <button type="button" className="button small" onClick={log.reload} disabled={log.loading}>Refresh</button>
      </div>
      {log.error ? <LogError error={log.error} stream={stream} /> : null}
      {log.data && log.data.length === 0 ? <p className="muted">No log events yet.</p> : null}
      {log.data && log.data.length > 0 ? (
        <pre className="code-block" data-testid="log-events">{log.data.map((e) => e.message ?? '').join('\n')}</pre>
      ) : null}
    </section>
  );
}
