/**
 * Waiting for a HealthLake import or export job (--wait): Describe polled until the job ends,
 * its progress on stderr, and the exit code its end state means.
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

/** Polls `describe` (every 250 ms at first, slowing to 2 s) until the job reaches an end state. */
export async function waitForJob<T extends JobState>(describe: () => Promise<T>, progress: Progress, show: (job: T) => { value: number; text: string }): Promise<T> {
  let delay = 250;
  try {
    for (;;) {
      const job = await describe();
      const { value, text } = show(job);
      progress.update(value, text);
      if (TERMINAL_STATUSES.has(job.JobStatus ?? '')) return job;
      await sleep(delay);
      delay = Math.min(2000, Math.round(delay * 1.5));
    }
  } finally {
    progress.stop();
  }
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
