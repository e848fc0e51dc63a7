/**
 * The default object store: a local directory. `s3://bucket/key` is the file
 * `<root>/bucket/key` (key-paths.ts says how awkward keys are escaped or refused), with its
 * metadata in a sidecar (sidecar.ts) and listings walked in key order (listing.ts).
 *
 *   <root>/<bucket>/...          object bytes, browsable
 *   <root>/.meta/<bucket>/...    sidecars, same relative paths
 *   <root>/.staging/<id>.data    staged bytes (fsynced), and <id>.json their sidecar
 *   <root>/.parts/<id>/...       the part files of joined (multipart) objects (part-groups.ts)
 *
 * Publishing renames the sidecar into place, then the bytes (same file system, so each rename
 * is atomic and a reader sees the old object or the new one), then fsyncs both directories.
 * A reader that opens the old bytes but finds the new sidecar waits for the publish (in this
 * process) and looks again. Publishes and deletes of one key take turns.
 *
 * A joined object (stageJoined: CompleteMultipartUpload) is its parts' files, hard-linked into a
 * group, not a copy of their bytes: its data file is a short text saying where the bytes are,
 * and its sidecar lists the parts. Replacing or deleting it removes the group.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, statSync } from 'node:fs';
import { mkdir, open, stat, unlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { AwsError } from '../../core/aws-error.ts';
import type {
  ByteRange, JoinPart, ListPage, ListQuery, ObjectBody, ObjectInfo, ObjectMetadata, ObjectStore, StagedObject, StagedRef,
  StageOptions,
} from '../object-store.ts';
import { etagOf, StagingArea } from '../staging-area.ts';
import { syncDirectoryShared } from '../staging-file.ts';
import { keySegments, pathConflict, resolveUnder } from './key-paths.ts';
import { compareKeys, walkBucket } from './listing.ts';
import { FileRunStream } from './file-run-stream.ts';
import { PartGroups, writeDurably } from './part-groups.ts';
import { errno, exists, removeEmptyParents, removeEmptyTree, renameOverFile } from './fs-steps.ts';
import {
  decodeRuns, describesFile, encodeRuns, infoFromFile, infoFromSidecar, readSidecar, readSidecarSync, sidecarFor,
} from './sidecar.ts';

const META_DIR = '.meta';
const STAGING_DIR = '.staging';
const PARTS_DIR = '.parts';
/** Looks at a key again after finding its data file and sidecar apart (a publish between them). */
const MAX_ATTEMPTS = 5;

function checkBucketName(bucket: string): void {
  // The S3 API validates names first; this keeps internal callers inside the root as well.
  // Names starting with '.' are the store's own (.meta, .staging) or internal buckets (.uploads).
  if (!/^[A-Za-z0-9._-]{1,255}$/.test(bucket) || bucket === '.' || bucket === '..' || bucket === META_DIR || bucket === STAGING_DIR
    || bucket === PARTS_DIR) {
    throw new AwsError('InvalidBucketName', 'The specified bucket is not valid.', { status: 400, fields: { BucketName: bucket } });
  }
}

/** What a joined object's data file says, for whoever browses the directory. */
function stubText(bucket: string, key: string, id: string, parts: number): string {
  return `This is s3://${bucket}/${key}, uploaded in ${parts} part${parts === 1 ? '' : 's'}. HealthTrail keeps its bytes in `
    + `${PARTS_DIR}/${id}/ (files 1 to ${parts}, one after another) instead of copying them here; `
    + 'read it through the S3 API (aws s3 cp, GetObject).\n';
}

export class LocalDirectoryObjectStore implements ObjectStore {
  private readonly staging: StagingArea;
  private readonly groups: PartGroups;
  /** The publish or delete under way per data file path (in this process): the next one waits. */
  private readonly keyWork = new Map<string, Promise<void>>();

  constructor(readonly root: string, private readonly now: () => number = Date.now) {
    this.staging = new StagingArea(join(root, STAGING_DIR), now);
    this.groups = new PartGroups(join(root, PARTS_DIR), this.staging.dir);
  }

  /** Runs `work` once the key's earlier publishes and deletes are done. */
  private async exclusive<T>(dataPath: string, work: () => Promise<T>): Promise<T> {
    const previous = this.keyWork.get(dataPath);
    const run = (previous ?? Promise.resolve()).then(work);
    const tail = run.then(() => undefined, () => undefined);
    this.keyWork.set(dataPath, tail);
    try {
      return await run;
    } finally {
      if (this.keyWork.get(dataPath) === tail) this.keyWork.delete(dataPath);
    }
  }

  /** Waits for a publish or delete of the key under way in this process; false when none is. */
  private async settled(dataPath: string): Promise<boolean> {
    const work = this.keyWork.get(dataPath);
    if (!work) return false;
    await work;
    return true;
  }

  private bucketDir(bucket: string): string {
    checkBucketName(bucket);
    return join(this.root, bucket);
  }

  private metaDir(bucket: string): string {
    checkBucketName(bucket);
    return join(this.root, META_DIR, bucket);
  }

  private paths(bucket: string, key: string): { data: string; meta: string } {
    const segments = keySegments(key);
    return { data: resolveUnder(this.bucketDir(bucket), segments), meta: resolveUnder(this.metaDir(bucket), segments) };
  }

  /** The paths of a key, or undefined for a key this store refuses to hold (no such object can
   * exist here: reading it finds nothing, deleting it has nothing to do). */
  private existingPaths(bucket: string, key: string): { data: string; meta: string } | undefined {
    try {
      return this.paths(bucket, key);
    } catch (err) {
      if (err instanceof AwsError && err.code === 'KeyTooLongError') return undefined;
      throw err;
    }
  }

  async createBucket(bucket: string): Promise<void> {
    await mkdir(this.bucketDir(bucket), { recursive: true });
    await mkdir(this.metaDir(bucket), { recursive: true });
  }

  async deleteBucket(bucket: string): Promise<void> {
    // Only empty directories go: anything a person put there by hand stays.
    for (const dir of [this.metaDir(bucket), this.bucketDir(bucket)]) {
      await removeEmptyTree(dir);
    }
  }

  async put(bucket: string, key: string, body: Buffer | Readable, metadata: ObjectMetadata, options?: StageOptions): Promise<ObjectInfo> {
    const staged = await this.stage(bucket, key, body, metadata, options);
    try {
      await this.publish(staged);
    } catch (err) {
      await this.discard(staged);
      throw err;
    }
    return staged.info;
  }

  async stage(bucket: string, key: string, body: Buffer | Readable, metadata: ObjectMetadata, options: StageOptions = {}): Promise<StagedObject> {
    const target = this.paths(bucket, key);
    await this.checkStorable(bucket, key, target.data);
    // The staged JSON is the object's sidecar as published (renamed into the .meta tree).
    const { id, meta } = await this.staging.write(body,
      (file) => sidecarFor(key, etagOf(options, file.md5Hex), file.size, file.ino, this.now(), metadata),
      { md5: options.etag === undefined });
    return { id, bucket, key, info: infoFromSidecar(meta) };
  }

  /**
   * The parts' data files are hard-linked into a staged group (no byte is copied or written
   * again; each link is checked to be the part object it was), and the object's data file is a
   * short text. Everything a publish needs is durable when this returns.
   */
  async stageJoined(bucket: string, key: string, parts: JoinPart[], metadata: ObjectMetadata, options: { etag: string }): Promise<StagedObject> {
    const target = this.paths(bucket, key);
    await this.checkStorable(bucket, key, target.data);
    if (parts.length === 0) throw new Error('a joined object needs at least one part');
    const files = parts.map((part) => ({ part, ...this.paths(part.bucket, part.key) }));
    await mkdir(this.staging.dir, { recursive: true });
    const id = randomUUID();
    const staged = this.staging.paths(id);
    try {
      await this.groups.stage(id, files, { bucket, key });
      // The stub's bytes need no fsync (nothing reads them back); its name comes with the publish.
      const stub = await open(staged.data, 'wx', 0o600);
      let ino;
      try {
        await stub.writeFile(stubText(bucket, key, id, parts.length));
        ino = (await stub.stat()).ino;
      } finally {
        await stub.close();
      }
      const size = parts.reduce((n, p) => n + p.size, 0);
      const sidecar = sidecarFor(key, options.etag, size, ino, this.now(), metadata);
      sidecar.parts = { id, runs: encodeRuns(parts.map((p) => p.size)) };
      // The sidecar is the only list of the parts: it must survive a power loss.
      await writeDurably(staged.meta, JSON.stringify(sidecar), 'wx');
      return { id, bucket, key, info: infoFromSidecar(sidecar) };
    } catch (err) {
      await this.discard({ id, bucket, key });
      throw err;
    }
  }

  async publish(ref: StagedRef): Promise<void> {
    const to = this.paths(ref.bucket, ref.key);
    await this.exclusive(to.data, async () => {
      if (await this.staging.has(ref.id)) await this.groups.publishing(ref.id, () => this.move(ref, to));
    });
  }

  /**
   * Publish's renames. The metadata calls (reading the two sidecars, mkdir, rename) are
   * synchronous: microseconds each, where the thread pool would queue them behind the data
   * writes and fsyncs of concurrent uploads. Only the directory fsyncs wait (shared between
   * concurrent publishes into one directory).
   */
  private async move(ref: StagedRef, to: { data: string; meta: string }): Promise<void> {
    const from = this.staging.paths(ref.id);
    const incoming = readSidecarSync(from.meta);
    // The replaced object's sidecar, or already ours when a publish is replayed.
    const current = readSidecarSync(to.meta);
    const joined = incoming ? incoming.parts !== undefined : current?.parts?.id === ref.id;
    if (joined && !(await this.groups.place(ref.id))) throw new Error(`the parts of staged object ${ref.id} are missing`);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.makeParents(ref.bucket, ref.key, to);
        if (incoming || existsSync(from.meta)) renameSync(from.meta, to.meta);
        renameOverFile(from.data, to.data, ref.key);
        break;
      } catch (err) {
        // A concurrent delete may remove a just-made empty parent directory: make it again.
        if (errno(err) === 'ENOENT' && attempt < 3 && (await this.staging.has(ref.id))) continue;
        throw err;
      }
    }
    await Promise.all([
      syncDirectoryShared(dirname(to.meta)),
      syncDirectoryShared(dirname(to.data)),
      joined ? syncDirectoryShared(this.groups.dir) : undefined,
    ]);
    const replaced = current?.parts?.id;
    if (replaced !== undefined && replaced !== ref.id) await this.groups.doom(replaced);
  }

  async discard(ref: StagedRef): Promise<void> {
    await this.staging.discard(ref.id);
    await this.groups.discardStaged(ref.id);
  }

  async sweepStaged(keep: Set<string>, maxAgeMs: number): Promise<number> {
    const staged = await this.staging.sweep(keep, maxAgeMs);
    const groups = await this.groups.sweep(async (id, owner) => {
      if (keep.has(id)) return true;
      const sidecar = await readSidecar(this.paths(owner.bucket, owner.key).meta);
      return sidecar?.parts?.id === id;
    });
    return staged + groups;
  }

  /**
   * Reads (head, get) look at the data file and its sidecar with synchronous calls: metadata
   * only, microseconds each, where the thread pool would queue them behind the 1 MiB reads of
   * concurrent downloads (a ranged GET per 8 MiB of `aws s3 cp` pays them every time).
   */
  async head(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    const paths = this.existingPaths(bucket, key);
    if (!paths) return undefined;
    for (let attempt = 1; ; attempt++) {
      let st;
      try {
        st = statSync(paths.data);
      } catch (err) {
        if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') return undefined;
        throw err;
      }
      if (!st.isFile()) return undefined;
      const sidecar = readSidecarSync(paths.meta);
      if (describesFile(sidecar, st)) return { ...infoFromSidecar(sidecar), key };
      if (attempt < MAX_ATTEMPTS && (await this.settled(paths.data))) continue;
      return infoFromFile(paths.data, key, st.size, st.mtime);
    }
  }

  async get(bucket: string, key: string, range?: (size: number) => ByteRange | undefined): Promise<ObjectBody | undefined> {
    const paths = this.existingPaths(bucket, key);
    if (!paths) return undefined;
    for (let attempt = 1; ; attempt++) {
      let fd: number;
      try {
        fd = openSync(paths.data, 'r');
      } catch (err) {
        if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR' || errno(err) === 'EISDIR') return undefined;
        throw err;
      }
      let keep = false;
      try {
        // The open descriptor pins these bytes even if a publish replaces the file meanwhile;
        // the sidecar must then be this inode's, else look again (a publish between renames).
        const st = fstatSync(fd);
        if (!st.isFile()) return undefined;
        const sidecar = readSidecarSync(paths.meta);
        const matches = describesFile(sidecar, st);
        if (!matches && attempt < MAX_ATTEMPTS) {
          if (await this.settled(paths.data)) continue;
          if (attempt < 3) {
            // Perhaps another process's publish: give it a moment.
            await new Promise((resolve) => setTimeout(resolve, 1));
            continue;
          }
        }
        const info = matches ? { ...infoFromSidecar(sidecar), key } : await infoFromFile(paths.data, key, st.size, st.mtime);
        const served = range?.(info.size);
        if (matches && sidecar.parts) {
          const body = await this.groups.read(sidecar.parts.id, decodeRuns(sidecar.parts.runs),
            served?.start ?? 0, served?.end ?? info.size - 1);
          if (body) return served ? { info, body, range: served } : { info, body };
          // Replaced (or deleted) since the sidecar was read: look again.
          if (attempt < MAX_ATTEMPTS) continue;
          throw new Error(`the parts of s3://${bucket}/${key} are missing`);
        }
        // 1 MiB reads (direct I/O for large ones, file-run-stream.ts), from the descriptor checked.
        const body = new FileRunStream([paths.data], [st.size], 0, served?.start ?? 0, fd,
          served ? served.end - served.start + 1 : st.size, () => undefined);
        keep = true;
        return served ? { info, body, range: served } : { info, body };
      } finally {
        if (!keep) closeSync(fd);
      }
    }
  }

  async delete(bucket: string, key: string): Promise<void> {
    const paths = this.existingPaths(bucket, key);
    if (!paths) return;
    await this.exclusive(paths.data, async () => {
      const sidecar = await readSidecar(paths.meta);
      for (const path of [paths.data, paths.meta]) {
        try {
          await unlink(path);
        } catch (err) {
          const code = errno(err);
          if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'EISDIR' && code !== 'EPERM') throw err;
        }
      }
      await removeEmptyParents(paths.data, this.bucketDir(bucket));
      await removeEmptyParents(paths.meta, this.metaDir(bucket));
      if (sidecar?.parts) await this.groups.doom(sidecar.parts.id);
    });
  }

  async list(bucket: string, query: ListQuery): Promise<ListPage> {
    const page: ListPage = { objects: [], commonPrefixes: [], isTruncated: false };
    if (query.maxKeys <= 0) return page;
    const found: Array<{ key: string; path: string }> = [];
    let count = 0;
    let lastPrefix: string | undefined;
    for await (const item of walkBucket(this.bucketDir(bucket), {
      prefix: query.prefix ?? '', after: query.after, delimiter: query.delimiter || undefined,
    })) {
      if ('commonPrefix' in item) {
        if (item.commonPrefix === lastPrefix) continue;
        if (query.after !== undefined && compareKeys(item.commonPrefix, query.after) <= 0) continue;
      }
      if (count === query.maxKeys) {
        page.isTruncated = true;
        break;
      }
      count++;
      if ('commonPrefix' in item) {
        lastPrefix = item.commonPrefix;
        page.commonPrefixes.push(item.commonPrefix);
        page.lastKey = item.commonPrefix;
      } else {
        found.push(item);
        page.lastKey = item.key;
      }
    }
    page.objects = await this.describePage(bucket, found);
    return page;
  }

  /**
   * ETag, size and dates of a listed page. Synchronous reads in slices of 100 objects: about
   * five times faster than a thread-pool round trip per stat/open/read/close (measured: 1000
   * objects in ~20 ms instead of ~100 ms), and each slice holds the event loop for ~2 ms only.
   */
  private async describePage(bucket: string, found: Array<{ key: string; path: string }>): Promise<ObjectInfo[]> {
    const metaRoot = this.metaDir(bucket);
    const dataRoot = this.bucketDir(bucket);
    const out: ObjectInfo[] = [];
    for (let i = 0; i < found.length; i++) {
      if (i > 0 && i % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
      const { key, path } = found[i]!;
      let st;
      try {
        st = statSync(path);
      } catch {
        continue;
      }
      const sidecar = readSidecarSync(join(metaRoot, relative(dataRoot, path)));
      if (describesFile(sidecar, st)) {
        out.push({ ...infoFromSidecar(sidecar), key });
      } else if (this.keyWork.has(path)) {
        // Caught between a publish's renames: what the key is once it is done.
        const info = await this.head(bucket, key);
        if (info) out.push(info);
      } else {
        out.push(await infoFromFile(path, key, st.size, st.mtime));
      }
    }
    return out;
  }

  /** Refuses, before any byte is taken, a key whose path is a directory of other keys or runs
   * through an object's file. */
  private async checkStorable(bucket: string, key: string, dataPath: string): Promise<void> {
    const base = this.bucketDir(bucket);
    let dir = dirname(dataPath);
    const ancestors: string[] = [];
    while (dir.length > base.length && dir.startsWith(base + sep)) {
      ancestors.push(dir);
      dir = dirname(dir);
    }
    for (const path of ancestors.reverse()) {
      const st = await stat(path).catch(() => undefined);
      if (!st) break;
      if (!st.isDirectory()) throw pathConflict(key, `'${relative(base, path).split(sep).join('/')}' is an object`);
    }
    const own = await stat(dataPath).catch(() => undefined);
    if (own?.isDirectory()) {
      await removeEmptyTree(dataPath);
      if (await exists(dataPath)) throw pathConflict(key, `other keys start with '${key}/'`);
    }
  }

  private async makeParents(bucket: string, key: string, to: { data: string; meta: string }): Promise<void> {
    try {
      mkdirSync(dirname(to.data), { recursive: true });
      mkdirSync(dirname(to.meta), { recursive: true });
    } catch (err) {
      if (errno(err) === 'ENOTDIR' || errno(err) === 'EEXIST') {
        await this.checkStorable(bucket, key, to.data);
        throw pathConflict(key, 'a part of its path is an object');
      }
      throw err;
    }
  }
}
