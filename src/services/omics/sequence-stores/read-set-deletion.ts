/**
 * The background half of BatchDeleteReadSet (job kind 'ReadSetDeletion'): a DELETING read set
 * loses its files, then its row. A server stopped in between finds it DELETING again and
 * finishes (deleting files that are already gone is no error).
 */
import type { OmicsDeps } from '../deps.ts';
import type { SequenceStorePlaneState } from './plane-state.ts';
import { readSetFolder } from './read-set-files.ts';

export function registerReadSetDeletion(deps: OmicsDeps, state: SequenceStorePlaneState): void {
  deps.jobs.register({
    name: 'ReadSetDeletion',
    runnable: () => state.readSets.idsInStatus('DELETING'),
    concurrency: 2,
    async run(readSetId) {
      const rs = state.readSets.byId(readSetId);
      if (!rs || rs.status !== 'DELETING') return;
      await deps.files.deleteFolder(readSetFolder(rs.storeId, rs.id));
      deps.db.transaction(() => {
        if (state.readSets.byId(readSetId)?.status === 'DELETING') state.readSets.remove(readSetId);
      });
    },
  });
}
