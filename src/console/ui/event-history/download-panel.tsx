/** Download events as CSV or JSON, with a running count and Cancel. */
import { useRef, useState } from 'react';
import { saveFile } from '../api/save-file.ts';
import { isAbort, toApiError, type ApiError } from '../api/errors.ts';
import { useConsole } from '../shell/console-context.tsx';
import { ErrorAlert } from '../shell/error-alert.tsx';
import { exportFileName, readAllEvents, toCsv, toJson, type ExportFormat } from './export.ts';
import type { FrozenQuery } from './lookup.ts';

interface Progress {
  format: ExportFormat;
  count: number;
}

export function DownloadPanel({ query }: { query: FrozenQuery | null }) {
  const { api, region } = useConsole();
  const [progress, setProgress] = useState<Progress | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const controller = useRef<AbortController | null>(null);

  const start = async (format: ExportFormat) => {
    if (!query) return;
    const c = new AbortController();
    controller.current = c;
    setError(null);
    setDone(null);
    setProgress({ format, count: 0 });
    try {
      const events = await readAllEvents(api, region, query, (count) => setProgress({ format, count }), c.signal);
      const body = format === 'csv' ? toCsv(events) : toJson(events);
      const type = format === 'csv' ? 'text/csv;charset=utf-8' : 'application/json';
      saveFile(exportFileName(region, format), new Blob([body], { type }));
      setDone(`Downloaded ${events.length} event${events.length === 1 ? '' : 's'} as ${format.toUpperCase()}.`);
    } catch (e) {
      if (isAbort(e)) setDone('Download cancelled.');
      else setError(toApiError(e));
    } finally {
      controller.current = null;
      setProgress(null);
    }
  };

  return (
    <div className="download-panel">
      <div className="button-row" role="group" aria-label="Download events">
        <button type="button" className="button" disabled={!query || !!progress} onClick={() => void start('csv')}>Download CSV</button>
        <button type="button" className="button" disabled={!query || !!progress} onClick={() => void start('json')}>Download JSON</button>
      </div>
      <div role="status" aria-live="polite" className="download-status">
        {progress ? (
          <span className="progress-line">
            <span className="spinner" aria-hidden="true" />
            Preparing {progress.format.toUpperCase()}: <span data-testid="download-count">{progress.count}</span> events read…
            <button type="button" className="button small" onClick={() => controller.current?.abort()}>Cancel</button>
          </span>
        ) : done ? <span>{done}</span> : null}
      </div>
      <ErrorAlert error={error} title="Download failed" onDismiss={() => setError(null)} />
    </div>
  );
}
