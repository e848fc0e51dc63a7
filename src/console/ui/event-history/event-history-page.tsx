/** Event history, the console's home page. */
import { useEffect } from 'react';
import { useConsole } from '../shell/console-context.tsx';
import { ErrorAlert } from '../shell/error-alert.tsx';
import { formatTime } from '../shell/format.ts';
import { usePageTitle } from '../shell/page-title.ts';
import { ColumnSettings } from './column-settings.tsx';
import { useColumns } from './columns.ts';
import { DownloadPanel } from './download-panel.tsx';
import { EventsTable } from './events-table.tsx';
import { FilterBar } from './filter-bar.tsx';
import { useEventHistory } from './history-store.tsx';
import { describeFilter, PAGE_SIZE } from './lookup.ts';

export function EventHistoryPage() {
  usePageTitle('Event history');
  const { region } = useConsole();
  const history = useEventHistory();
  const columns = useColumns();
  const { ensureLoaded } = history;
  useEffect(() => ensureLoaded(), [ensureLoaded]);

  const page = history.pages[history.pageIndex];
  const events = page?.events ?? [];
  const first = history.pageIndex * PAGE_SIZE + 1;

  return (
    <section aria-labelledby="page-title">
      <div className="page-header">
        <div>
          <h1 id="page-title">Event history</h1>
          <p className="muted">
            Management events of the last 90 days in <strong>{region}</strong>, newest first.
          </p>
        </div>
        <div className="button-row">
          <button type="button" className="button" onClick={history.refresh} disabled={history.loading}>Refresh</button>
          <ColumnSettings isVisible={columns.isVisible} toggle={columns.toggle} reset={columns.reset} />
        </div>
      </div>

      <FilterBar filter={history.filter} onApply={history.apply} busy={history.loading} />
      <DownloadPanel query={history.query} />

      {history.newEvents ? (
        <div className="alert alert-info" role="status">
          <div>
            {history.newEvents.more ? `More than ${history.newEvents.count}` : history.newEvents.count} new
            {' '}event{history.newEvents.count === 1 && !history.newEvents.more ? '' : 's'} since this list was read.
          </div>
          <button type="button" className="button small" onClick={history.refresh}>Show new events</button>
        </div>
      ) : null}

      <ErrorAlert error={history.error} title="Could not read events" />

      <div className="table-toolbar">
        <p className="muted small" aria-live="polite">
          {history.loading ? 'Loading events…'
            : page ? (events.length ? `Events ${first}–${first + events.length - 1}` : 'No events match this filter.')
            : ''}
          {history.query ? <> · {describeFilter(history.filter)}</> : null}
          {history.loadedAt && history.pageIndex === 0 && !history.loading ? <> · read {formatTime(history.loadedAt)}</> : null}
        </p>
        <nav className="pager" aria-label="Event pages">
          <button type="button" className="button small" onClick={history.previousPage} disabled={history.pageIndex === 0 || history.loading}>
            ‹ Previous
          </button>
          <span className="pager-page">Page {history.pageIndex + 1}</span>
          <button type="button" className="button small" onClick={history.nextPage} disabled={!history.hasNext || history.loading}>
            Next ›
          </button>
        </nav>
      </div>

      <div aria-busy={history.loading}>
        {events.length > 0 ? (
          <EventsTable events={events} columns={columns.visible} caption={`Events, page ${history.pageIndex + 1}`} />
        ) : null}
      </div>
      {events.length > 10 ? (
        <nav className="pager pager-bottom" aria-label="Event pages (bottom)">
          <button type="button" className="button small" onClick={history.previousPage} disabled={history.pageIndex === 0 || history.loading}>
            ‹ Previous page
          </button>
          <button type="button" className="button small" onClick={history.nextPage} disabled={!history.hasNext || history.loading}>
            Next page ›
          </button>
        </nav>
      ) : null}
    </section>
  );
}
