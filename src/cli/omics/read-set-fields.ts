/** A read set's metadata as Field/Value rows. */
import type { FileInformation, GetReadSetMetadataCommandOutput } from '@aws-sdk/client-omics';

type Row = [string, string | number | Date | undefined];

function fileRows(label: string, f: FileInformation | undefined): Row[] {
  if (!f) return [];
  return [[`${label} bytes`, f.contentLength], [`${label} parts`, f.totalParts !== undefined ? `${f.totalParts} of ${f.partSize} bytes` : undefined]];
}

export function readSetFields(r: GetReadSetMetadataCommandOutput): Row[] {
  return [
    ['Read set ID', r.id], ['Name', r.name], ['Status', r.status], ['Status message', r.statusMessage], ['File type', r.fileType],
    ['Sequence store ID', r.sequenceStoreId], ['Subject ID', r.subjectId], ['Sample ID', r.sampleId], ['Created', r.creationTime],
    ['Creation type', r.creationType], ['Reference ARN', r.referenceArn],
    ['Reads', r.sequenceInformation?.totalReadCount], ['Bases', r.sequenceInformation?.totalBaseCount],
    ['ETag algorithm', r.etag?.algorithm], ['ETag SOURCE1', r.etag?.source1], ['ETag SOURCE2', r.etag?.source2],
    ...fileRows('SOURCE1', r.files?.source1), ...fileRows('SOURCE2', r.files?.source2), ...fileRows('INDEX', r.files?.index),
    ['ARN', r.arn],
  ];
}
