/**
 * Ending a worker thread that holds files of the data directory (a database connection): it is
 * asked to close them and end, and the caller can await its exit, after which nothing of the
 * thread touches those files (a data directory can then be removed). Workers run unref'd; while
 * ending they hold the event loop, or the process could exit before the awaited exit.
 */
import type { Worker } from 'node:worker_threads';

/** How long a worker may take to end on its own before it is terminated. */
const GRACE_MS = 5000;

/** The worker's exit, however it comes; take it right after starting the worker. */
export function exitOf(worker: Worker): Promise<void> {
  return new Promise((resolve) => worker.once('exit', () => resolve()));
}

/** Posts `closeMessage` and returns `exited` (exitOf); a worker stuck closing (a checkpoint
 * waiting on the disk) is terminated after the grace period, so no shutdown hangs on it. */
export function endWorker(worker: Worker, closeMessage: unknown, exited: Promise<void>): Promise<void> {
  worker.ref();
  worker.postMessage(closeMessage);
  setTimeout(() => void worker.terminate(), GRACE_MS).unref();
  return exited;
}
