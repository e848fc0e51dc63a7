/**
 * Sends what the outbox owes, off the request path. Deliveries due now are claimed in memory
 * (one process owns the SQLite outbox), posted with bounded concurrency overall and per endpoint
 * (so one slow endpoint cannot hold every slot), then deleted on success or rescheduled per
 * their retry policy; out of retries, they are dropped and logged.
 * Notifications to subscriptions no longer confirmed are dropped. Whatever is pending when
 * the server stops is sent after the next start.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../../core/clock.ts';
import type { Config } from '../../../config.ts';
import type { Db } from '../../../storage/db.ts';
import type { MessageSigner } from '../signing/signer.ts';
import { OutboxStore, type DeliveryRow } from '../store/outbox-store.ts';
import { SubscriptionStore } from '../store/subscription-store.ts';
import { buildHttpMessage } from './http-message.ts';
import { postToEndpoint } from './http-post.ts';
import { retryDelaySeconds } from './retry-schedule.ts';

export interface DeliveryWorkerOptions {
  /** Milliseconds per second of policy delay (1000 in production; small in tests). */
  retryBaseMs: number;
  /** Deadline of one POST. */
  timeoutMs: number;
  /** POSTs in flight at once. */
  concurrency: number;
  /** POSTs in flight at once to one endpoint URL. */
  endpointConcurrency: number;
}

/** Longest sleep between looks at the outbox when nothing is due sooner. */
const MAX_IDLE_MS = 60_000;

export class DeliveryWorker {
  private readonly outbox: OutboxStore;
  private readonly subscriptions: SubscriptionStore;
  private readonly inFlight = new Set<number>();
  private readonly perEndpoint = new Map<string, number>();
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly clock: Clock,
    private readonly signer: MessageSigner,
    private readonly log: Logger,
    private readonly options: DeliveryWorkerOptions,
  ) {
    this.outbox = new OutboxStore(db);
    this.subscriptions = new SubscriptionStore(db);
  }

  start(): void {
    this.running = true;
    this.wake();
  }

  /** Look at the outbox soon: called after something was queued. Deferred with setImmediate so
   * the look comes after the enqueuing transaction's group commit. */
  wake(): void {
    if (!this.running) return;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.stopping.abort();
    if (this.inFlight.size > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = delayMs <= 0
      ? setTimeout(() => setImmediate(() => this.poll()), 0)
      : setTimeout(() => this.poll(), Math.min(delayMs, MAX_IDLE_MS));
  }

  private poll(): void {
    this.timer = undefined;
    if (!this.running) return;
    let free = this.options.concurrency - this.inFlight.size;
    while (free > 0) {
      const batch = this.outbox.due(this.clock.now().getTime(), free, this.inFlight, this.saturated());
      if (batch.length === 0) break;
      for (const delivery of batch) {
        if (free === 0 || (this.perEndpoint.get(delivery.endpoint) ?? 0) >= this.options.endpointConcurrency) continue;
        free--;
        this.inFlight.add(delivery.id);
        this.perEndpoint.set(delivery.endpoint, (this.perEndpoint.get(delivery.endpoint) ?? 0) + 1);
        void this.send(delivery).finally(() => this.settled(delivery));
      }
    }
    this.scheduleNext();
  }

  /** Endpoints with their full share of requests in flight. */
  private saturated(): Set<string> {
    const out = new Set<string>();
    for (const [endpoint, n] of this.perEndpoint) if (n >= this.options.endpointConcurrency) out.add(endpoint);
    return out;
  }

  private scheduleNext(): void {
    if (!this.running || this.inFlight.size >= this.options.concurrency) return;
    const next = this.outbox.nextDueAt(this.inFlight, this.saturated());
    if (next !== undefined) this.schedule(Math.max(0, next - this.clock.now().getTime()));
    else if (!this.timer) this.schedule(MAX_IDLE_MS);
  }

  private settled(delivery: DeliveryRow): void {
    this.inFlight.delete(delivery.id);
    const n = (this.perEndpoint.get(delivery.endpoint) ?? 1) - 1;
    if (n > 0) this.perEndpoint.set(delivery.endpoint, n);
    else this.perEndpoint.delete(delivery.endpoint);
    if (!this.running) {
      if (this.inFlight.size === 0) for (const resolve of this.idle.splice(0)) resolve();
      return;
    }
    this.scheduleNext();
  }

  private async send(delivery: DeliveryRow): Promise<void> {
    try {
      const message = this.outbox.message(delivery.messageId);
      const unsubscribed = message?.type === 'Notification' && this.subscriptions.get(delivery.subscriptionArn)?.status !== 'confirmed';
      if (!message || unsubscribed) {
        this.db.transaction(() => this.outbox.finish(delivery.id, delivery.messageId));
        return;
      }
      const { headers, body } = await buildHttpMessage(this.config, this.signer, message, delivery);
      const result = await postToEndpoint(delivery.endpoint, headers, body, this.options.timeoutMs, this.stopping.signal);
      if (result.ok) {
        this.db.transaction(() => this.outbox.finish(delivery.id, delivery.messageId));
        return;
      }
      if (!this.running) return; // cut off by stop(): not a failure; sent again after the next start
      this.failed(delivery, result.error ?? 'delivery failed');
    } catch (err) {
      if (!this.running) return;
      this.log.error({ err, deliveryId: delivery.id }, 'sns delivery error');
      this.failed(delivery, err instanceof Error ? err.message : String(err));
    }
  }

  private failed(delivery: DeliveryRow, error: string): void {
    const delay = retryDelaySeconds(delivery.retryPolicy, delivery.attempts);
    const attempts = delivery.attempts + 1;
    if (delay === undefined) {
      this.log.warn({ messageId: delivery.messageId, subscriptionArn: delivery.subscriptionArn, attempts, error }, 'sns delivery abandoned after its retries');
      this.db.transaction(() => this.outbox.finish(delivery.id, delivery.messageId));
      return;
    }
    const next = this.clock.now().getTime() + delay * this.options.retryBaseMs;
    this.db.transaction(() => this.outbox.reschedule(delivery.id, attempts, next, error));
  }
}
