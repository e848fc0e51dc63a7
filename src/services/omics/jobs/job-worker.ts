/**
 * The one background worker of HealthOmics: planes register kinds of job (reference imports,
 * read-set imports, exports, activations, workflow runs...) and the worker runs each kind's
 * runnable jobs, up to the kind's concurrency, polling the database (the only state) and woken
 * early when a Start* call queues one. A job found IN_PROGRESS at start-up (the server stopped
 * mid-job) is the kind's to resume or fail with a message saying so: `runnable` lists it again.
 * On close, running jobs see their signal aborted and are awaited.
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

export class OmicsJobWorker {
  private readonly kinds: OmicsJobKind[] = [];
  private readonly running = new Map<string, Promise<void>>();
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
        active++;
        const run = kind.run(id, this.abort.signal)
          .catch((err: unknown) => this.log.error({ err, kind: kind.name, jobId: id }, 'an Omics job ended with an error'))
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
