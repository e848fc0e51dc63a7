/**
 * Composes the server: storage, identities, audit, service providers, the API pipeline and the
 * HTTP front. `startServer` is what `healthtrail serve` and the tests call.
 */
import { once } from 'node:events';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pino, { type Logger } from 'pino';
import { consoleBaseUrl, type Config } from './config.ts';
import { randomIds, systemClock, type Clock, type IdSource } from './core/clock.ts';
import type { ServiceProvider } from './core/service.ts';
import { Db } from './storage/db.ts';
import { IdentityStore } from './auth/identities/index.ts';
import { EventStore } from './audit/event-store.ts';
import { WorkerLookupIndex } from './audit/lookup-index/index.ts';
import { Recorder } from './audit/recorder.ts';
import { ApiPipeline } from './http/pipeline.ts';
import { createRouter } from './http/router.ts';
import { FhirGateway } from './http/fhir-gateway.ts';
import { createHttpServer } from './http/server.ts';
import { INERT_CONTENT_HEADERS } from './http/inert-content.ts';
import { ConsoleServer } from './console/server/console-routes.ts';
import { consoleListenerRoute } from './console/server/console-listener.ts';
import type { WatchOptions } from './console/server/events-watch.ts';
import { healthLakeProvider } from './services/healthlake/index.ts';
import { HealthLakeJobWorker } from './services/healthlake/jobs/worker.ts';
import { pipelineRoleAssumer } from './services/healthlake/jobs/data-access-role.ts';
import { cloudTrailProvider } from './services/cloudtrail/index.ts';
import { iamProvider } from './services/iam/index.ts';
import { stsProvider } from './services/sts/index.ts';
import { createSns, type SnsTopics } from './services/sns/index.ts';
import { s3Service } from './services/s3/index.ts';
import { omicsProvider, omicsStreamsBody } from './services/omics/index.ts';
import { OmicsTagStore } from './services/omics/tags/tag-store.ts';
import { OmicsFiles } from './services/omics/files.ts';
import { OmicsJobWorker } from './services/omics/jobs/job-worker.ts';
import type { OmicsDeps } from './services/omics/deps.ts';
import type { OmicsPlane } from './services/omics/plane.ts';
import { createReferencePlane } from './services/omics/references/reference-plane.ts';
import { createReadSetJobsPlane } from './services/omics/readset-jobs/plane.ts';
import { OMICS_SERVICE_PRINCIPAL } from './services/omics/arns.ts';
import { RoleScopedObjects } from './services/shared/role-scoped-objects.ts';
import { createWorkflowsPlane } from './services/omics/workflows-plane/plane.ts';
import { createSequenceStorePlane } from './services/omics/sequence-stores/plane.ts';
import { createVariantStorePlane } from './services/omics/variant-stores/plane.ts';
import { serviceRoleAssumer } from './services/shared/service-role.ts';
import { LogStore } from './services/logs/log-store.ts';
import { logsProvider } from './services/logs/index.ts';
import type { S3Buckets } from './services/s3/buckets.ts';
import { createObjectStore } from './objects/create-object-store.ts';
import { readCredentialScope } from './auth/sigv4/index.ts';
import { appendCredentialsProfile, writeCredentialsFile, type RootCredentials } from './credentials-file.ts';
import { TrailStore } from './trails/trail-store.ts';
import { DeliveryStore } from './trails/delivery-store.ts';
import { SigningKeys } from './trails/signing-keys.ts';
import { TrailDelivery } from './trails/delivery.ts';
import type { Organization, TrailBuckets, TrailTopics } from './trails/ports.ts';

export interface RunningServer {
  /** The API listener: every AWS protocol, FHIR, S3 object bytes. */
  url: string;
  port: number;
  /** The web console's own listener (its own origin; the app is at consoleUrl + /console/). */
  consoleUrl: string;
  consolePort: number;
  config: Config;
  db: Db;
  events: EventStore;
  root: RootCredentials;
  /** SNS for in-process publishers (trail notifications). */
  sns: SnsTopics;
  /** S3 buckets for in-process writers and readers (trail delivery). */
  s3: S3Buckets;
  /** CloudWatch Logs for in-process writers (HealthOmics run and task logs). */
  logs: LogStore;
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  ids?: IdSource;
  log?: Logger;
  /** The built console app (default <repo>/dist/console). */
  consoleDistDir?: string;
  /** Event-watch polling for the console (tests shorten it). */
  consoleWatch?: Partial<WatchOptions>;
}

export async function startServer(requested: Config, options: StartOptions = {}): Promise<RunningServer> {
  // A copy whose port is set to the real one once listening (port 0 picks a free port).
  const config: Config = { ...requested };
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? randomIds;
  const log = options.log ?? pino({ level: config.logLevel, base: undefined });

  const db = new Db(join(config.dataDir, 'healthtrail.db'));
  const identities = new IdentityStore(db, clock, ids);
  const rootKey = config.rootAccessKeyId
    ? { accessKeyId: config.rootAccessKeyId, secretAccessKey: config.rootSecretAccessKey! }
    : undefined;
  const root = identities.ensureAccount(config.accountId, rootKey);
  // Event history's indexes are kept by a worker thread, off the request thread.
  const events = new EventStore(db, db.file === ':memory:' ? undefined : new WorkerLookupIndex(db));
  const recorder = new Recorder(events, config.eventVersion, config.auditEnabled);

  const organization = organizationOf(config);
  const newMembers = (organization?.accountIds ?? []).filter((id) => id !== config.accountId)
    .map((id) => ({ id, key: identities.ensureAccount(id) })).filter((m) => m.key.created);
  const sns = createSns(db, config, clock, ids, log);
  const topics: TrailTopics = {
    resolveTopic(accountId, region, nameOrArn) {
      const arn = sns.topics.topicArnFor(accountId, region, nameOrArn);
      return sns.topics.exists(arn) ? arn : undefined;
    },
    publish(topicArn, message) {
      sns.topics.publishInternal(topicArn, message);
    },
  };
  const trails = new TrailStore(db);
  const signingKeys = new SigningKeys(db);
  const s3 = s3Service(db, config, createObjectStore(config));
  await s3.recover(log);
  const buckets: TrailBuckets = s3.buckets;
  // Delivery reads committed events only, through a connection of its own.
  const deliveryReader = db.openReader();
  const delivery = new TrailDelivery({
    db, committedEvents: new EventStore(deliveryReader), trails, files: new DeliveryStore(db), keys: signingKeys,
    buckets, topics, clock, log, options: {
      intervalSeconds: config.deliveryIntervalSeconds, digestIntervalSeconds: config.digestIntervalSeconds,
      maxFileBytes: config.logFileMaxBytes, organization,
    },
  });

  const healthLakeJobs = new HealthLakeJobWorker({
    db, buckets: s3.buckets, clock, ids, config, log,
    // The pipeline is built below; jobs start running only after start-up.
    assumeDataAccessRole: pipelineRoleAssumer(() => pipeline, s3.buckets, ids, log),
  });

  const logs = new LogStore(db, clock);
  const omicsJobs = new OmicsJobWorker(log);
  const omics: OmicsDeps = {
    db, config, clock, ids, log, tags: new OmicsTagStore(db), files: new OmicsFiles(s3.buckets.store), buckets: s3.buckets,
    assumeRole: serviceRoleAssumer(() => pipeline, s3.buckets, ids, log), jobs: omicsJobs, logs,
    callerObjects: (principal, region) => new RoleScopedObjects({ pipeline: () => pipeline, buckets: s3.buckets, ids }, principal, OMICS_SERVICE_PRINCIPAL, region),
  };
  // The planes of HealthOmics built so far (services/omics/plane.ts).
  const omicsPlanes: OmicsPlane[] = [
    createSequenceStorePlane(omics),
    createReferencePlane(omics),
    createReadSetJobsPlane(omics),
    createWorkflowsPlane(omics),
    createVariantStorePlane(omics),
  ];
  const providerList: ServiceProvider[] = [
    healthLakeProvider(db, config, () => healthLakeJobs.wake()),
    cloudTrailProvider(events, { trails, events, keys: signingKeys, buckets, topics, organization }),
    iamProvider,
    stsProvider,
    sns.provider,
    s3.provider,
    omicsProvider(omics.tags, omicsPlanes),
    logsProvider(db, logs),
  ];
  const providers = new Map(providerList.map((p) => [p.signingName, p]));
  const pipeline = new ApiPipeline({ config, db, clock, ids, identities, recorder, providers, log });
  const fhir = new FhirGateway(pipeline, db, config, s3.buckets.store);
  const webConsole = new ConsoleServer({
    config, db, clock, ids, identities, recorder, pipeline, fhir, log,
    ...(options.consoleDistDir ? { distDir: options.consoleDistDir } : {}),
    ...(options.consoleWatch ? { watch: options.consoleWatch } : {}),
  });
  const httpOptions = {
    maxBodyBytes: config.maxBodyBytes,
    trustedProxies: config.trustedProxies,
    newRequestId: () => ids.uuid(),
    log,
  };
  // Two listeners, two origins: the API one serves what clients stored (inert, see
  // inert-content.ts), the console one only the console (console-listener.ts).
  const server = createHttpServer(createRouter(pipeline, [sns.publicRoute], fhir, () => consoleBaseUrl(config),
    () => ({ s3PendingWorkSetAside: s3.setAsideCount() })), {
    ...httpOptions,
    // S3 reads (or streams) its own bodies: uploads may be gigabytes; so do Omics part uploads.
    streamsBody: (req) => {
      const service = readCredentialScope(req)?.service;
      return service === 's3' || (service === 'omics' && omicsStreamsBody(req));
    },
    streamedBodyRate: { minBytesPerSecond: config.uploadMinBytesPerSecond, windowSeconds: config.uploadRateWindowSeconds },
    responseHeaders: INERT_CONTENT_HEADERS,
  });
  const consoleServer = createHttpServer(consoleListenerRoute(webConsole), httpOptions);

  let closed: Promise<void> | undefined;
  const close = () => closed ??= (async () => {
    await sns.stop();
    await delivery.close();
    await healthLakeJobs.close();
    await omicsJobs.close();
    webConsole.close();
    await Promise.all([server, consoleServer].map(stopListening));
    // Awaited: their threads close files of the data directory until they end.
    await events.close();
    await deliveryReader.close();
    await db.close();
  })();
  try {
    // A port already taken (or not ours to bind) rejects here; everything opened so far is
    // closed first, so a failed start leaves no thread or database handle behind.
    config.port = await listen(server, config.port, config.host);
    config.consolePort = await listen(consoleServer, config.consolePort, config.host);
  } catch (err) {
    await close();
    throw err;
  }
  const port = config.port;
  const hostInUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  const running: RunningServer = {
    url: `http://${hostInUrl}:${port}`,
    port,
    consoleUrl: `http://${hostInUrl}:${config.consolePort}`,
    consolePort: config.consolePort,
    config,
    db,
    events,
    root: { accessKeyId: root.accessKeyId, secretAccessKey: root.secretAccessKey },
    sns: sns.topics,
    s3: s3.buckets,
    logs,
    close,
  };
  delivery.start();
  healthLakeJobs.start();
  omicsJobs.start();
  sns.start();
  if (root.created) writeCredentialsFile(config.dataDir, running.root, config.defaultRegion);
  for (const m of newMembers) appendCredentialsProfile(config.dataDir, `healthtrail-${m.id}`, m.key, config.defaultRegion);
  return running;
}

/** Listens, resolving to the port bound (0 picks a free one) or rejecting with the listen error
 * (EADDRINUSE: "listen EADDRINUSE: address already in use 127.0.0.1:4599"). */
async function listen(server: Server, port: number, host: string): Promise<number> {
  server.listen(port, host);
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

async function stopListening(server: Server): Promise<void> {
  if (!server.listening) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function organizationOf(config: Config): Organization | undefined {
  if (!config.organizationId) return undefined;
  return {
    id: config.organizationId,
    managementAccountId: config.accountId,
    accountIds: [config.accountId, ...config.memberAccountIds.filter((id) => id !== config.accountId)],
  };
}

