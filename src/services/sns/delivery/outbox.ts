/**
 * Queues messages for HTTP/S subscribers: a Notification to every confirmed subscription of a
 * topic, or a Subscription/UnsubscribeConfirmation to one endpoint. Runs inside the caller's
 * transaction (the API call's, or the internal publisher's), then nudges the delivery worker.
 */
import type { TopicRow } from '../store/topic-store.ts';
import { SubscriptionStore, type SubscriptionRow } from '../store/subscription-store.ts';
import { OutboxStore, type NotificationAttribute } from '../store/outbox-store.ts';
import type { Db } from '../../../storage/db.ts';
import { deliverySettings } from './delivery-policy.ts';
import { signatureVersionOf } from '../topic-attributes.ts';

export interface Notification {
  subject?: string;
  message: string;
  messageStructure?: 'json';
  messageAttributes?: Record<string, NotificationAttribute>;
}

export class Outbox {
  private readonly store: OutboxStore;
  private readonly subscriptions: SubscriptionStore;

  constructor(db: Db, private readonly wake: () => void) {
    this.store = new OutboxStore(db);
    this.subscriptions = new SubscriptionStore(db);
  }

  /** Queues a Notification for each confirmed subscription; returns how many were queued. */
  queueNotification(topic: TopicRow, notification: Notification, messageId: string, now: Date): number {
    const targets = this.subscriptions.confirmedOf(topic.arn);
    if (targets.length === 0) return 0;
    this.store.insertMessage({
      id: messageId, type: 'Notification', topicArn: topic.arn, subject: notification.subject, message: notification.message,
      messageStructure: notification.messageStructure, messageAttributes: notification.messageAttributes,
      timestamp: now.toISOString(), createdAt: now.getTime(),
    });
    for (const sub of targets) this.queueDelivery(topic, sub, messageId, now);
    this.wake();
    return targets.length;
  }

  queueConfirmation(
    topic: TopicRow, sub: SubscriptionRow, type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation', messageId: string, now: Date,
  ): void {
    const message = type === 'SubscriptionConfirmation'
      ? `You have chosen to subscribe to the topic ${topic.arn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`
      : `You have chosen to deactivate subscription ${sub.arn}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.`;
    this.store.insertMessage({
      id: messageId, type, topicArn: topic.arn, message, token: sub.token, timestamp: now.toISOString(), createdAt: now.getTime(),
    });
    this.queueDelivery(topic, sub, messageId, now);
    this.wake();
  }

  private queueDelivery(topic: TopicRow, sub: SubscriptionRow, messageId: string, now: Date): void {
    const settings = deliverySettings(topic.attributes.DeliveryPolicy, sub.attributes.DeliveryPolicy);
    this.store.insertDelivery({
      messageId, subscriptionArn: sub.arn, protocol: sub.protocol, endpoint: sub.endpoint,
      raw: sub.attributes.RawMessageDelivery === 'true', signatureVersion: signatureVersionOf(topic),
      contentType: settings.contentType, retryPolicy: settings.retry, nextAttemptAt: now.getTime(), createdAt: now.getTime(),
    });
  }
}
