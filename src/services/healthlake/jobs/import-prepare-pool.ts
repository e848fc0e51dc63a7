/**
 * The import's worker threads: they run the pure part of each line (import-prepare.ts: JSON
 * parse, validation, index rows, stored JSON) so the job's thread only writes. Batches go to
 * the least busy worker, so while the job's thread commits batch N the workers prepare the next
 * ones. A worker that fails (or cannot start) is dropped and its batches are prepared inline,
 * with the same function: a slower import, never a different result.
 *
 * One pool serves the process: it starts with the first import and stops once no import has
 * used it for a while, so queued jobs do not each pay for loading the R4 definitions.
 */
import { Worker } from 'node:worker_threads';
import type { ValidationLevel } from '../fhir/validation.ts';
import { prepareLines, resolveKeyNames, type InputLine, type PreparedLine } from './import-prepare.ts';
import type { PrepareRequest } from './import-prepare-worker.ts';

const THREAD_URL = new URL('./import-prepare-thread.mjs', import.meta.url);
const IDLE_MS = 30_000;

interface Pending {
  request: PrepareRequest;
  key: (name: string) => number;
  resolve(lines: PreparedLine[]): void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  dead: boolean;
  /** Its R4 definitions are loaded. */
  ready: boolean;
}

type Reply = { ready: true } | { seq: number; lines: PreparedLine[]; keyNames: string[] } | { seq: number; error: string };

export class PreparePool {
  private readonly slots: Slot[] = [];
  private seq = 0;
  /** Batches prepared by a worker thread and by the calling thread. */
  readonly batches = { thread: 0, inline: 0 };
  private readonly readyWaiters: (() => void)[] = [];

  constructor(size: number, private readonly onWorkerError: (err: unknown) => void = () => undefined) {
    for (let i = 0; i < size; i++) this.start();
  }

  private start(): void {
    let worker: Worker;
    try {
      worker = new Worker(THREAD_URL);
    } catch (err) {
      this.onWorkerError(err);
      return;
    }
    const slot: Slot = { worker, pending: new Map(), dead: false, ready: false };
    worker.unref();
    worker.on('message', (m: Reply) => {
      if ('ready' in m) {
        slot.ready = true;
        this.wakeReadyWaiters();
        return;
      }
      const p = slot.pending.get(m.seq);
      if (!p) return;
      slot.pending.delete(m.seq);
      if (slot.pending.size === 0) worker.unref();
      if ('lines' in m) {
        this.batches.thread++;
        resolveKeyNames(m.lines, m.keyNames, p.key);
        p.resolve(m.lines);
      } else {
        this.onWorkerError(new Error(m.error));
        p.resolve(this.inline(p.request));
      }
    });
    const lost = (err: unknown) => {
      if (slot.dead) return;
      slot.dead = true;
      if (err) this.onWorkerError(err);
      for (const p of slot.pending.values()) p.resolve(this.inline(p.request));
      slot.pending.clear();
      this.wakeReadyWaiters();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(code === 0 ? undefined : new Error(`import worker thread exited with code ${code}`)));
    this.slots.push(slot);
  }

  /** Resolves once a worker is ready or none is left. */
  whenReady(): Promise<void> {
    if (this.slots.every((s) => s.dead || s.ready)) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  private wakeReadyWaiters(): void {
    if (!this.slots.some((s) => !s.dead && s.ready) && this.slots.some((s) => !s.dead)) return;
    for (const w of this.readyWaiters.splice(0)) w();
  }

  private inline(r: PrepareRequest): PreparedLine[] {
    this.batches.inline++;
    return prepareLines(r.lines, r.level, r.now);
  }

  /** Some worker has loaded the definitions and takes batches. */
  get ready(): boolean {
    return this.slots.some((s) => !s.dead && s.ready);
  }

  /** Workers still running. */
  get size(): number {
    return this.slots.filter((s) => !s.dead).length;
  }

  /**
   * Prepared lines, in input order; never rejects (a failed worker's batch is prepared inline).
   * `key`: the writing database's integer for an index key name (rows come back resolved).
   */
  prepare(lines: InputLine[], level: ValidationLevel, now: number, key: (name: string) => number): Promise<PreparedLine[]> {
    const request: PrepareRequest = { seq: ++this.seq, lines, level, now };
    const live = this.slots.filter((s) => !s.dead);
    // Until a worker has loaded the definitions (about half a second) the job's thread has
    // nothing to commit: it prepares the first batches itself.
    if (!live.some((s) => s.ready)) return Promise.resolve(this.inline(request));
    const slot = live.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    return new Promise((resolve) => {
      slot.pending.set(request.seq, { request, key, resolve });
      slot.worker.ref(); // a batch in flight keeps the process alive
      try {
        slot.worker.postMessage(request);
      } catch (err) {
        slot.pending.delete(request.seq);
        this.onWorkerError(err);
        resolve(this.inline(request));
      }
    });
  }

  async close(): Promise<void> {
    for (const s of this.slots) s.dead = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

let shared: { pool: PreparePool; size: number; users: number; idle?: NodeJS.Timeout } | undefined;

/** The process's pool (started on first use); release() when the import ends. */
export function acquirePreparePool(size: number, onWorkerError: (err: unknown) => void): { pool: PreparePool | undefined; release(): void } {
  if (size <= 0) return { pool: undefined, release: () => undefined };
  if (shared && shared.size !== size) {
    if (shared.users === 0) { clearTimeout(shared.idle); void shared.pool.close(); shared = undefined; }
  }
  if (!shared) shared = { pool: new PreparePool(size, onWorkerError), size, users: 0 };
  const s = shared;
  s.users++;
  clearTimeout(s.idle);
  let released = false;
  return {
    pool: s.pool,
    release: () => {
      if (released) return;
      released = true;
      if (--s.users > 0) return;
      s.idle = setTimeout(() => {
        if (s.users > 0) return;
        if (shared === s) shared = undefined;
        void s.pool.close();
      }, IDLE_MS);
      s.idle.unref();
    },
  };
}
