/**
 * Topic attributes: which may be set and how each is checked, AWS's default access policy, and
 * the full map GetTopicAttributes returns.
 */
import { invalidParameter, notSupported } from './errors.ts';
import { effectiveTopicDeliveryPolicy, parseTopicDeliveryPolicy } from './delivery/delivery-policy.ts';
import { SIGNATURE_VERSIONS, type SignatureVersion } from './signing/signer.ts';
import type { TopicRow } from './store/topic-store.ts';
import type { SubscriptionCounts } from './store/subscription-store.ts';

/** Attributes SNS has that this server does not implement: refused by name, never stored. */
const UNSUPPORTED = new Set([
  'KmsMasterKeyId', 'ContentBasedDeduplication', 'TracingConfig', 'ArchivePolicy', 'FifoThroughputScope',
  'HTTPSuccessFeedbackRoleArn', 'HTTPFailureFeedbackRoleArn', 'HTTPSuccessFeedbackSampleRate',
  'LambdaSuccessFeedbackRoleArn', 'LambdaFailureFeedbackRoleArn', 'LambdaSuccessFeedbackSampleRate',
  'SQSSuccessFeedbackRoleArn', 'SQSFailureFeedbackRoleArn', 'SQSSuccessFeedbackSampleRate',
  'ApplicationSuccessFeedbackRoleArn', 'ApplicationFailureFeedbackRoleArn', 'ApplicationSuccessFeedbackSampleRate',
  'FirehoseSuccessFeedbackRoleArn', 'FirehoseFailureFeedbackRoleArn', 'FirehoseSuccessFeedbackSampleRate',
]);

const SETTABLE = new Set(['DisplayName', 'Policy', 'DeliveryPolicy', 'SignatureVersion']);

/** Checks one attribute and returns the value to store ('' for DeliveryPolicy clears it). */
export function checkTopicAttribute(name: string, value: string, creating: boolean): string {
  if (creating && name === 'FifoTopic') {
    if (value === 'true') throw notSupported('FIFO topics (FifoTopic=true)');
    if (value !== 'false') throw invalidParameter('Attributes', 'FifoTopic must be true or false');
    return value;
  }
  if (UNSUPPORTED.has(name)) throw notSupported(`The topic attribute ${name}`);
  if (!SETTABLE.has(name)) throw invalidParameter('AttributeName');
  switch (name) {
    case 'DisplayName':
      if (value.length > 100) throw invalidParameter('Attributes', 'DisplayName must be at most 100 characters');
      return value;
    case 'Policy':
      checkPolicy(value);
      return value;
    case 'DeliveryPolicy':
      parseTopicDeliveryPolicy(value);
      return value;
    case 'SignatureVersion':
      if (!(SIGNATURE_VERSIONS as readonly string[]).includes(value)) {
        throw invalidParameter('Attributes', 'SignatureVersion must be 1 or 2');
      }
      return value;
    default:
      return value;
  }
}

function checkPolicy(text: string): void {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw invalidParameter('Policy', 'failed to parse JSON');
  }
  const statements = (doc as { Statement?: unknown } | null)?.Statement;
  if (typeof doc !== 'object' || doc === null || statements === undefined) {
    throw invalidParameter('Policy', 'Policy statement must be specified');
  }
}

/** Attributes as stored for CreateTopic (FifoTopic=false needs no storing). */
export function checkCreateAttributes(attributes: Record<string, string>): Record<string, string> {
  const stored: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes)) {
    const checked = checkTopicAttribute(name, value, true);
    if (name !== 'FifoTopic') stored[name] = checked;
  }
  return stored;
}

export function signatureVersionOf(topic: TopicRow): SignatureVersion {
  return (topic.attributes.SignatureVersion ?? '1') as SignatureVersion;
}

/** AWS's default topic policy: the owner account may manage, subscribe to and publish to it. */
export function defaultTopicPolicy(topicArn: string, accountId: string): string {
  return JSON.stringify({
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [{
      Sid: '__default_statement_ID',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: [
        'SNS:GetTopicAttributes', 'SNS:SetTopicAttributes', 'SNS:AddPermission', 'SNS:RemovePermission',
        'SNS:DeleteTopic', 'SNS:Subscribe', 'SNS:ListSubscriptionsByTopic', 'SNS:Publish',
      ],
      Resource: topicArn,
      Condition: { StringEquals: { 'AWS:SourceOwner': accountId } },
    }],
  });
}

export function topicAttributes(topic: TopicRow, counts: SubscriptionCounts): Record<string, string> {
  const out: Record<string, string> = {
    Policy: topic.attributes.Policy ?? defaultTopicPolicy(topic.arn, topic.accountId),
    Owner: topic.accountId,
    SubscriptionsPending: String(counts.pending),
    TopicArn: topic.arn,
    EffectiveDeliveryPolicy: effectiveTopicDeliveryPolicy(topic.attributes.DeliveryPolicy),
    SubscriptionsConfirmed: String(counts.confirmed),
    DisplayName: topic.attributes.DisplayName ?? '',
    SubscriptionsDeleted: String(counts.deleted),
    SignatureVersion: signatureVersionOf(topic),
  };
  if (topic.attributes.DeliveryPolicy) out.DeliveryPolicy = topic.attributes.DeliveryPolicy;
  return out;
}
