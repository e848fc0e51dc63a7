/**
 * What the local directory store keeps beside each object's bytes: ETag, content type and
 * encoding, user metadata and the upload time, as one small JSON file in a parallel tree,
 * `<root>/.meta/<bucket>/<same path as the data file>`.
 *
 * Why a sidecar rather than the SQLite database: the object store must stand alone (trail
 * delivery, FHIR import/export and the S3 API all use it, and the S3-compatible backend keeps
 * the same facts in the external store's own object metadata), and a sidecar in a hidden tree
 * leaves the data tree exactly the user's files. `.meta` cannot collide with a bucket: bucket
 * names never start with '.'.
 *
 * The sidecar names the data file's inode. A rename keeps the inode, so a reader that finds
 * sidecar and file disagreeing (a publish caught between its two renames, or a file copied in
 * by hand) knows the sidecar is not this file's and falls back to what the file itself says.
 *
 * A joined (multipart) object's sidecar also lists its parts (`parts`, see part-groups.ts); its
 * data file is then a short text saying where the bytes are, and `size` is the object's size.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ObjectInfo, ObjectMetadata } from '../object-store.ts';

export interface Sidecar {
  v: 1;
  key: string;
  etag: string;
  size: number;
  ino: number;
  /** Epoch milliseconds. */
  lastModified: number;
  contentType?: string;
  contentEncoding?: string;
  userMetadata: Record<string, string>;
  /** A joined object: its part group and the part sizes, run-length encoded as [size, count]. */
  parts?: { id: string; runs: Array<[number, number]> };
}

/** Whether the sidecar is the one of the data file with this inode and size. */
export function describesFile(sidecar: Sidecar | undefined, st: { ino: number; size: number }): sidecar is Sidecar {
  return sidecar !== undefined && sidecar.ino === st.ino && (sidecar.parts !== undefined || sidecar.size === st.size);
}

export function encodeRuns(sizes: number[]): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (const size of sizes) {
    const last = runs[runs.length - 1];
    if (last && last[0] === size) last[1]++;
    else runs.push([size, 1]);
  }
  return runs;
}

export function decodeRuns(runs: Array<[number, number]>): number[] {
  return runs.flatMap(([size, count]) => new Array<number>(count).fill(size));
}

export function sidecarFor(key: string, etag: string, size: number, ino: number, lastModified: number, metadata: ObjectMetadata): Sidecar {
  const sidecar: Sidecar = { v: 1, key, etag, size, ino, lastModified, userMetadata: { ...metadata.userMetadata } };
  if (metadata.contentType !== undefined) sidecar.contentType = metadata.contentType;
  if (metadata.contentEncoding !== undefined) sidecar.contentEncoding = metadata.contentEncoding;
  return sidecar;
}

export async function readSidecar(path: string): Promise<Sidecar | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Sidecar;
    return parsed && parsed.v === 1 && typeof parsed.etag === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The same, synchronously: listings read a page of sidecars in short synchronous slices. */
export function readSidecarSync(path: string): Sidecar | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Sidecar;
    return parsed && parsed.v === 1 && typeof parsed.etag === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function infoFromSidecar(sidecar: Sidecar): ObjectInfo {
  const info: ObjectInfo = {
    key: sidecar.key,
    size: sidecar.size,
    etag: sidecar.etag,
    lastModified: new Date(sidecar.lastModified),
    userMetadata: { ...sidecar.userMetadata },
  };
  if (sidecar.contentType !== undefined) info.contentType = sidecar.contentType;
  if (sidecar.contentEncoding !== undefined) info.contentEncoding = sidecar.contentEncoding;
  return info;
}

/** For a data file without a matching sidecar: its MD5 as the ETag, its mtime. */
export async function infoFromFile(path: string, key: string, size: number, mtime: Date): Promise<ObjectInfo> {
  const md5 = createHash('md5');
  for await (const chunk of createReadStream(path)) md5.update(chunk as Buffer);
  return { key, size, etag: `"${md5.digest('hex')}"`, lastModified: mtime, userMetadata: {} };
}
