/** The events of one page, in the chosen columns; the event name opens the event. */
import type { TrailEvent } from '../api/aws-types.ts';
import { formatTime, isoTime } from '../shell/format.ts';
import { Link } from '../shell/router.tsx';
import { cellText, type Column } from './columns.ts';

export function EventsTable({ events, columns, caption }: { events: TrailEvent[]; columns: Column[]; caption: string }) {
  const linkColumn: Column = columns.includes('Event name') ? 'Event name' : columns[0]!;
  return (
    <div className="table-scroll">
      <table className="data-table events-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {events.map((event, i) => (
            <tr key={`${event.EventId ?? ''}-${i}`} data-event-id={event.EventId}>
              {columns.map((c) => {
                const text = cellText(c, event);
                const shown = c === 'Event time' ? formatTime(text) : text;
                const content = c === linkColumn && event.EventId
                  ? <Link to={`/events/${encodeURIComponent(event.EventId)}`}>{shown || event.EventId}</Link>
                  : shown;
                return c === 'Event time'
                  ? <td key={c} className="nowrap"><time dateTime={isoTime(text)} title={isoTime(text)}>{content}</time></td>
                  : <td key={c} className={c === 'Resource name' ? 'wrap-anywhere' : undefined}>{content}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
