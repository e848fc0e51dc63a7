/** Subscription attributes: which may be set, how each is checked, and what Get returns. */
import { invalidParameter, notSupported } from './errors.ts';
import { effectiveSubscriptionDeliveryPolicy, parseSubscriptionDeliveryPolicy } from './delivery/delivery-policy.ts';
import type { SubscriptionRow } from './store/subscription-store.ts';
import type { TopicRow } from './store/topic-store.ts';

const UNSUPPORTED = new Set(['FilterPolicy', 'FilterPolicyScope', 'RedrivePolicy', 'SubscriptionRoleArn', 'ReplayPolicy']);

/** Checks one attribute; returns the value to store. */
export function checkSubscriptionAttribute(name: string, value: string): string {
  if (UNSUPPORTED.has(name)) throw notSupported(`The subscription attribute ${name}`);
  switch (name) {
    case 'RawMessageDelivery':
      if (value !== 'true' && value !== 'false') throw invalidParameter('Attributes', 'RawMessageDelivery: Invalid value [' + value + ']. Must be true or false.');
      return value;
    case 'DeliveryPolicy':
      parseSubscriptionDeliveryPolicy(value);
      return value;
    default:
      throw invalidParameter('AttributeName');
  }
}

export function checkSubscriptionAttributes(attributes: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes)) out[name] = checkSubscriptionAttribute(name, value);
  return out;
}

export function subscriptionAttributes(sub: SubscriptionRow, topic: TopicRow): Record<string, string> {
  const out: Record<string, string> = {
    ConfirmationWasAuthenticated: String(sub.confirmationAuthenticated),
    PendingConfirmation: String(sub.status === 'pending'),
    Owner: sub.owner,
    RawMessageDelivery: sub.attributes.RawMessageDelivery ?? 'false',
    TopicArn: sub.topicArn,
    Endpoint: sub.endpoint,
    Protocol: sub.protocol,
    SubscriptionArn: sub.arn,
    EffectiveDeliveryPolicy: effectiveSubscriptionDeliveryPolicy(topic.attributes.DeliveryPolicy, sub.attributes.DeliveryPolicy),
  };
  if (sub.attributes.DeliveryPolicy) out.DeliveryPolicy = sub.attributes.DeliveryPolicy;
  return out;
}
