/**
 * Publish: checks the message as SNS does, then queues it for every confirmed subscription in
 * the call's own transaction, so an acknowledged message is durable and its CloudTrail record
 * commits with it. Delivery happens later, in the delivery worker.
 */
import type { Handler } from '../../../core/service.ts';
import type { Params } from '../../../wire/types.ts';
import { invalidParameter, notSupported } from '../errors.ts';
import { parseTopicArn } from '../arns.ts';
import type { Notification, Outbox } from '../delivery/outbox.ts';
import type { TopicStore } from '../store/topic-store.ts';
import { readMessageAttributes } from '../message-attributes.ts';
import { loadTopic, str, trackTopic } from './common.ts';

/** Message plus message attributes may total 256 KiB. */
export const MAX_MESSAGE_BYTES = 262_144;

function targetOf(input: Params): string {
  if (input.PhoneNumber !== undefined) throw notSupported('SMS (PhoneNumber)');
  const topicArn = str(input, 'TopicArn');
  const targetArn = str(input, 'TargetArn');
  if (topicArn !== undefined && targetArn !== undefined) {
    throw invalidParameter('TopicArn', 'Both TopicArn and TargetArn specified. Use only one or the other');
  }
  if (topicArn !== undefined) return topicArn;
  if (targetArn === undefined) throw invalidParameter('TopicArn or TargetArn', 'no value for required parameter');
  if (/^arn:aws:sns:[^:]+:\d{12}:endpoint\//.test(targetArn)) throw notSupported('Publishing to platform endpoints (TargetArn)');
  if (!parseTopicArn(targetArn)) throw invalidParameter('TargetArn');
  return targetArn;
}

function checkSubject(subject: string | undefined): void {
  if (subject === undefined) return;
  // ASCII, starting with a letter, digit or punctuation; no line breaks or control characters.
  if (!/^[!-~][ -~]{0,99}$/.test(subject)) throw invalidParameter('Subject');
}

function checkJsonStructure(message: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw invalidParameter('Message Structure - JSON message body failed to parse');
  }
  const body = parsed as Record<string, unknown> | null;
  if (typeof body !== 'object' || body === null || Array.isArray(body) || typeof body.default !== 'string') {
    throw invalidParameter('Message Structure - No default entry in JSON message body');
  }
}

/** A Notification from Publish's input, checked as SNS checks it. */
export function readNotification(input: Params): Notification {
  const message = str(input, 'Message') ?? '';
  if (message.length === 0) throw invalidParameter('Empty message');
  const subject = str(input, 'Subject');
  checkSubject(subject);
  const structure = str(input, 'MessageStructure');
  if (structure !== undefined && structure !== 'json') throw invalidParameter('MessageStructure');
  if (structure === 'json') checkJsonStructure(message);
  for (const member of ['MessageGroupId', 'MessageDeduplicationId']) {
    if (input[member] !== undefined) {
      throw invalidParameter(member, `The request includes ${member} parameter that is not valid for this topic type`);
    }
  }
  const { attributes, bytes } = readMessageAttributes(input.MessageAttributes);
  if (Buffer.byteLength(message) + bytes > MAX_MESSAGE_BYTES) throw invalidParameter('Message too long');
  return { message, subject, messageStructure: structure === 'json' ? 'json' : undefined, messageAttributes: attributes };
}

export function publishHandlers(topics: TopicStore, outbox: Outbox): Record<string, Handler> {
  return {
    Publish(ctx, input) {
      const target = targetOf(input);
      const topic = loadTopic(ctx, topics, target, input.TopicArn !== undefined ? 'TopicArn' : 'TargetArn');
      trackTopic(ctx, topic.arn);
      const notification = readNotification(input);
      const messageId = ctx.ids.uuid();
      outbox.queueNotification(topic, notification, messageId, ctx.now);
      return { MessageId: messageId };
    },
  };
}
