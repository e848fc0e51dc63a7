/**
 * Which PENDING runs may start now, highest priority first, then oldest: a run of a run group
 * waits while the group has maxRuns runs going, or its going runs' RUNNING tasks hold maxCpus
 * CPUs or maxGpus GPUs (a run's CPUs are known only from its tasks, so the CPU and GPU caps
 * admit a run while the group is under them). The server-wide limit
 * (HEALTHTRAIL_OMICS_RUN_CONCURRENCY) is the job worker's concurrency for runs.
 */
import type { RunGroupStore } from './run-group-store.ts';
import type { RunStore } from './run-store.ts';

export function runnableRuns(runs: RunStore, groups: RunGroupStore): string[] {
  const admitted: string[] = [];
  const added = new Map<string, number>();
  for (const run of runs.pending()) {
    if (run.run_group_id !== null) {
      const group = groups.get(run.account_id, run.run_group_id);
      if (group) {
        const key = `${run.account_id}/${group.id}`;
        const usage = runs.groupUsage(run.account_id, group.id);
        const more = added.get(key) ?? 0;
        if (group.max_runs !== null && usage.runs + more >= group.max_runs) continue;
        if (group.max_cpus !== null && usage.cpus >= group.max_cpus) continue;
        if (group.max_gpus !== null && usage.gpus >= group.max_gpus) continue;
        added.set(key, more + 1);
      }
    }
    admitted.push(run.uuid);
  }
  return admitted;
}
