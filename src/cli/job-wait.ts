/**
 * Waiting (--wait): a Describe/Get polled until the job or run ends, its progress on stderr, and
 * the exit code a HealthLake job's end state means.
 */
import { CliError, EXIT } from './exit-codes.ts';
import type { Progress } from './progress.ts';

export const TERMINAL_STATUSES = new Set(['COMPLETED', 'COMPLETED_WITH_ERRORS', 'FAILED', 'CANCEL_COMPLETED', 'CANCEL_FAILED']);

export interface JobState {
  JobId?: string;
  JobStatus?: string;
  Message?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `describe` (every 250 ms at first, slowing to 2 s) until `done` says the state is final,
 * showing each state on `progress`. Every --wait of the command line polls through this.
 */
export async function pollUntil<T>(describe: () => Promise<T>, done: (state: T) => boolean, progress: Progress,
  show: (state: T) => { value: number; text: string }): Promise<T> {
  let delay = 250;
  try {
    for (;;) {
      const state = await describe();
      const { value, text } = show(state);
      progress.update(value, text);
      if (done(state)) return state;
      await sleep(delay);
      delay = Math.min(2000, Math.round(delay * 1.5));
    }
  } finally {
    progress.stop();
  }
}

/** A HealthLake job polled until it reaches an end state. */
export function waitForJob<T extends JobState>(describe: () => Promise<T>, progress: Progress, show: (job: T) => { value: number; text: string }): Promise<T> {
  return pollUntil(describe, (job) => TERMINAL_STATUSES.has(job.JobStatus ?? ''), progress, show);
}

/**
 * After the job's properties are printed: FAILED and cancelled jobs exit 1 with their message;
 * COMPLETED_WITH_ERRORS exits 0 with a note (the failed resources are listed in FAILURE/).
 */
export function settleJob(kind: 'import' | 'export', job: JobState): void {
  const status = job.JobStatus ?? '';
  if (status === 'FAILED' || status.startsWith('CANCEL_')) {
    throw new CliError(`${status}: ${kind} job ${job.JobId}${job.Message ? `: ${job.Message}` : ''}`, EXIT.failed);
  }
  if (status === 'COMPLETED_WITH_ERRORS') {
    process.stderr.write(`healthtrail: ${kind} job ${job.JobId} completed with errors; the failed resources are in the FAILURE/ folder of its output.\n`);
  }
}
