/**
 * Amazon SNS: the API provider, the HTTP/S delivery worker, the unsigned link and certificate
 * routes, and SnsTopics for in-process publishers (CloudTrail trails). server.ts composes them.
 */
import type { Logger } from 'pino';
import type { Clock, IdSource } from '../../core/clock.ts';
import type { Config } from '../../config.ts';
import type { ServiceProvider } from '../../core/service.ts';
import type { Db } from '../../storage/db.ts';
import { DeliveryWorker } from './delivery/delivery-worker.ts';
import { Outbox } from './delivery/outbox.ts';
import { publishHandlers } from './handlers/publish.ts';
import { subscriptionHandlers } from './handlers/subscriptions.ts';
import { tagHandlers } from './handlers/tags.ts';
import { topicHandlers } from './handlers/topics.ts';
import { snsProvider } from './provider.ts';
import { snsPublicRoute, type PublicRoute } from './public-routes.ts';
import { MessageSigner } from './signing/signer.ts';
import { SnsTopics } from './sns-topics.ts';
import { SubscriptionLifecycle } from './subscription-lifecycle.ts';

export { SnsTopics } from './sns-topics.ts';
export type { PublicRoute } from './public-routes.ts';

/** POSTs to subscribers in flight at once, overall and to one endpoint. */
const DELIVERY_CONCURRENCY = 16;
const ENDPOINT_CONCURRENCY = 4;

export interface Sns {
  provider: ServiceProvider;
  topics: SnsTopics;
  publicRoute: PublicRoute;
  /** Starts delivering (and resumes what a previous run left pending). */
  start(): void;
  /** Stops delivering; what is pending stays queued for the next start. */
  stop(): Promise<void>;
}

export function createSns(db: Db, config: Config, clock: Clock, ids: IdSource, log: Logger): Sns {
  const signer = new MessageSigner(db, clock);
  const worker = new DeliveryWorker(db, config, clock, signer, log, {
    retryBaseMs: config.snsRetryBaseMs,
    timeoutMs: config.snsDeliveryTimeoutMs,
    concurrency: DELIVERY_CONCURRENCY,
    endpointConcurrency: ENDPOINT_CONCURRENCY,
  });
  const outbox = new Outbox(db, () => worker.wake());
  const lifecycle = new SubscriptionLifecycle(db, outbox);
  const provider = snsProvider({
    ...topicHandlers(lifecycle.topics, lifecycle.subscriptions),
    ...subscriptionHandlers(lifecycle, outbox),
    ...publishHandlers(lifecycle.topics, outbox),
    ...tagHandlers(lifecycle.topics),
  });
  return {
    provider,
    topics: new SnsTopics(db, outbox, clock, ids),
    publicRoute: snsPublicRoute({ db, clock, ids, lifecycle, signer }),
    start: () => worker.start(),
    stop: () => worker.stop(),
  };
}
