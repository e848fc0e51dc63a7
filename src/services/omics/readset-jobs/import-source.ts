/**
 * Opening an import job's source file: a GetObject of the job's role (recorded as the role's
 * S3 data event), streamed. A missing object or a refused read is the item's failure, named
 * after the file.
 */
import type { Readable } from 'node:stream';
import { isAwsError } from '../../../core/aws-error.ts';
import type { RoleScopedObjects } from '../../shared/role-scoped-objects.ts';
import { parseS3Uri } from '../../healthlake/jobs/s3-uri.ts';

/** An item failure whose message is the statusMessage as it stands. */
export class ItemFailure extends Error {}

export interface OpenedSource {
  body: Readable;
  size: number;
}

export async function openSource(objects: RoleScopedObjects | undefined, label: string, uri: string): Promise<OpenedSource> {
  if (!objects) throw new ItemFailure(`${label} ${uri}: the job has no role to read it with.`);
  const { bucket, prefix: key } = parseS3Uri(uri);
  let obj;
  try {
    obj = await objects.get(bucket, key);
  } catch (e) {
    if (isAwsError(e)) throw new ItemFailure(`${label} ${uri}: ${e.code}: ${e.message}`);
    throw e;
  }
  if (!obj) throw new ItemFailure(`${label} ${uri}: the object does not exist.`);
  return { body: obj.body, size: obj.info.size };
}
