/**
 * Read-set activation (StartReadSetActivationJob): ARCHIVED → ACTIVATING when the job is
 * started (so GetReadSetMetadata shows it at once, as on AWS), → ACTIVE when its item runs.
 * Archiving here changes the read set's status, not where its bytes are (there is no colder
 * tier to move them to): activation checks every stored file is there before the read set is
 * ACTIVE again, and restarts its archive clock. A read set that is not ACTIVATING when its
 * item runs (already ACTIVE, deleted) fails the item saying what it is.
 */
import type { ItemContext, ItemOutcome } from './job-runner.ts';
import type { ReadSetJobsDeps } from './readset-jobs-deps.ts';

export function activationItem(d: ReadSetJobsDeps) {
  return async (ctx: ItemContext): Promise<ItemOutcome> => {
    const { job, item } = ctx;
    const id = item.source.readSetId as string;
    const rs = d.readSets.get(job.accountId, job.region, job.storeId, id);
    if (!rs || rs.status === 'DELETING' || rs.status === 'DELETED') return { ok: false, message: `Read set ${id} does not exist.` };
    if (rs.status !== 'ACTIVATING') return { ok: false, message: `Read set ${id} is ${rs.status}; only ARCHIVED read sets are activated.` };
    for (const [name, file] of Object.entries(rs.files)) {
      if (!file || !(await d.omics.files.head(file.key))) {
        return { ok: false, message: `Read set ${id}: its ${name} file is missing from the store; it cannot be activated.` };
      }
    }
    return {
      ok: true,
      commit: () => {
        const now = d.omics.clock.now().getTime();
        d.readSets.setStatus(id, 'ACTIVE', undefined, now);
        d.readSets.touch(id, now);
      },
    };
  };
}
