/**
 * The members of the HealthOmics (and CloudWatch Logs) outputs the Omics pages read, named as in
 * src/wire/models/omics.json. Timestamps arrive as ISO 8601 strings.
 */

export type Tags = Record<string, string>;

export interface SequenceStore {
  id: string;
  arn?: string;
  name?: string;
  description?: string;
  status?: string;
  statusMessage?: string;
  creationTime?: string;
  updateTime?: string;
  eTagAlgorithmFamily?: string;
  fallbackLocation?: string;
  sseConfig?: { type?: string; keyArn?: string };
  propagatedSetLevelTags?: string[];
  s3Access?: { s3Uri?: string; s3AccessPointArn?: string; accessLogLocation?: string };
}

export interface ReferenceStore {
  id: string;
  arn?: string;
  name?: string;
  description?: string;
  creationTime?: string;
  sseConfig?: { type?: string; keyArn?: string };
}

export interface FileInformation {
  totalParts?: number;
  partSize?: number;
  contentLength?: number;
  s3Access?: { s3Uri?: string };
}

export interface SequenceInformation {
  totalReadCount?: number;
  totalBaseCount?: number;
  generatedFrom?: string;
  alignment?: string;
}

export interface ETag {
  algorithm?: string;
  source1?: string;
  source2?: string;
}

export interface ReadSet {
  id: string;
  arn?: string;
  sequenceStoreId?: string;
  subjectId?: string;
  sampleId?: string;
  status?: string;
  statusMessage?: string;
  name?: string;
  description?: string;
  fileType?: string;
  referenceArn?: string;
  creationTime?: string;
  creationType?: string;
  creationJobId?: string;
  sequenceInformation?: SequenceInformation;
  etag?: ETag;
  files?: { source1?: FileInformation; source2?: FileInformation; index?: FileInformation };
}

export interface Reference {
  id: string;
  arn?: string;
  referenceStoreId?: string;
  md5?: string;
  status?: string;
  name?: string;
  description?: string;
  creationTime?: string;
  updateTime?: string;
  creationType?: string;
  creationJobId?: string;
  files?: { source?: FileInformation; index?: FileInformation };
}

/** A list item of any store job list (import, export, activation, reference import). */
export interface StoreJob {
  id: string;
  sequenceStoreId?: string;
  referenceStoreId?: string;
  roleArn?: string;
  status?: string;
  statusMessage?: string;
  creationTime?: string;
  completionTime?: string;
  destination?: string;
}

/** One item of a Get*Job answer's sources/readSets, whichever members its kind has. */
export interface JobItem {
  status?: string;
  statusMessage?: string;
  name?: string;
  readSetId?: string;
  referenceId?: string;
  id?: string;
  sourceFile?: string;
  sourceFiles?: { source1?: string; source2?: string };
  sourceFileType?: string;
  subjectId?: string;
  sampleId?: string;
}

export interface Workflow {
  id: string;
  arn?: string;
  name?: string;
  description?: string;
  status?: string;
  statusMessage?: string;
  type?: string;
  engine?: string;
  main?: string;
  digest?: string;
  creationTime?: string;
  storageType?: string;
  storageCapacity?: number;
  parameterTemplate?: Record<string, { description?: string; optional?: boolean }>;
  tags?: Tags;
  metadata?: Record<string, string>;
}

export interface WorkflowVersion {
  versionName?: string;
  status?: string;
  description?: string;
  creationTime?: string;
  type?: string;
  digest?: string;
}

export interface Run {
  id: string;
  arn?: string;
  name?: string;
  status?: string;
  statusMessage?: string;
  failureReason?: string;
  workflowId?: string;
  workflowType?: string;
  workflowVersionName?: string;
  runGroupId?: string;
  roleArn?: string;
  creationTime?: string;
  startTime?: string;
  stopTime?: string;
  outputUri?: string;
  runOutputUri?: string;
  priority?: number;
  storageType?: string;
  storageCapacity?: number;
  parameters?: unknown;
  logLocation?: { engineLogStream?: string; runLogStream?: string };
  tags?: Tags;
}

export interface RunTask {
  taskId: string;
  name?: string;
  status?: string;
  statusMessage?: string;
  failureReason?: string;
  cpus?: number;
  memory?: number;
  gpus?: number;
  instanceType?: string;
  creationTime?: string;
  startTime?: string;
  stopTime?: string;
  logStream?: string;
  cacheHit?: boolean;
}

export interface RunGroup {
  id: string;
  arn?: string;
  name?: string;
  maxCpus?: number;
  maxRuns?: number;
  maxDuration?: number;
  maxGpus?: number;
  creationTime?: string;
}

export interface LogEvent {
  timestamp?: number;
  message?: string;
  ingestionTime?: number;
}

/** Statuses that are still moving: pages poll while something on them is in one. */
export const PASSING_STATUSES = new Set([
  'CREATING', 'UPDATING', 'DELETING', 'SUBMITTED', 'IN_PROGRESS', 'CANCELLING', 'PROCESSING_UPLOAD', 'ACTIVATING',
  'PENDING', 'STARTING', 'RUNNING', 'STOPPING', 'QUEUED',
]);

export const isPassing = (status: string | undefined): boolean => status !== undefined && PASSING_STATUSES.has(status);
