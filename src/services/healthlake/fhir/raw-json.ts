/**
 * Stored resources are JSON text already: a response that carries many of them (a searchset
 * Bundle) splices that text in instead of parsing each resource only to serialize it again.
 */
import { randomUUID } from 'node:crypto';

/** JSON text that stands for a value inside an object given to stringifyWithRaw. */
export class RawJson {
  constructor(readonly text: string) {}
}

// A per-process marker no stored string can contain by chance.
const MARK = `\u0000raw-${randomUUID()}:`;
const MARKED = new RegExp(`"${JSON.stringify(MARK).slice(1, -1).replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}(\\d+)"`, 'g');

/** JSON.stringify, with each RawJson replaced by its text. */
export function stringifyWithRaw(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => (v instanceof RawJson ? `${MARK}${raws.push(v.text) - 1}` : v));
  return raws.length === 0 ? text : text.replace(MARKED, (_m, i: string) => raws[Number(i)]!);
}
