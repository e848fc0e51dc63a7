/**
 * Progress of long operations, always on stderr: a cli-progress bar when stderr is a terminal,
 * otherwise plain lines (when the description changes, at most one a second, and the last).
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** `value` of `total` (when known), and a short description of where things stand. */
  update(value: number, text: string): void;
  setTotal(total: number): void;
  stop(): void;
}

export interface ProgressOptions {
  label: string;
  total?: number;
  stream?: NodeJS.WriteStream;
}

export function startProgress(o: ProgressOptions): Progress {
  const stream = o.stream ?? process.stderr;
  return stream.isTTY ? barProgress(o, stream) : lineProgress(o, stream);
}

function barProgress(o: ProgressOptions, stream: NodeJS.WriteStream): Progress {
  let total = o.total;
  const format = () => (total !== undefined
    ? `${o.label} [{bar}] {percentage}% | {text}`
    : `${o.label} {text} | {duration_formatted}`);
  // A bar that learns its total later (setTotal) shows the bar from then on.
  const formatter: cliProgress.GenericFormatter = (options, params, payload) =>
    cliProgress.Format.Formatter({ ...options, format: format() }, params, payload);
  const bar = new cliProgress.SingleBar({ stream, format: formatter, hideCursor: true, barsize: 30, fps: 5 }, cliProgress.Presets.shades_classic);
  bar.start(total ?? 1, 0, { text: '' });
  return {
    update(value, text) {
      bar.update(total !== undefined ? Math.min(value, total) : 0, { text });
    },
    setTotal(t) {
      total = t;
      bar.setTotal(t);
    },
    stop() {
      bar.stop();
    },
  };
}

function lineProgress(o: ProgressOptions, stream: NodeJS.WriteStream): Progress {
  let total = o.total;
  let last = '';
  let printed = '';
  let lastAt = 0;
  const line = (value: number, text: string) => {
    const pct = total ? ` ${Math.min(100, Math.floor((value / total) * 100))}%` : '';
    return `${o.label}:${pct} ${text}`.trimEnd();
  };
  const print = (l: string) => {
    if (l === printed) return;
    stream.write(`${l}\n`);
    printed = l;
    lastAt = Date.now();
  };
  return {
    update(value, text) {
      last = line(value, text);
      if (Date.now() - lastAt >= 1000) print(last);
    },
    setTotal(t) {
      total = t;
    },
    stop() {
      if (last) print(last);
    },
  };
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${UNITS[u]}`;
}
