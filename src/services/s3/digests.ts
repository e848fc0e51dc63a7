/**
 * The digests an upload body needs (MD5 for the ETag and Content-MD5, SHA-256 for a signed
 * payload, an x-amz-checksum-*), each computed once, in one pass over the bytes.
 *
 * Large bodies are hashed on worker threads, not on the event loop: MD5, SHA-256 and CRC32 of a
 * 1 GiB upload cost over 2 s of CPU, which on the event loop would serialize every concurrent
 * upload behind one core. The bytes are copied into 1 MiB batches that are transferred to a
 * worker (not cloned) and transferred back for reuse; a body keeps at most a few batches in
 * flight, so a slow worker slows its upload down instead of buffering it. One body stays on one
 * worker, which keeps its batches in order.
 */
import { createHash, type Hash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { crc32 } from 'node:zlib';

export type DigestAlgorithm = 'md5' | 'sha1' | 'sha256' | 'sha512' | 'crc32';

export interface Digester {
  /** Takes the chunk's bytes (they may be reused once this returns). A promise when the caller
   * should wait for it before passing more (too much is waiting to be hashed). */
  update(chunk: Buffer): Promise<void> | undefined;
  /** Every digest (CRC32 as 4 big-endian bytes), once all the bytes passed are hashed. */
  digests(): Promise<Map<DigestAlgorithm, Buffer>>;
  /** Drops the work (the body failed). */
  abort(): void;
}

/** Bodies from this size on are hashed on worker threads. */
export const WORKER_THRESHOLD_BYTES = 1 << 20;
const BATCH_BYTES = 1 << 20;
/** Batches of one body in flight to its worker before its reader waits. */
const MAX_IN_FLIGHT = 4;
/** Batches kept for reuse across bodies. */
const MAX_FREE_BATCHES = 32;

/** The hashes for `algorithms`; on worker threads when the body is large enough. */
export function startDigests(algorithms: DigestAlgorithm[], expectedSize: number): Digester {
  if (algorithms.length === 0) return new InlineDigester([]);
  if (expectedSize < WORKER_THRESHOLD_BYTES) return new InlineDigester(algorithms);
  return pool().start(algorithms);
}

function crc32Bytes(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out;
}

/** On the calling thread, for small bodies (a worker round trip would cost more). */
class InlineDigester implements Digester {
  private readonly hashes: Array<[DigestAlgorithm, Hash]> = [];
  private crc: number | undefined;

  constructor(algorithms: DigestAlgorithm[]) {
    for (const a of algorithms) {
      if (a === 'crc32') this.crc = 0;
      else this.hashes.push([a, createHash(a)]);
    }
  }

  update(chunk: Buffer): undefined {
    for (const [, hash] of this.hashes) hash.update(chunk);
    if (this.crc !== undefined) this.crc = crc32(chunk, this.crc);
    return undefined;
  }

  async digests(): Promise<Map<DigestAlgorithm, Buffer>> {
    const out = new Map<DigestAlgorithm, Buffer>(this.hashes.map(([a, hash]) => [a, hash.digest()]));
    if (this.crc !== undefined) out.set('crc32', crc32Bytes(this.crc));
    return out;
  }

  abort(): void {}
}

/** The worker's side: hash batches per job, hand each batch back, answer the digests. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { crc32 } = require('node:zlib');
const jobs = new Map();
parentPort.on('message', (m) => {
  if (m.t === 'start') {
    jobs.set(m.id, { hashes: m.algorithms.filter((a) => a !== 'crc32').map((a) => [a, createHash(a)]),
      crc: m.algorithms.includes('crc32') ? 0 : undefined });
  } else if (m.t === 'data') {
    const job = jobs.get(m.id);
    if (job) {
      const bytes = new Uint8Array(m.batch, 0, m.length);
      for (const [, hash] of job.hashes) hash.update(bytes);
      if (job.crc !== undefined) job.crc = crc32(bytes, job.crc);
    }
    parentPort.postMessage({ t: 'batch', id: m.id, batch: m.batch }, [m.batch]);
  } else if (m.t === 'end') {
    const job = jobs.get(m.id);
    jobs.delete(m.id);
    const out = {};
    if (job) {
      for (const [a, hash] of job.hashes) out[a] = hash.digest();
      if (job.crc !== undefined) { const b = Buffer.alloc(4); b.writeUInt32BE(job.crc >>> 0); out.crc32 = b; }
    }
    parentPort.postMessage({ t: 'digests', id: m.id, out });
  } else if (m.t === 'abort') {
    jobs.delete(m.id);
  }
});
`;

type FromWorker =
  | { t: 'batch'; id: number; batch: ArrayBuffer }
  | { t: 'digests'; id: number; out: Record<string, Uint8Array> };

class PooledDigester implements Digester {
  private batch: ArrayBuffer | undefined;
  private filled = 0;
  private inFlight = 0;
  private waiting: { resolve: () => void; reject: (err: Error) => void } | undefined;
  private result: { resolve: (d: Map<DigestAlgorithm, Buffer>) => void; reject: (err: Error) => void } | undefined;
  private failure: Error | undefined;
  private ended = false;

  constructor(readonly id: number, private readonly thread: DigestThread, private readonly owner: DigestPool) {}

  update(chunk: Buffer): Promise<void> | undefined {
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.reject(new Error('digest updated after its end'));
    for (let at = 0; at < chunk.length;) {
      this.batch ??= this.owner.takeBatch();
      const n = Math.min(chunk.length - at, BATCH_BYTES - this.filled);
      new Uint8Array(this.batch, this.filled, n).set(chunk.subarray(at, at + n));
      this.filled += n;
      at += n;
      if (this.filled === BATCH_BYTES) this.send();
    }
    if (this.inFlight < MAX_IN_FLIGHT) return undefined;
    return new Promise((resolve, reject) => { this.waiting = { resolve, reject }; });
  }

  private send(): void {
    const batch = this.batch!;
    this.batch = undefined;
    this.inFlight++;
    this.thread.worker.postMessage({ t: 'data', id: this.id, batch, length: this.filled }, [batch]);
    this.filled = 0;
  }

  digests(): Promise<Map<DigestAlgorithm, Buffer>> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.reject(new Error('digests asked for twice'));
    this.ended = true;
    if (this.filled > 0) this.send();
    else if (this.batch) this.owner.returnBatch(this.batch);
    this.batch = undefined;
    return new Promise((resolve, reject) => {
      this.result = { resolve, reject };
      this.thread.worker.postMessage({ t: 'end', id: this.id });
    });
  }

  abort(): void {
    // Once the digests are asked for, the worker answers and the job ends by itself.
    if (this.failure || this.ended) return;
    this.fail(new Error('digest aborted'));
    this.thread.worker.postMessage({ t: 'abort', id: this.id });
  }

  /** A batch came back hashed. */
  batchDone(): void {
    this.inFlight--;
    const waiting = this.waiting;
    if (waiting && this.inFlight < MAX_IN_FLIGHT) {
      this.waiting = undefined;
      waiting.resolve();
    }
  }

  private detach(): void {
    if (this.thread.jobs.delete(this.id) && this.thread.jobs.size === 0) this.thread.worker.unref();
  }

  finished(out: Record<string, Uint8Array>): void {
    this.detach();
    const digests = new Map<DigestAlgorithm, Buffer>();
    for (const [a, bytes] of Object.entries(out)) digests.set(a as DigestAlgorithm, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    this.result?.resolve(digests);
  }

  fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.detach();
    this.waiting?.reject(err);
    this.result?.reject(err);
    this.waiting = undefined;
    this.result = undefined;
    if (this.batch) this.owner.returnBatch(this.batch);
    this.batch = undefined;
  }
}

interface DigestThread {
  worker: Worker;
  jobs: Map<number, PooledDigester>;
}

class DigestPool {
  private readonly threads: Array<DigestThread | undefined>;
  private readonly free: ArrayBuffer[] = [];
  private nextId = 1;

  constructor(size: number) {
    this.threads = new Array<DigestThread | undefined>(size).fill(undefined);
  }

  start(algorithms: DigestAlgorithm[]): Digester {
    // The thread with the fewest bodies under way (started when first needed).
    let best = 0;
    let bestLoad = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.threads.length; i++) {
      const load = this.threads[i]?.jobs.size ?? 0;
      if (load < bestLoad) [best, bestLoad] = [i, load];
    }
    const thread = this.threads[best] ??= this.spawn(best);
    const job = new PooledDigester(this.nextId++, thread, this);
    if (thread.jobs.size === 0) thread.worker.ref();
    thread.jobs.set(job.id, job);
    thread.worker.postMessage({ t: 'start', id: job.id, algorithms });
    return job;
  }

  takeBatch(): ArrayBuffer {
    return this.free.pop() ?? new ArrayBuffer(BATCH_BYTES);
  }

  returnBatch(batch: ArrayBuffer): void {
    if (this.free.length < MAX_FREE_BATCHES && batch.byteLength === BATCH_BYTES) this.free.push(batch);
  }

  private spawn(index: number): DigestThread {
    // No inherited --import loaders: the worker is plain JavaScript.
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [] });
    const thread: DigestThread = { worker, jobs: new Map() };
    worker.on('message', (m: FromWorker) => {
      const job = thread.jobs.get(m.id);
      if (m.t === 'batch') {
        this.returnBatch(m.batch);
        job?.batchDone();
      } else {
        job?.finished(m.out);
      }
    });
    const lost = (err: Error) => {
      if (this.threads[index] === thread) this.threads[index] = undefined;
      for (const job of [...thread.jobs.values()]) job.fail(err);
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`digest worker exited with code ${code}`)));
    // Held only while it has bodies to hash (after the listeners: adding one refs it again).
    worker.unref();
    return thread;
  }
}

let shared: DigestPool | undefined;

function pool(): DigestPool {
  return (shared ??= new DigestPool(Math.max(1, Math.min(4, availableParallelism()))));
}
