/**
 * The archive clock: an ACTIVE read set not read (GetReadSet, export) for the archive period
 * moves to ARCHIVED (AWS: 30 days without access; config omicsArchiveAfterSeconds, so tests can
 * make it seconds). It runs on the one Omics job worker as a kind whose only "job" is the clock,
 * runnable whenever some read set is due, and archives the due ones in batches of a transaction
 * each. A status change only (activation-runner.ts says why).
 */
import type { OmicsJobKind } from '../jobs/job-worker.ts';
import type { ReadSetJobsDeps } from './readset-jobs-deps.ts';

const BATCH = 500;

export function archiveClock(d: ReadSetJobsDeps): OmicsJobKind {
  const cutoff = () => d.omics.clock.now().getTime() - d.omics.config.omicsArchiveAfterSeconds * 1000;
  return {
    name: 'ReadSetArchiveClock',
    runnable: () => (d.readSets.idleSince(cutoff(), 1).length > 0 ? ['archive'] : []),
    run: async (_id, signal) => {
      for (;;) {
        if (signal.aborted) return;
        const due = d.readSets.idleSince(cutoff(), BATCH);
        if (due.length === 0) return;
        await d.omics.db.batched(() => {
          const now = d.omics.clock.now().getTime();
          // Re-read inside the transaction: a GetReadSet since the query keeps it ACTIVE.
          for (const rs of d.readSets.idleSince(cutoff(), BATCH)) d.readSets.setStatus(rs.id, 'ARCHIVED', undefined, now);
        });
        if (due.length < BATCH) return;
      }
    },
  };
}
