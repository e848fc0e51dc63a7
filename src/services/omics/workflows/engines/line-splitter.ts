/**
 * Splits a process's output stream into lines for the logs, with a bound on a line's length: a
 * task that writes megabytes without a newline must not make the server hold them. A longer line
 * is cut at MAX_LINE_CHARS and marked; the rest of it, up to its newline, is dropped.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';

export const MAX_LINE_CHARS = 64 * 1024;
export const TRUNCATED = ' …[line truncated]';

export function splitLines(stream: Readable, onLine: (line: string) => void, maxChars = MAX_LINE_CHARS): Promise<void> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let dropping = false;
  const take = (text: string) => {
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl >= 0; nl = text.indexOf('\n', start)) {
      const piece = text.slice(start, nl);
      if (!dropping) onLine((pending + piece).replace(/\r$/, ''));
      pending = '';
      dropping = false;
      start = nl + 1;
    }
    if (dropping) return;
    pending += text.slice(start);
    if (pending.length > maxChars) {
      onLine(pending.slice(0, maxChars) + TRUNCATED);
      pending = '';
      dropping = true;
    }
  };
  return new Promise((resolve) => {
    stream.on('data', (chunk: Buffer) => take(decoder.write(chunk)));
    stream.on('close', () => {
      take(decoder.end());
      if (!dropping && pending !== '') onLine(pending.replace(/\r$/, ''));
      resolve();
    });
  });
}
