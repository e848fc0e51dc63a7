/** Read sets in the model's output shapes (GetReadSetMetadata, ReadSetListItem). */
import type { Params } from '../../../wire/types.ts';
import type { ReadSet, ReadSetFileName } from './read-set-repo.ts';
import { totalParts } from './read-set-files.ts';
import { readSetFileS3Uri } from './store-s3-access.ts';
import type { SequenceStore } from './store-repo.ts';

export function readSetListItem(rs: ReadSet): Params {
  return {
    id: rs.id, arn: rs.arn, sequenceStoreId: rs.storeId, subjectId: rs.subjectId, sampleId: rs.sampleId, status: rs.status,
    name: rs.name, description: rs.description, referenceArn: rs.referenceArn, fileType: rs.fileType,
    sequenceInformation: rs.sequenceInformation, creationTime: new Date(rs.creationTime), statusMessage: rs.statusMessage,
    creationType: rs.creationType, etag: rs.etag,
  };
}

export function readSetMetadata(rs: ReadSet, store: SequenceStore): Params {
  const files: Params = {};
  for (const name of ['source1', 'source2', 'index'] as ReadSetFileName[]) {
    const f = rs.files[name];
    if (!f) continue;
    files[name] = {
      totalParts: totalParts(f), partSize: f.partSize, contentLength: f.contentLength,
      // Archived read sets are not reachable through their S3 URI (spec/omics.md §1.3).
      ...(rs.status === 'ACTIVE' ? { s3Access: { s3Uri: readSetFileS3Uri(store, rs, name) } } : {}),
    };
  }
  const { etag: _etag, ...item } = readSetListItem(rs);
  return { ...item, files, etag: rs.etag, creationJobId: rs.creationJobId };
}
