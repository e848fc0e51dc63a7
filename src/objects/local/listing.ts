/**
 * Lists a bucket directory in S3's order (UTF-8 bytes of the key) without reading more of the
 * tree than the page needs: a depth-first walk that starts in the prefix's directory, sorts
 * each directory by the key text its entries stand for (a directory `a` stands for `a/...`),
 * skips whole subtrees at or before the `after` key, and rolls a subtree up into one common
 * prefix without entering it when the delimiter falls inside the directory's own path.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { decodePart, encodePart } from './key-paths.ts';

export type ListedItem = { key: string; path: string } | { commonPrefix: string };

interface Entry {
  name: string;
  isDir: boolean;
  /** The key (files) or the key prefix ending in '/' (directories) the entry stands for. */
  text: string;
  bytes: Buffer;
}

export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

async function sortedEntries(dir: string, keyPrefix: string): Promise<Entry[]> {
  let dirents;
  try {
    dirents = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw err;
  }
  const entries: Entry[] = [];
  for (const d of dirents) {
    const isDir = d.isDirectory();
    if (!isDir && !d.isFile()) continue;
    const part = decodePart(d.name);
    if (part === undefined) continue;
    const text = keyPrefix + part + (isDir ? '/' : '');
    entries.push({ name: d.name, isDir, text, bytes: Buffer.from(text, 'utf8') });
  }
  return entries.sort((a, b) => Buffer.compare(a.bytes, b.bytes));
}

export interface WalkQuery {
  prefix: string;
  after?: string;
  delimiter?: string;
}

/** Items in key order: objects (key + data file path) and common prefixes (possibly repeated;
 * the caller drops repeats and prefixes at or before `after`). */
export async function* walkBucket(bucketDir: string, q: WalkQuery): AsyncGenerator<ListedItem> {
  const cut = q.prefix.lastIndexOf('/');
  const startKey = q.prefix.slice(0, cut + 1);
  const parts = startKey === '' ? [] : startKey.slice(0, -1).split('/');
  yield* walkDir(join(bucketDir, ...parts.map(encodePart)), startKey, q);
}

async function* walkDir(dir: string, keyPrefix: string, q: WalkQuery): AsyncGenerator<ListedItem> {
  const { prefix, after, delimiter } = q;
  for (const e of await sortedEntries(dir, keyPrefix)) {
    const t = e.text;
    if (t.length >= prefix.length ? !t.startsWith(prefix) : !(e.isDir && prefix.startsWith(t))) continue;
    if (!e.isDir) {
      if (after !== undefined && compareKeys(t, after) <= 0) continue;
      const at = delimiter ? t.indexOf(delimiter, prefix.length) : -1;
      yield at >= 0 ? { commonPrefix: t.slice(0, at + delimiter!.length) } : { key: t, path: join(dir, e.name) };
      continue;
    }
    // Every key below starts with t: skip the subtree when all of them are at or before `after`.
    if (after !== undefined && !after.startsWith(t) && compareKeys(t, after) < 0) continue;
    if (delimiter && t.length >= prefix.length) {
      const at = t.indexOf(delimiter, prefix.length);
      if (at >= 0) {
        const commonPrefix = t.slice(0, at + delimiter.length);
        if (after === undefined || compareKeys(commonPrefix, after) > 0) yield { commonPrefix };
        continue;
      }
    }
    yield* walkDir(join(dir, e.name), t, q);
  }
}
