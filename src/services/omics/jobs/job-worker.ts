/**
 * The one background worker of HealthOmics: planes register kinds of job (reference imports,
 * read-set imports, exports, activations, workflow runs...) and the worker runs each kind's
 * runnable jobs, up to the kind's concurrency, polling the database (the only state) and woken
 * early when a Start* call queues one. A job found IN_PROGRESS at start-up (the server stopped
 * mid-job) is the kind's to resume or fail with a message saying so: `runnable` lists it again.
 * On close, running jobs see their signal aborted and are awaited. A job whose run throws (an
 * internal failure, not an end state it recorded) is tried again only after a backoff that
 * doubles from 1 s to 60 s, so a persistent fault does not spin at the poll rate.
 */
import type { Logger } from 'pino';

export interface OmicsJobKind {
  /** For logs: 'ReferenceImport', 'ReadSetImport', 'Run'... */
  name: string;
  /** Ids of the jobs ready to run, oldest first. */
  runnable(): string[];
  /** Runs one job to an end state it records itself; a throw is logged and the job retried at
   * the next poll only if `runnable` lists it again. */
  run(jobId: string, signal: AbortSignal): Promise<void>;
  /** How many of this kind run at once (default 1). */
  concurrency?: number;
}

const POLL_MS = 250;
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 60_000;

export class OmicsJobWorker {
  private readonly kinds: OmicsJobKind[] = [];
  private readonly running = new Map<string, Promise<void>>();
  /** Jobs whose run threw: when they may run again, and how many times they have thrown. */
  private readonly backoff = new Map<string, { until: number; failures: number }>();
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private started = false;

  constructor(private readonly log: Logger, private readonly pollMs = POLL_MS) {}

  register(kind: OmicsJobKind): void {
    this.kinds.push(kind);
  }

  start(): void {
    this.started = true;
    this.schedule(0);
  }

  /** Runs a poll soon (a Start* call has queued a job). */
  wake(): void {
    if (this.started && !this.abort.signal.aborted) this.schedule(0);
  }

  async close(): Promise<void> {
    this.abort.abort();
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.running.values()]);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.poll(), ms);
  }

  private poll(): void {
    if (this.abort.signal.aborted) return;
    for (const kind of this.kinds) {
      let ids: string[];
      try {
        ids = kind.runnable();
      } catch (err) {
        this.log.error({ err, kind: kind.name }, 'listing runnable Omics jobs failed');
        continue;
      }
      const limit = kind.concurrency ?? 1;
      let active = [...this.running.keys()].filter((k) => k.startsWith(`${kind.name}:`)).length;
      for (const id of ids) {
        if (active >= limit) break;
        const key = `${kind.name}:${id}`;
        if (this.running.has(key)) continue;
        const waiting = this.backoff.get(key);
        if (waiting && waiting.until > Date.now()) continue;
        active++;
        const run = kind.run(id, this.abort.signal)
          .then(() => { this.backoff.delete(key); })
          .catch((err: unknown) => {
            const failures = (waiting?.failures ?? 0) + 1;
            const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (failures - 1));
            this.backoff.set(key, { until: Date.now() + delay, failures });
            this.log.error({ err, kind: kind.name, jobId: id, retryInMs: delay }, 'an Omics job ended with an error');
          })
          .finally(() => {
            this.running.delete(key);
            this.wake();
          });
        this.running.set(key, run);
      }
    }
    this.schedule(this.pollMs);
  }
}
