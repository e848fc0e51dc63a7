/**
 * CloudTrail category of HealthOmics calls. The three operations that move read-set and
 * reference bytes (GetReadSet, GetReference, UploadReadSetPart) are data events, as AWS logs the
 * object-level calls of a storage service (S3 GetObject/UploadPart): recorded and delivered to
 * trails that select them (advanced event selectors, eventCategory Data, resources.type
 * AWS::Omics::ReadSet / AWS::Omics::Reference), never shown in Event history. Everything else,
 * CompleteMultipartReadSetUpload included (it creates the read set), is a management event.
 * The README says so ("HealthOmics" section).
 */
const DATA_EVENTS = new Set(['GetReadSet', 'GetReference', 'UploadReadSetPart']);

export function omicsEventCategory(operation: string): 'Management' | 'Data' {
  return DATA_EVENTS.has(operation) ? 'Data' : 'Management';
}
