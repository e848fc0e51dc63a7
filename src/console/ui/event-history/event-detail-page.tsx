/**
 * One event: its summary, the resources it references, and the full record. The record is
 * attacker-controlled text (names, parameters), so it is only ever rendered as text.
 */
import { useState } from 'react';
import type { LookupEventsOutput, TrailEvent } from '../api/aws-types.ts';
import { useConsole } from '../shell/console-context.tsx';
import { ErrorAlert } from '../shell/error-alert.tsx';
import { formatTime, isoTime } from '../shell/format.ts';
import { usePageTitle } from '../shell/page-title.ts';
import { Link } from '../shell/router.tsx';
import { useLoad } from '../shell/use-load.ts';
import { useEventHistory } from './history-store.tsx';
import { recordOf, recordString } from './lookup.ts';

export function EventDetailPage({ eventId }: { eventId: string }) {
  usePageTitle(`Event ${eventId}`);
  const { api, region } = useConsole();
  const history = useEventHistory();
  const cached = history.findEvent(eventId);
  const loaded = useLoad<TrailEvent | null>(async (signal) => {
    if (cached) return cached;
    const out = await api.call<LookupEventsOutput>('cloudtrail', 'LookupEvents', {
      LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: eventId }], MaxResults: 1,
    }, region, signal);
    return out.Events?.[0] ?? null;
  }, [eventId, region]);
  const event = cached ?? loaded.data;

  return (
    <section aria-labelledby="page-title">
      <p className="breadcrumbs"><Link to="/">Event history</Link> › Event</p>
      <h1 id="page-title">{event?.EventName ?? 'Event'}</h1>
      <ErrorAlert error={loaded.error} title="Could not read the event" />
      {!event && loaded.loading ? <p className="muted">Loading…</p> : null}
      {!event && !loaded.loading && !loaded.error ? (
        <p>No event with ID <code>{eventId}</code> in {region} (Event history keeps 90 days).</p>
      ) : null}
      {event ? <EventDetail event={event} /> : null}
    </section>
  );
}

function EventDetail({ event }: { event: TrailEvent }) {
  const record = recordOf(event);
  const json = record ? JSON.stringify(record, null, 2) : event.CloudTrailEvent ?? '';
  const [copied, setCopied] = useState<string | null>(null);
  const summary: [string, string][] = [
    ['Event time', formatTime(event.EventTime)],
    ['User name', event.Username ?? ''],
    ['Event name', event.EventName ?? ''],
    ['Event source', event.EventSource ?? ''],
    ['AWS access key', event.AccessKeyId ?? ''],
    ['AWS region', recordString(event, 'awsRegion')],
    ['Source IP address', recordString(event, 'sourceIPAddress')],
    ['User agent', recordString(event, 'userAgent')],
    ['Event ID', event.EventId ?? ''],
    ['Request ID', recordString(event, 'requestID')],
    ['Read-only', event.ReadOnly ?? ''],
    ['Error code', recordString(event, 'errorCode')],
    ['Error message', recordString(event, 'errorMessage')],
  ];

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(json);
      setCopied('Event record copied.');
    } catch {
      setCopied('Copying is not available here; select the text instead.');
    }
  };

  return (
    <>
      <section className="panel" aria-labelledby="details-title">
        <h2 id="details-title">Details</h2>
        <dl className="details-grid">
          {summary.filter(([, v]) => v !== '').map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd className="wrap-anywhere">{k === 'Event time' ? <time dateTime={isoTime(event.EventTime)}>{v}</time> : v}</dd>
            </div>
          ))}
        </dl>
      </section>

      <section className="panel" aria-labelledby="resources-title">
        <h2 id="resources-title">Resources referenced ({event.Resources?.length ?? 0})</h2>
        {event.Resources && event.Resources.length > 0 ? (
          <div className="table-scroll">
            <table className="data-table">
              <thead>
                <tr><th scope="col">Resource type</th><th scope="col">Resource name</th></tr>
              </thead>
              <tbody>
                {event.Resources.map((r, i) => (
                  <tr key={i}>
                    <td>{r.ResourceType ?? '—'}</td>
                    <td className="wrap-anywhere">{r.ResourceName ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : <p className="muted">This event references no resources.</p>}
      </section>

      <section className="panel" aria-labelledby="record-title">
        <div className="panel-header">
          <h2 id="record-title">Event record</h2>
          <button type="button" className="button small" onClick={() => void copy()}>Copy</button>
        </div>
        {copied ? <p className="muted small" role="status">{copied}</p> : null}
        <pre className="code-block" tabIndex={0} aria-label="Event record JSON" data-testid="event-record"><code>{json}</code></pre>
      </section>
    </>
  );
}
