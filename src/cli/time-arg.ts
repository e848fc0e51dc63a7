/**
 * Times on the command line: ISO 8601 (`2026-01-02`, `2026-01-02T03:04:05Z`), a time that far
 * back from now (`90s`, `30m`, `2h`, `7d`, `1w`), or `now`.
 */
import { InvalidArgumentError } from 'commander';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function parseTime(value: string, now: number = Date.now()): Date {
  const v = value.trim();
  if (v === 'now') return new Date(now);
  const relative = /^(\d+)\s*([smhdw])$/.exec(v);
  if (relative) return new Date(now - Number(relative[1]) * UNIT_MS[relative[2]!]!);
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v)) {
    const d = new Date(v);
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw new InvalidArgumentError('expected an ISO 8601 time (2026-01-02T03:04:05Z) or a duration back from now (30m, 2h, 7d).');
}

/** commander argParser: a positive integer. */
export function parsePositiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a positive integer.');
  return Number(value);
}
