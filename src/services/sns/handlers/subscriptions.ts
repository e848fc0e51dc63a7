/**
 * Subscribe, ConfirmSubscription, Unsubscribe, ListSubscriptions, ListSubscriptionsByTopic,
 * GetSubscriptionAttributes, SetSubscriptionAttributes. Only http and https endpoints.
 */
import type { CallContext, Handler } from '../../../core/service.ts';
import { subscriptionArn, topicOfSubscription } from '../arns.ts';
import { authorizationError, invalidParameter, notSupported, subscriptionNotFound } from '../errors.ts';
import type { Outbox } from '../delivery/outbox.ts';
import type { SubscriptionRow } from '../store/subscription-store.ts';
import { checkSubscriptionAttribute, checkSubscriptionAttributes, subscriptionAttributes } from '../subscription-attributes.ts';
import { TOKEN_LIFETIME_MS, newToken, type SubscriptionLifecycle } from '../subscription-lifecycle.ts';
import { PAGE_SIZE, attributeMap, loadTopic, page, pageStart, str, trackTopic } from './common.ts';

const SUPPORTED_PROTOCOLS = new Set(['http', 'https']);
const OTHER_PROTOCOLS = new Set(['email', 'email-json', 'sms', 'sqs', 'application', 'lambda', 'firehose']);

function checkEndpoint(protocol: string, endpoint: string | undefined): string {
  if (!endpoint) throw invalidParameter('Endpoint', 'Endpoint is required for protocol ' + protocol);
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw invalidParameter('Endpoint', 'not a valid URL');
  }
  if (url.protocol !== `${protocol}:`) throw invalidParameter('Endpoint', 'Endpoint must match the specified protocol');
  return endpoint;
}

/** What Subscribe/List report for a subscription: its ARN once confirmed. */
function listedArn(sub: SubscriptionRow): string {
  return sub.status === 'confirmed' ? sub.arn : 'PendingConfirmation';
}

function listed(sub: SubscriptionRow) {
  return { SubscriptionArn: listedArn(sub), Owner: sub.owner, Protocol: sub.protocol, Endpoint: sub.endpoint, TopicArn: sub.topicArn };
}

export function subscriptionHandlers(lifecycle: SubscriptionLifecycle, outbox: Outbox): Record<string, Handler> {
  const { topics, subscriptions } = lifecycle;

  /** A live subscription the caller may act on: its owner, or the topic's owner. */
  const loadSubscription = (ctx: CallContext, arn: string | undefined): SubscriptionRow => {
    const topicArn = arn === undefined ? undefined : topicOfSubscription(arn);
    if (!topicArn) throw invalidParameter('SubscriptionArn');
    const sub = subscriptions.get(arn!);
    if (!sub || sub.status === 'deleted') throw subscriptionNotFound();
    if (sub.owner !== ctx.accountId && topics.get(sub.topicArn)?.accountId !== ctx.accountId) {
      throw authorizationError(`User: ${ctx.principal.arn} is not authorized to perform: SNS:${ctx.operation} on resource: ${arn}`);
    }
    trackTopic(ctx, sub.topicArn);
    return sub;
  };

  return {
    Subscribe(ctx, input) {
      const topic = loadTopic(ctx, topics, str(input, 'TopicArn'));
      trackTopic(ctx, topic.arn);
      const protocol = (str(input, 'Protocol') ?? '').toLowerCase();
      if (OTHER_PROTOCOLS.has(protocol)) throw notSupported(`The protocol ${protocol}`);
      if (!SUPPORTED_PROTOCOLS.has(protocol)) throw invalidParameter('Protocol');
      const endpoint = checkEndpoint(protocol, str(input, 'Endpoint'));
      const attributes = checkSubscriptionAttributes(attributeMap(input));
      const returnArn = input.ReturnSubscriptionArn === true;
      const now = ctx.now.getTime();

      const existing = subscriptions.find(topic.arn, protocol, endpoint);
      if (existing) {
        const same = Object.keys(attributes).every((k) => existing.attributes[k] === attributes[k]);
        if (!same) throw invalidParameter('Attributes', 'Subscription already exists with different attributes');
        if (existing.status === 'confirmed') return { SubscriptionArn: existing.arn };
        // Still pending: send the confirmation again, with a fresh token lifetime.
        const token = newToken(ctx.ids);
        subscriptions.renewToken(existing.arn, token, now + TOKEN_LIFETIME_MS);
        outbox.queueConfirmation(topic, { ...existing, token }, 'SubscriptionConfirmation', ctx.ids.uuid(), ctx.now);
        return { SubscriptionArn: returnArn ? existing.arn : 'pending confirmation' };
      }

      const sub: SubscriptionRow = {
        arn: subscriptionArn(topic.arn, ctx.ids.uuid()), topicArn: topic.arn, owner: ctx.accountId, protocol, endpoint,
        status: 'pending', token: newToken(ctx.ids), tokenExpiresAt: now + TOKEN_LIFETIME_MS,
        authenticateOnUnsubscribe: false, confirmationAuthenticated: false, attributes, createdAt: now,
      };
      subscriptions.insert(sub);
      outbox.queueConfirmation(topic, sub, 'SubscriptionConfirmation', ctx.ids.uuid(), ctx.now);
      return { SubscriptionArn: returnArn ? sub.arn : 'pending confirmation' };
    },

    ConfirmSubscription(ctx, input) {
      const topic = loadTopic(ctx, topics, str(input, 'TopicArn'));
      trackTopic(ctx, topic.arn);
      const authenticate = (str(input, 'AuthenticateOnUnsubscribe') ?? 'false').toLowerCase() === 'true';
      const sub = lifecycle.confirm(topic, str(input, 'Token') ?? '', authenticate, true, ctx.now);
      return { SubscriptionArn: sub.arn };
    },

    Unsubscribe(ctx, input) {
      const sub = loadSubscription(ctx, str(input, 'SubscriptionArn'));
      lifecycle.unsubscribe(sub, ctx.ids, ctx.clock);
      return {};
    },

    ListSubscriptions(ctx, input) {
      const scope = { region: ctx.region };
      const start = pageStart(input, 'ListSubscriptions', scope);
      const rows = subscriptions.listByOwner(ctx.accountId, ctx.region, start, PAGE_SIZE + 1);
      const { items, NextToken } = page(rows, start, 'ListSubscriptions', scope);
      return { Subscriptions: items.map(listed), NextToken };
    },

    ListSubscriptionsByTopic(ctx, input) {
      const topic = loadTopic(ctx, topics, str(input, 'TopicArn'));
      trackTopic(ctx, topic.arn);
      const scope = { topic: topic.arn };
      const start = pageStart(input, 'ListSubscriptionsByTopic', scope);
      const { items, NextToken } = page(subscriptions.listByTopic(topic.arn, start, PAGE_SIZE + 1), start, 'ListSubscriptionsByTopic', scope);
      return { Subscriptions: items.map(listed), NextToken };
    },

    GetSubscriptionAttributes(ctx, input) {
      const sub = loadSubscription(ctx, str(input, 'SubscriptionArn'));
      const topic = topics.get(sub.topicArn)!;
      return { Attributes: subscriptionAttributes(sub, topic) };
    },

    SetSubscriptionAttributes(ctx, input) {
      const sub = loadSubscription(ctx, str(input, 'SubscriptionArn'));
      const name = str(input, 'AttributeName')!;
      const value = str(input, 'AttributeValue') ?? '';
      const attributes = { ...sub.attributes };
      if (name === 'DeliveryPolicy' && value === '') delete attributes.DeliveryPolicy;
      else attributes[name] = checkSubscriptionAttribute(name, value);
      subscriptions.setAttributes(sub.arn, attributes);
      return {};
    },
  };
}
