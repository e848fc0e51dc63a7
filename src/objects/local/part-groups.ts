/**
 * Joined (multipart) objects of the local directory store. Completing a multipart upload does not
 * copy the parts into one file: the uploaded part files are hard-linked into a group directory,
 * and the object is that group read in order. A 1 GiB upload thus writes and fsyncs its bytes
 * once (UploadPart), not twice.
 *
 *   <root>/.parts/<id>/1 .. N        the part files in object order (links to the uploaded parts)
 *   <root>/.parts/<id>/owner.json    {bucket, key}: the key the group was made for
 *   <root>/.staging/<id>.parts/      the same, staged (before publish)
 *   <root>/<bucket>/<key>            a short text saying where the bytes are (the "stub")
 *   <root>/.meta/<bucket>/<key>      the sidecar: the stub's inode, the object's size, ETag and
 *                                    metadata, and parts {id, sizes}
 *
 * A group belongs to the object whose sidecar names it. Overwriting or deleting that object
 * removes the group — once the last reader streaming from it is done (readers hold it; a reader
 * that comes too late finds it going and reads the key again) — and a group a crash left behind
 * (no sidecar names it any more) is removed by the next sweep at start-up.
 */
import { openSync } from 'node:fs';
import { link, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { forEachLimit } from '../each-limit.ts';
import { FileRunStream, groupPaths } from './file-run-stream.ts';
import { PartChangedError, type JoinPart } from '../object-store.ts';
import { syncDirectory } from '../staging-file.ts';
import { describesFile, infoFromFile, readSidecar } from './sidecar.ts';

const ID_RE = /^[0-9a-f-]{36}$/;
const OWNER_FILE = 'owner.json';
/** Parts linked and checked at once when staging a group. */
const STAGE_CONCURRENCY = 16;

export interface GroupOwner {
  bucket: string;
  key: string;
}

/** A part to link: the part object and where its data file and sidecar are. */
export interface PartFile {
  part: JoinPart;
  data: string;
  meta: string;
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

function bareEtag(etag: string): string {
  return etag.trim().replace(/^"|"$/g, '');
}

/** Writes a small file and fsyncs it. */
export async function writeDurably(path: string, text: string, flags = 'w'): Promise<number> {
  const handle = await open(path, flags, 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
    return (await handle.stat()).ino;
  } finally {
    await handle.close();
  }
}

interface Hold {
  readers: number;
  /** Its object is gone: remove the group when the last reader is done (or now, being removed). */
  doomed: boolean;
}

export class PartGroups {
  private readonly holds = new Map<string, Hold>();
  /** Groups a publish of this process is moving into place: the sweep leaves them alone. */
  private readonly moving = new Set<string>();

  constructor(readonly dir: string, private readonly stagingDir: string) {}

  groupDir(id: string): string {
    if (!ID_RE.test(id)) throw new Error(`not a part group id: ${id}`);
    return join(this.dir, id);
  }

  stagedDir(id: string): string {
    if (!ID_RE.test(id)) throw new Error(`not a part group id: ${id}`);
    return join(this.stagingDir, `${id}.parts`);
  }

  /** Links the parts into the staged group `id`, checking that each is still the object it was
   * when uploaded (PartChangedError otherwise), and makes the links durable. */
  async stage(id: string, parts: PartFile[], owner: GroupOwner): Promise<void> {
    const dir = this.stagedDir(id);
    await mkdir(dir, { recursive: true });
    await forEachLimit(parts, STAGE_CONCURRENCY, async ({ part, data, meta }, index) => {
      const path = join(dir, String(index + 1));
      try {
        await link(data, path);
      } catch (err) {
        if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') throw new PartChangedError(part, 'it is missing');
        throw err;
      }
      // The link pins the inode: if the sidecar names it, these are the bytes the ETag is of
      // (without one, after a power loss took it, the bytes' own MD5 is).
      const [st, sidecar] = await Promise.all([stat(path), readSidecar(meta)]);
      if (sidecar?.parts) throw new PartChangedError(part, 'it is itself a joined object');
      const etag = describesFile(sidecar, st) ? sidecar.etag : (await infoFromFile(path, part.key, st.size, st.mtime)).etag;
      if (st.size !== part.size || bareEtag(etag) !== bareEtag(part.etag)) throw new PartChangedError(part, 'it was replaced');
    });
    await writeDurably(join(dir, OWNER_FILE), JSON.stringify(owner));
    await syncDirectory(dir);
  }

  /** Runs a publish of `id` (place, then the renames that make an object name the group): the
   * sweep leaves the group alone meanwhile, although no sidecar names it yet. */
  async publishing<T>(id: string, work: () => Promise<T>): Promise<T> {
    this.moving.add(id);
    try {
      return await work();
    } finally {
      this.moving.delete(id);
    }
  }

  /** Moves a staged group into place (inside `publishing`). False when there is no such group,
   * staged or placed. Idempotent. The caller fsyncs `dir` afterwards. */
  async place(id: string): Promise<boolean> {
    const to = this.groupDir(id);
    for (let attempt = 0; ; attempt++) {
      try {
        await rename(this.stagedDir(id), to);
        return true;
      } catch (err) {
        if (errno(err) !== 'ENOENT') throw err;
        // Either already placed (a publish replayed after a crash), or .parts is not there yet.
        if (await stat(to).then(() => true, () => false)) return true;
        if (attempt > 0 || !(await stat(this.stagedDir(id)).then(() => true, () => false))) return false;
        await mkdir(this.dir, { recursive: true });
      }
    }
  }

  async discardStaged(id: string): Promise<void> {
    await rm(this.stagedDir(id), { recursive: true, force: true });
  }

  /**
   * The bytes start..end (inclusive) of the group whose parts have these sizes, or undefined when
   * the group is being removed or is gone (its object was replaced after the caller read the
   * sidecar: read the key again). The stream holds the group until it ends or is destroyed.
   */
  async read(id: string, sizes: number[], start: number, end: number): Promise<Readable | undefined> {
    const dir = this.groupDir(id);
    let hold = this.holds.get(id);
    if (hold?.doomed) return undefined;
    if (!hold) this.holds.set(id, (hold = { readers: 0, doomed: false }));
    hold.readers++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.release(id);
    };
    try {
      let index = 0;
      let offset = start;
      while (index < sizes.length - 1 && offset >= sizes[index]!) offset -= sizes[index++]!;
      // Opened now, so that a group removed meanwhile is noticed before anything is served.
      const first = openSync(join(dir, String(index + 1)), 'r');
      return new FileRunStream(groupPaths(dir, sizes.length), sizes, index, offset, first, Math.max(0, end - start + 1), release);
    } catch (err) {
      release();
      if (errno(err) === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** The group's object was replaced or deleted: remove the group now, or after its last reader. */
  async doom(id: string): Promise<void> {
    const hold = this.holds.get(id);
    if (hold && hold.readers > 0) {
      hold.doomed = true;
      return;
    }
    await this.remove(id);
  }

  private release(id: string): void {
    const hold = this.holds.get(id);
    if (!hold) return;
    hold.readers--;
    if (hold.readers > 0) return;
    if (hold.doomed) this.remove(id).catch(() => undefined);
    else this.holds.delete(id);
  }

  private async remove(id: string): Promise<void> {
    // Until the directory is gone, readers that still come (with an old sidecar) look again.
    this.holds.set(id, { readers: 0, doomed: true });
    try {
      await rm(this.groupDir(id), { recursive: true, force: true });
    } finally {
      this.holds.delete(id);
    }
  }

  /** Removes placed groups that `isReferenced` says no object names any more. */
  async sweep(isReferenced: (id: string, owner: GroupOwner) => Promise<boolean>): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if (errno(err) === 'ENOENT') return 0;
      throw err;
    }
    let removed = 0;
    for (const id of names) {
      if (!ID_RE.test(id) || this.moving.has(id) || this.holds.has(id)) continue;
      const owner = await readFile(join(this.dir, id, OWNER_FILE), 'utf8')
        .then((text) => JSON.parse(text) as GroupOwner, () => undefined);
      if (owner && typeof owner.bucket === 'string' && typeof owner.key === 'string'
        && await isReferenced(id, owner).catch(() => false)) continue;
      await rm(join(this.dir, id), { recursive: true, force: true });
      removed++;
    }
    return removed;
  }
}
