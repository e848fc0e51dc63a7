/**
 * Reads cwltool 3.1's stderr (run with --disable-color) into task events. The lines it writes
 * (seen from cwltool 3.1.20230209 here):
 *   INFO [workflow ] start
 *   INFO [step count_lines] start
 *   INFO [job count_lines] /tmp/…/o6i5ss0ks$ wc \        ← the job starts; its command follows
 *       -l \                                             ← continuation lines, then the tool's own
 *       /tmp/…/a.txt > /tmp/…/count.txt                     stdout/stderr when it has no `stdout:`
 *   INFO [job count_lines] completed success             ← or WARNING … completed permanentFail
 *   INFO [job count_lines_2] …                           ← the next scatter shard: its own task
 *   WARNING [job boom] exited with status: 3
 *   ERROR Workflow error, try again with --debug …       ← followed by indented detail lines
 * cwltool runs jobs one at a time (no --parallel), so an unprefixed line belongs to the job that
 * is running.
 */
import type { EngineRunListener, EngineTaskStatus } from './engine.ts';
import { jobResources, type PackedWorkflow } from './cwl-packed.ts';

const LEVEL = /^(INFO|WARNING|ERROR|DEBUG|CRITICAL) (.*)$/;
const SUBJECT = /^\[(job|step|workflow) ?([^\]]*)\] ?(.*)$/;

interface Job { status: EngineTaskStatus; reason?: string }

export class CwltoolLog {
  private readonly jobs = new Map<string, Job>();
  private current: string | undefined;
  private error: string[] | undefined;
  private inError = false;

  constructor(
    private readonly packed: PackedWorkflow,
    private readonly listener: EngineRunListener,
    private readonly now: () => Date,
  ) {}

  line(text: string): void {
    this.listener.engineLog(text);
    const level = LEVEL.exec(text);
    if (level === null) {
      if (this.inError && this.error !== undefined && this.error.length < 500) this.error.push(text.trim());
      if (this.current !== undefined) this.listener.taskLog(this.current, text);
      return;
    }
    this.inError = false;
    const [, severity, message] = level as unknown as [string, string, string];
    const subject = SUBJECT.exec(message);
    if (subject === null) {
      if (severity === 'ERROR' && this.error === undefined) { this.error = [message.trim()]; this.inError = true; }
      return;
    }
    const [, kind, name, rest] = subject as unknown as [string, string, string, string];
    if (kind !== 'job') return;
    let job = this.jobs.get(name);
    if (job === undefined) {
      job = { status: 'RUNNING' };
      this.jobs.set(name, job);
      this.emit(name, 'PENDING');
      this.emit(name, 'RUNNING');
      this.current = name;
    }
    this.listener.taskLog(name, text);
    const exited = /^exited with status: (.*)$/.exec(rest);
    if (exited !== null) job.reason = `exited with status: ${exited[1]}`;
    const completed = /^completed (\S+)$/.exec(rest);
    if (completed !== null && job.status === 'RUNNING') {
      const ok = completed[1] === 'success';
      job.status = ok ? 'COMPLETED' : 'FAILED';
      if (!ok) job.reason ??= `completed ${completed[1]}`;
      this.emit(name, job.status, ok ? undefined : job.reason);
      if (this.current === name) this.current = undefined;
    }
  }

  /** Marks every job still running as CANCELLED (the run was cancelled). */
  cancelRunning(): void {
    for (const [name, job] of this.jobs) {
      if (job.status === 'RUNNING') { job.status = 'CANCELLED'; this.emit(name, 'CANCELLED'); }
    }
    this.current = undefined;
  }

  /** Jobs still running when cwltool ended without completing them failed with it. */
  failRunning(reason: string): void {
    for (const [name, job] of this.jobs) {
      if (job.status === 'RUNNING') { job.status = 'FAILED'; job.reason = reason; this.emit(name, 'FAILED', reason); }
    }
  }

  /** Why the run failed, in cwltool's words: the first failed task, else its first error. */
  failureReason(): string | undefined {
    for (const [name, job] of this.jobs) if (job.status === 'FAILED') return `Task ${name} failed: ${job.reason ?? 'unknown reason'}`;
    if (this.error === undefined) return undefined;
    // An unexpected exception: its message and the exception line at the end of the traceback.
    if (this.error.includes('Traceback (most recent call last):')) {
      const exception = [...this.error].reverse().find((l) => /^[A-Za-z_][\w.]*(Error|Exception|Exit)\b.*:/.test(l));
      return [this.error[0], exception].filter((l) => l !== undefined).join(': ').replace(/\s+/g, ' ').trim();
    }
    return this.error.slice(0, 20).join(' ').replace(/\s+/g, ' ').trim();
  }

  private emit(name: string, status: EngineTaskStatus, failureReason?: string): void {
    const r = jobResources(this.packed, name);
    this.listener.task({
      name, status, time: this.now(), cpus: r.cpus, memoryGiB: r.memoryGiB,
      ...(r.image === undefined ? {} : { image: r.image }),
      ...(failureReason === undefined ? {} : { failureReason }),
    });
  }
}
