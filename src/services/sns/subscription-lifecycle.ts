/**
 * The state changes of a subscription that both the signed API and the unsigned SubscribeURL /
 * UnsubscribeURL links perform: confirming with a token, and unsubscribing (which sends the
 * endpoint an UnsubscribeConfirmation whose SubscribeURL restores it for a while).
 */
import type { Clock, IdSource } from '../../core/clock.ts';
import type { Db } from '../../storage/db.ts';
import { invalidParameter, topicNotFound } from './errors.ts';
import { TopicStore, type TopicRow } from './store/topic-store.ts';
import { SubscriptionStore, type SubscriptionRow } from './store/subscription-store.ts';
import type { Outbox } from './delivery/outbox.ts';

/** Confirmation tokens stay valid for three days. */
export const TOKEN_LIFETIME_MS = 3 * 86_400_000;

export function newToken(ids: IdSource): string {
  return ids.hex(128);
}

export class SubscriptionLifecycle {
  readonly topics: TopicStore;
  readonly subscriptions: SubscriptionStore;

  constructor(db: Db, private readonly outbox: Outbox) {
    this.topics = new TopicStore(db);
    this.subscriptions = new SubscriptionStore(db);
  }

  /** ConfirmSubscription: the subscription the token belongs to, now confirmed (idempotent). */
  confirm(topic: TopicRow, token: string, authenticateOnUnsubscribe: boolean, authenticated: boolean, now: Date): SubscriptionRow {
    const sub = this.subscriptions.byToken(token);
    if (!sub || sub.topicArn !== topic.arn) throw invalidParameter('Token');
    if (sub.status === 'confirmed') return sub;
    if (sub.tokenExpiresAt < now.getTime()) throw invalidParameter('Token');
    if (sub.status === 'deleted') {
      // A restore link from an UnsubscribeConfirmation: unless the endpoint subscribed again since.
      const again = this.subscriptions.find(sub.topicArn, sub.protocol, sub.endpoint);
      if (again) return again;
    }
    this.subscriptions.confirm(sub.arn, authenticateOnUnsubscribe, authenticated);
    return this.subscriptions.get(sub.arn)!;
  }

  /** Unsubscribe: out of the topic; a confirmed endpoint gets an UnsubscribeConfirmation. */
  unsubscribe(sub: SubscriptionRow, ids: IdSource, clock: Clock): void {
    const topic = this.topics.get(sub.topicArn);
    if (!topic) throw topicNotFound();
    const now = clock.now();
    const token = newToken(ids);
    this.subscriptions.purgeDeleted(topic.arn, now.getTime());
    this.subscriptions.markDeleted(sub.arn, token, now.getTime() + TOKEN_LIFETIME_MS);
    if (sub.status === 'confirmed') this.outbox.queueConfirmation(topic, { ...sub, token }, 'UnsubscribeConfirmation', ids.uuid(), now);
  }
}
