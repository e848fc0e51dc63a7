/**
 * One item of a read-set export job: every stored file of the read set (SOURCE1, SOURCE2, INDEX)
 * streamed from the sequence store to `<destination>/<readSetId>/<file name>` (the names
 * GetReadSet's files have: source1.fastq.gz, source1.bam, index.bai...) with PutObject calls of
 * the job's role, each authorized and recorded as that role's S3 data event. AWS does not
 * document the exported layout; this one keeps read sets apart and says which file is which.
 * An ARCHIVED (or ACTIVATING) read set cannot be read: its item fails saying to activate it.
 */
import { isAwsError } from '../../../core/aws-error.ts';
import { parseS3Uri } from '../../healthlake/jobs/s3-uri.ts';
import { readSetFileName } from '../sequence-stores/read-set-files.ts';
import type { ReadSetFileName } from '../sequence-stores/read-set-repo.ts';
import type { ItemContext, ItemOutcome } from './job-runner.ts';
import type { ReadSetJobsDeps } from './readset-jobs-deps.ts';

const ORDER: ReadSetFileName[] = ['source1', 'source2', 'index'];

export function exportItem(d: ReadSetJobsDeps) {
  return async (ctx: ItemContext): Promise<ItemOutcome> => {
    const { job, item, objects } = ctx;
    const id = item.source.readSetId as string;
    const rs = d.readSets.get(job.accountId, job.region, job.storeId, id);
    if (!rs || rs.status === 'DELETING' || rs.status === 'DELETED') return { ok: false, message: `Read set ${id} does not exist.` };
    if (rs.status !== 'ACTIVE') {
      return { ok: false, message: `Read set ${id} is ${rs.status}; activate it (StartReadSetActivationJob) before exporting.` };
    }
    if (!objects) return { ok: false, message: 'The job has no role to write with.' };
    const dest = parseS3Uri(job.destination!);
    const base = dest.prefix === '' || dest.prefix.endsWith('/') ? dest.prefix : `${dest.prefix}/`;
    for (const name of ORDER) {
      const file = rs.files[name];
      if (!file) continue;
      const stored = await d.omics.files.get(file.key);
      if (!stored) return { ok: false, message: `Read set ${id}: its ${name} file is missing from the store.` };
      const key = `${base}${id}/${readSetFileName(name, rs.fileType)}`;
      try {
        await objects.put(dest.bucket, key, stored.body, contentType(name, rs.fileType));
      } catch (e) {
        stored.body.destroy();
        if (isAwsError(e)) return { ok: false, message: `Writing s3://${dest.bucket}/${key}: ${e.code}: ${e.message}` };
        throw e;
      }
    }
    // An export reads the read set: its archive clock starts again.
    return { ok: true, commit: () => d.readSets.touch(id, d.omics.clock.now().getTime()) };
  };
}

function contentType(file: ReadSetFileName, fileType: string): string {
  if (file === 'index') return 'application/octet-stream';
  return fileType === 'FASTQ' ? 'application/gzip' : 'application/octet-stream';
}
