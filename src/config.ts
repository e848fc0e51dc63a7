/**
 * The one typed configuration: environment variables over defaults.
 */
import { resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { loadObjectStoreConfig, type ObjectStoreConfig } from './objects/object-store-config.ts';

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  accountId: string;
  rootAccessKeyId?: string;
  rootSecretAccessKey?: string;
  /** Default region when a request's region cannot matter (console, health). */
  defaultRegion: string;
  /** Public base URL used in DatastoreEndpoint etc.; defaults to http://host:port. */
  publicUrl?: string;
  /** The web console's own listener (0: a free port). Its own origin, never the API's: the API
   * origin serves bytes clients stored, which must never share an origin with the console. */
  consolePort: number;
  /** Public base URL of the console listener; defaults to http://host:consolePort. */
  consolePublicUrl?: string;
  eventVersion: string;
  /** Event history retention for LookupEvents, in days. */
  eventRetentionDays: number;
  /** AWS's LookupEvents throttle (2 requests/s per account and region); off by default. */
  lookupEventsThrottle: boolean;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Peers whose X-Forwarded-For is honoured for sourceIPAddress. */
  trustedProxies: string[];
  /** Seconds a HealthLake datastore stays CREATING / DELETING (0: settled by the next call). */
  datastoreTransitionSeconds: number;
  /** Most entries of a synchronous FHIR batch/transaction Bundle (HealthLake: 100). */
  fhirBundleEntryLimit: number;
  /** Input lines a HealthLake import commits per transaction (with its progress point). */
  importBatchLines: number;
  /** Worker threads that prepare import lines (parse, validate, index); 0: the job's thread does it. */
  importThreads: number;
  /** Days a DELETED datastore stays visible in Describe/List. */
  deletedDatastoreRetentionDays: number;
  /** Seconds between trail log file deliveries (AWS: about 5 minutes). */
  deliveryIntervalSeconds: number;
  /** Seconds each digest file covers (AWS: one hour). */
  digestIntervalSeconds: number;
  /** A trail's log file is cut early once its uncompressed records reach this size. */
  logFileMaxBytes: number;
  /** The organization (o-...) whose management account is accountId, with its member accounts. */
  organizationId?: string;
  memberAccountIds: string[];
  /** Milliseconds per second of SNS retry-policy delay (1000; tests make retries quick). */
  snsRetryBaseMs: number;
  /** Deadline of one SNS POST to a subscriber endpoint. */
  snsDeliveryTimeoutMs: number;
  /** Where object bytes live (S3 API buckets, trail files): a local directory or external S3. */
  objectStore: ObjectStoreConfig;
  /** Largest S3 PutObject / UploadPart body, streamed to disk (AWS: 5 GiB). */
  s3MaxUploadBytes: number;
  /** Slowest streamed (S3) request body kept open: every window of uploadRateWindowSeconds
   * must bring at least this many bytes per second, else 400 RequestTimeout and the connection
   * closes. 0 turns the check off (idle sockets are still cut after 120 s). */
  uploadMinBytesPerSecond: number;
  uploadRateWindowSeconds: number;
  /** Seconds an ACTIVE HealthOmics read set may go unread before it is ARCHIVED (AWS: 30 days). */
  omicsArchiveAfterSeconds: number;
  /** Part size of HealthOmics read-set and reference files (GetReadSet / GetReference
   * partNumber, files.*.partSize) and the largest UploadReadSetPart body (AWS: 100 MiB). */
  omicsPartSizeBytes: number;
  /** Lifetime of a web console session (and of its console credentials), in seconds. */
  consoleSessionSeconds: number;
  /** Turns the audit recorder off (benchmarks only: measures auditing's cost). */
  auditEnabled: boolean;
  logLevel: string;
  /** HealthOmics runs executing at once on this server (others wait PENDING). */
  omicsRunConcurrency: number;
  /** Workflow engines: cwltool (default: on PATH), miniwdl and nextflow executables (default:
   * found on PATH; none, and WDL/Nextflow runs fail naming the setting). */
  omicsCwltool?: string;
  omicsWdlEngine?: string;
  omicsNextflowEngine?: string;
}

function num(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`expected a number, got ${JSON.stringify(value)}`);
  return n;
}

function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return /^(1|true|yes|on)$/i.test(value);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const accountId = env.HEALTHTRAIL_ACCOUNT_ID ?? '123456789012';
  if (!/^\d{12}$/.test(accountId)) throw new Error('HEALTHTRAIL_ACCOUNT_ID must be 12 digits');
  const config: Config = {
    host: env.HEALTHTRAIL_HOST ?? '127.0.0.1',
    port: num(env.HEALTHTRAIL_PORT, 4599),
    dataDir: resolve(env.HEALTHTRAIL_DATA_DIR ?? './data'),
    accountId,
    rootAccessKeyId: env.HEALTHTRAIL_ROOT_ACCESS_KEY_ID || undefined,
    rootSecretAccessKey: env.HEALTHTRAIL_ROOT_SECRET_ACCESS_KEY || undefined,
    defaultRegion: env.HEALTHTRAIL_REGION ?? 'us-east-1',
    publicUrl: env.HEALTHTRAIL_PUBLIC_URL || undefined,
    consolePort: num(env.HEALTHTRAIL_CONSOLE_PORT, 4598),
    consolePublicUrl: env.HEALTHTRAIL_CONSOLE_PUBLIC_URL || undefined,
    eventVersion: env.HEALTHTRAIL_EVENT_VERSION ?? '1.08',
    eventRetentionDays: num(env.HEALTHTRAIL_EVENT_RETENTION_DAYS, 90),
    lookupEventsThrottle: bool(env.HEALTHTRAIL_LOOKUP_EVENTS_THROTTLE, false),
    maxBodyBytes: num(env.HEALTHTRAIL_MAX_BODY_BYTES, 10 * 1024 * 1024),
    trustedProxies: (env.HEALTHTRAIL_TRUSTED_PROXIES ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    datastoreTransitionSeconds: num(env.HEALTHTRAIL_DATASTORE_TRANSITION_SECONDS, 0),
    fhirBundleEntryLimit: num(env.HEALTHTRAIL_FHIR_BUNDLE_ENTRY_LIMIT, 100),
    importBatchLines: Math.max(1, num(env.HEALTHTRAIL_IMPORT_BATCH_LINES, 2000)),
    // The job's thread does the writes; the other cores prepare lines.
    importThreads: Math.max(0, num(env.HEALTHTRAIL_IMPORT_THREADS, Math.max(1, Math.min(4, availableParallelism() - 1)))),
    deletedDatastoreRetentionDays: num(env.HEALTHTRAIL_DELETED_DATASTORE_RETENTION_DAYS, 7),
    deliveryIntervalSeconds: Math.max(1, num(env.HEALTHTRAIL_DELIVERY_INTERVAL_SECONDS, 60)),
    digestIntervalSeconds: Math.max(1, num(env.HEALTHTRAIL_DIGEST_INTERVAL_SECONDS, 3600)),
    logFileMaxBytes: num(env.HEALTHTRAIL_LOG_FILE_MAX_BYTES, 16 * 1024 * 1024),
    organizationId: env.HEALTHTRAIL_ORGANIZATION_ID || undefined,
    memberAccountIds: (env.HEALTHTRAIL_MEMBER_ACCOUNT_IDS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    snsRetryBaseMs: Math.max(1, num(env.HEALTHTRAIL_SNS_RETRY_BASE_MS, 1000)),
    snsDeliveryTimeoutMs: Math.max(100, num(env.HEALTHTRAIL_SNS_DELIVERY_TIMEOUT_MS, 15_000)),
    objectStore: loadObjectStoreConfig(env),
    s3MaxUploadBytes: num(env.HEALTHTRAIL_S3_MAX_UPLOAD_BYTES, 5 * 1024 ** 3),
    // 1 KiB/s is ~1% of the slowest real uplink (1 Mbit/s): no real upload comes near it,
    // while a trickle (a byte every few seconds) is cut within one to two windows.
    uploadMinBytesPerSecond: Math.max(0, num(env.HEALTHTRAIL_UPLOAD_MIN_BYTES_PER_SECOND, 1024)),
    uploadRateWindowSeconds: Math.max(0.1, num(env.HEALTHTRAIL_UPLOAD_RATE_WINDOW_SECONDS, 30)),
    omicsArchiveAfterSeconds: Math.max(1, num(env.HEALTHTRAIL_OMICS_ARCHIVE_AFTER_SECONDS, 30 * 86_400)),
    omicsPartSizeBytes: Math.max(1, Math.floor(num(env.HEALTHTRAIL_OMICS_PART_SIZE_BYTES, 100 * 1024 * 1024))),
    consoleSessionSeconds: Math.max(1, num(env.HEALTHTRAIL_CONSOLE_SESSION_SECONDS, 43_200)),
    omicsRunConcurrency: Math.max(1, num(env.HEALTHTRAIL_OMICS_RUN_CONCURRENCY, 2)),
    omicsCwltool: env.HEALTHTRAIL_CWLTOOL || undefined,
    omicsWdlEngine: env.HEALTHTRAIL_WDL_ENGINE || undefined,
    omicsNextflowEngine: env.HEALTHTRAIL_NEXTFLOW_ENGINE || undefined,
    auditEnabled: bool(env.HEALTHTRAIL_AUDIT, true),
    logLevel: env.HEALTHTRAIL_LOG_LEVEL ?? 'info',
    ...overrides,
  };
  if ((config.rootAccessKeyId === undefined) !== (config.rootSecretAccessKey === undefined)) {
    throw new Error('set both HEALTHTRAIL_ROOT_ACCESS_KEY_ID and HEALTHTRAIL_ROOT_SECRET_ACCESS_KEY, or neither');
  }
  if (config.organizationId !== undefined && !/^o-[a-z0-9]{10,32}$/.test(config.organizationId)) {
    throw new Error('HEALTHTRAIL_ORGANIZATION_ID must look like o-xxxxxxxxxx');
  }
  for (const id of config.memberAccountIds) {
    if (!/^\d{12}$/.test(id)) throw new Error(`HEALTHTRAIL_MEMBER_ACCOUNT_IDS: ${id} is not a 12-digit account id`);
  }
  return config;
}

export function publicBaseUrl(config: Config): string {
  return (config.publicUrl ?? `http://${config.host}:${config.port}`).replace(/\/+$/, '');
}

/** Where the console's listener is reached (its origin plus nothing: the app lives at /console). */
export function consoleBaseUrl(config: Config): string {
  return (config.consolePublicUrl ?? `http://${config.host}:${config.consolePort}`).replace(/\/+$/, '');
}
