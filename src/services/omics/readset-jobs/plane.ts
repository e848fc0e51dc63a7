/**
 * The read-set jobs plane of HealthOmics (issue 18 item 4): import, export and activation jobs
 * of sequence stores (their nine operations) and the archive clock, on the sequence store
 * plane's repositories and the one Omics job worker.
 */
import type { Params } from '../../../wire/types.ts';
import { sequenceStoreArn } from '../arns.ts';
import type { OmicsDeps } from '../deps.ts';
import type { OmicsPlane } from '../plane.ts';
import { ReadSetRepo } from '../sequence-stores/read-set-repo.ts';
import { SequenceStoreRepo } from '../sequence-stores/store-repo.ts';
import { activationItem } from './activation-runner.ts';
import { archiveClock } from './archive-clock.ts';
import { exportItem } from './export-runner.ts';
import { readSetJobHandlers } from './handlers.ts';
import { abandonImportItem, importItem } from './import-runner.ts';
import { readSetJobKind } from './job-runner.ts';
import { ReadSetJobStore } from './job-store.ts';
import type { ReadSetJobsDeps } from './readset-jobs-deps.ts';
import { storageId } from '../arns.ts';

const OPERATIONS = new Set([
  'StartReadSetImportJob', 'GetReadSetImportJob', 'ListReadSetImportJobs',
  'StartReadSetExportJob', 'GetReadSetExportJob', 'ListReadSetExportJobs',
  'StartReadSetActivationJob', 'GetReadSetActivationJob', 'ListReadSetActivationJobs',
]);

export function createReadSetJobsPlane(omics: OmicsDeps): OmicsPlane {
  const d: ReadSetJobsDeps = {
    omics, stores: new SequenceStoreRepo(omics.db), readSets: new ReadSetRepo(omics.db), jobs: new ReadSetJobStore(omics.db),
  };
  omics.jobs.register(readSetJobKind(omics, d.jobs, {
    name: 'ReadSetImport', kind: 'IMPORT', runItem: importItem(d), abandonItem: abandonImportItem(d),
    sessionName: (job) => `HealthOmics-ReadSetImport-${job.jobId}`,
    // The read set's id is chosen once: an interrupted item clears and reuses its folder.
    prepareItem: (_job, item) => item.readSetId ?? storageId(omics.ids),
  }));
  omics.jobs.register(readSetJobKind(omics, d.jobs, {
    name: 'ReadSetExport', kind: 'EXPORT', runItem: exportItem(d), sessionName: (job) => `HealthOmics-ReadSetExport-${job.jobId}`,
  }));
  omics.jobs.register(readSetJobKind(omics, d.jobs, {
    name: 'ReadSetActivation', kind: 'ACTIVATION', runItem: activationItem(d), sessionName: (job) => `HealthOmics-ReadSetActivation-${job.jobId}`,
  }));
  omics.jobs.register(archiveClock(d));
  return {
    handlers: readSetJobHandlers(d),
    resourceArns: (ctx, operation, input) => (OPERATIONS.has(operation)
      ? [sequenceStoreArn(ctx.region, ctx.accountId, input.sequenceStoreId as string)]
      : undefined),
    passedRole: (operation: string, input: Params) => (operation === 'StartReadSetImportJob' || operation === 'StartReadSetExportJob'
      ? input.roleArn as string | undefined
      : undefined),
  };
}
