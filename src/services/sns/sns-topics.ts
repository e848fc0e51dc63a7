/**
 * SNS for the rest of the server, without HTTP: how CloudTrail's trail delivery worker
 * publishes "log file delivered" notifications. Messages go through the same outbox as Publish;
 * call it inside the caller's own db.transaction / db.batched so the notification is queued
 * atomically with whatever state change it reports (on its own it opens a transaction).
 */
import type { Clock, IdSource } from '../../core/clock.ts';
import type { Db } from '../../storage/db.ts';
import { parseTopicArn, topicArn } from './arns.ts';
import { topicNotFound } from './errors.ts';
import type { Outbox } from './delivery/outbox.ts';
import { readNotification } from './handlers/publish.ts';
import { TopicStore } from './store/topic-store.ts';

export class SnsTopics {
  private readonly topics: TopicStore;

  constructor(private readonly db: Db, private readonly outbox: Outbox, private readonly clock: Clock, private readonly ids: IdSource) {
    this.topics = new TopicStore(db);
  }

  /** The ARN for a topic given by name (in this account and region) or already by ARN. */
  topicArnFor(accountId: string, region: string, nameOrArn: string): string {
    return nameOrArn.startsWith('arn:') ? nameOrArn : topicArn(region, accountId, nameOrArn);
  }

  exists(arn: string): boolean {
    return parseTopicArn(arn) !== undefined && this.topics.get(arn) !== undefined;
  }

  /**
   * Queues a Notification to the topic's confirmed subscribers and returns its MessageId.
   * Throws AwsError NotFound for an unknown topic and InvalidParameter for a message SNS would
   * refuse (empty, over 256 KiB, or a bad subject).
   */
  publishInternal(arn: string, message: string, subject?: string): string {
    return this.db.transaction(() => {
      const topic = this.topics.get(arn);
      if (!topic) throw topicNotFound();
      const notification = readNotification(subject === undefined ? { Message: message } : { Message: message, Subject: subject });
      const messageId = this.ids.uuid();
      this.outbox.queueNotification(topic, notification, messageId, this.clock.now());
      return messageId;
    });
  }
}
