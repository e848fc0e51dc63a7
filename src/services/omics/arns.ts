/**
 * HealthOmics identifiers and ARNs (spec/omics.md §3): storage-plane ids are 10-digit numeric
 * strings, workflow-plane ids 7-digit ones, analytics ids UUIDs; ARN resource words are camelCase
 * (`referenceStore/…/reference/…`, `sequenceStore/…/readSet/…`, `runGroup/…`), unlike the
 * lower-case URL words.
 */
import type { IdSource } from '../../core/clock.ts';

export const OMICS_SERVICE_PRINCIPAL = 'omics.amazonaws.com';

/** The resource types an Omics ARN names, as IAM's service-authorization reference lists them. */
export type OmicsResourceType =
  | 'referenceStore' | 'reference' | 'sequenceStore' | 'readSet' | 'variantStore' | 'annotationStore'
  | 'annotationStoreVersion' | 'workflow' | 'workflowVersion' | 'run' | 'runGroup' | 'runCache' | 'runBatch'
  | 'configuration' | 'task' | 'share';

/** CloudTrail resources[].type of each resource type. */
export const CLOUDTRAIL_RESOURCE_TYPE: Record<OmicsResourceType, string> = {
  referenceStore: 'AWS::Omics::ReferenceStore', reference: 'AWS::Omics::Reference',
  sequenceStore: 'AWS::Omics::SequenceStore', readSet: 'AWS::Omics::ReadSet',
  variantStore: 'AWS::Omics::VariantStore', annotationStore: 'AWS::Omics::AnnotationStore',
  annotationStoreVersion: 'AWS::Omics::AnnotationStoreVersion', workflow: 'AWS::Omics::Workflow',
  workflowVersion: 'AWS::Omics::WorkflowVersion', run: 'AWS::Omics::Run', runGroup: 'AWS::Omics::RunGroup',
  runCache: 'AWS::Omics::RunCache', runBatch: 'AWS::Omics::RunBatch', configuration: 'AWS::Omics::Configuration',
  task: 'AWS::Omics::Task', share: 'AWS::Omics::Share',
};

export interface ParsedOmicsArn {
  region: string;
  accountId: string;
  type: OmicsResourceType;
  /** The path after the account: `sequenceStore/1234567890/readSet/0987654321`. */
  resource: string;
  /** The ids in the path, outermost first: ['1234567890', '0987654321']. */
  ids: string[];
}

const PATTERNS: [OmicsResourceType, RegExp][] = [
  ['reference', /^referenceStore\/([^/]+)\/reference\/([^/]+)$/],
  ['referenceStore', /^referenceStore\/([^/]+)$/],
  ['readSet', /^sequenceStore\/([^/]+)\/readSet\/([^/]+)$/],
  ['sequenceStore', /^sequenceStore\/([^/]+)$/],
  ['annotationStoreVersion', /^annotationStore\/([^/]+)\/version\/([^/]+)$/],
  ['annotationStore', /^annotationStore\/([^/]+)$/],
  ['variantStore', /^variantStore\/([^/]+)$/],
  ['workflowVersion', /^workflow\/([^/]+)\/version\/([^/]+)$/],
  ['workflow', /^workflow\/([^/]+)$/],
  ['runGroup', /^runGroup\/([^/]+)$/],
  ['runCache', /^runCache\/([^/]+)$/],
  ['runBatch', /^runBatch\/([^/]+)$/],
  ['run', /^run\/([^/]+)$/],
  ['configuration', /^configuration\/([^/]+)$/],
  ['task', /^task\/([^/]+)$/],
  ['share', /^share\/([^/]+)$/],
];

export function omicsArn(region: string, accountId: string, resource: string): string {
  return `arn:aws:omics:${region}:${accountId}:${resource}`;
}

export function parseOmicsArn(arn: string): ParsedOmicsArn | undefined {
  const m = /^arn:aws[a-z-]*:omics:([a-z0-9-]+):(\d{12}):(.+)$/.exec(arn);
  if (!m) return undefined;
  const resource = m[3]!;
  for (const [type, pattern] of PATTERNS) {
    const ids = pattern.exec(resource);
    if (ids) return { region: m[1]!, accountId: m[2]!, type, resource, ids: ids.slice(1) };
  }
  return undefined;
}

/** A storage-plane id (stores, references, read sets, uploads, jobs): 10 digits, no leading 0. */
export function storageId(ids: IdSource): string {
  return ids.chars(1, '123456789') + ids.chars(9, '0123456789');
}

/** A workflow-plane id (workflows, runs, run groups, caches, tasks, batches): 7 digits. */
export function workflowPlaneId(ids: IdSource): string {
  return ids.chars(1, '123456789') + ids.chars(6, '0123456789');
}

export const referenceStoreArn = (region: string, accountId: string, storeId: string) => omicsArn(region, accountId, `referenceStore/${storeId}`);
export const referenceArn = (region: string, accountId: string, storeId: string, referenceId: string) =>
  omicsArn(region, accountId, `referenceStore/${storeId}/reference/${referenceId}`);
export const sequenceStoreArn = (region: string, accountId: string, storeId: string) => omicsArn(region, accountId, `sequenceStore/${storeId}`);
export const readSetArn = (region: string, accountId: string, storeId: string, readSetId: string) =>
  omicsArn(region, accountId, `sequenceStore/${storeId}/readSet/${readSetId}`);
export const variantStoreArn = (region: string, accountId: string, name: string) => omicsArn(region, accountId, `variantStore/${name}`);
