/**
 * Server-Sent Events from GET /console/api/events/watch, read with fetch rather than EventSource:
 * the contract wants the CSRF header on every session request, and EventSource cannot send
 * headers. Reconnects with a growing delay until stopped; a 401 ends it (the session is gone).
 */
import type { ConsoleApi } from './client.ts';

export interface WatchNotice {
  latestEventTime: number;
}

/** Feeds complete SSE messages' data to onData; returns the unparsed rest. */
function parseEvents(buffer: string, onData: (data: string) => void): string {
  const normalized = buffer.replace(/\r\n?/g, '\n');
  const blocks = normalized.split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    const data = block
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).replace(/^ /, ''))
      .join('\n');
    if (data) onData(data);
  }
  return rest;
}

export function watchEvents(api: ConsoleApi, region: string, onNotice: (n: WatchNotice) => void): () => void {
  const controller = new AbortController();
  let delay = 1000;

  const run = async () => {
    while (!controller.signal.aborted) {
      try {
        const res = await api.watchStream(region, controller.signal);
        if (!res.ok || !res.body) throw new Error(`watch answered ${res.status}`);
        delay = 1000;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer = parseEvents(buffer + value, (data) => {
            try {
              const notice = JSON.parse(data) as WatchNotice;
              if (typeof notice.latestEventTime === 'number') onNotice(notice);
            } catch {
              // Not a notice (a comment or keep-alive): nothing to do.
            }
          });
        }
      } catch (e) {
        if (controller.signal.aborted) return;
        if (e instanceof Error && 'status' in e && (e as { status: number }).status === 401) return;
      }
      if (controller.signal.aborted) return;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 30_000);
    }
  };
  void run();
  return () => controller.abort();
}
