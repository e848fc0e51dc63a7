/** `s3://bucket/prefix` locations of import input and job output, and the job folder names. */
export interface S3Location {
  bucket: string;
  /** Key prefix without a leading slash; '' for the whole bucket. */
  prefix: string;
}

export function parseS3Uri(uri: string): S3Location {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) throw new Error(`not an s3:// URI: ${uri}`);
  return { bucket: m[1]!, prefix: m[2]! };
}

/** A folder under a location: `prefix/name/` (no doubled slash). */
export function folderKey(loc: S3Location, name: string): string {
  const base = loc.prefix === '' || loc.prefix.endsWith('/') ? loc.prefix : `${loc.prefix}/`;
  return `${base}${name}/`;
}

export function s3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

export const importFolder = (datastoreId: string, jobId: string) => `${datastoreId}-FHIR_IMPORT-${jobId}`;
export const exportFolder = (datastoreId: string, jobId: string) => `${datastoreId}-FHIR_EXPORT-${jobId}`;
