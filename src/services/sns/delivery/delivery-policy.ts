/**
 * HTTP/S delivery policies: the topic's (`{"http": {"defaultHealthyRetryPolicy", ...}}`), a
 * subscription's override (`{"healthyRetryPolicy", ...}`), AWS's validation rules for them, and
 * the policy a delivery actually uses. The retry phases (no-delay, min-delay, backoff, max-delay)
 * are in retry-schedule.ts.
 */
import { invalidParameter } from '../errors.ts';

export const BACKOFF_FUNCTIONS = ['linear', 'arithmetic', 'geometric', 'exponential'] as const;
export type BackoffFunction = (typeof BACKOFF_FUNCTIONS)[number];

export interface RetryPolicy {
  minDelayTarget: number;
  maxDelayTarget: number;
  numRetries: number;
  numMaxDelayRetries: number;
  numNoDelayRetries: number;
  numMinDelayRetries: number;
  backoffFunction: BackoffFunction;
}

/** AWS's default healthy retry policy for HTTP/S: 3 retries, 20 seconds apart. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  minDelayTarget: 20, maxDelayTarget: 20, numRetries: 3, numMaxDelayRetries: 0,
  numNoDelayRetries: 0, numMinDelayRetries: 0, backoffFunction: 'linear',
};

export const DEFAULT_CONTENT_TYPE = 'text/plain; charset=UTF-8';

export interface DeliverySettings {
  retry: RetryPolicy;
  contentType: string;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseJson(text: string, attribute: string): Json {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidParameter(`Attributes Reason: ${attribute}: failed to parse JSON`);
  }
  if (!isObject(parsed)) throw invalidParameter(`Attributes Reason: ${attribute}: must be a JSON object`);
  return parsed;
}

function int(policy: Json, key: keyof RetryPolicy, fallback: number, min: number, max: number): number {
  const v = policy[key];
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) {
    throw invalidParameter(`Attributes Reason: DeliveryPolicy: ${key} must be an integer from ${min} to ${max}`);
  }
  return v as number;
}

/** A healthyRetryPolicy object, checked against AWS's limits (delays 1..3600 s, up to 100 retries). */
export function parseRetryPolicy(value: unknown): RetryPolicy {
  if (!isObject(value)) throw invalidParameter('Attributes Reason: DeliveryPolicy: healthyRetryPolicy must be an object');
  const maxDelayTarget = int(value, 'maxDelayTarget', DEFAULT_RETRY_POLICY.maxDelayTarget, 1, 3600);
  const minDelayTarget = int(value, 'minDelayTarget', Math.min(DEFAULT_RETRY_POLICY.minDelayTarget, maxDelayTarget), 1, 3600);
  if (minDelayTarget > maxDelayTarget) {
    throw invalidParameter('Attributes Reason: DeliveryPolicy: minDelayTarget must not exceed maxDelayTarget');
  }
  const numRetries = int(value, 'numRetries', DEFAULT_RETRY_POLICY.numRetries, 0, 100);
  const policy: RetryPolicy = {
    minDelayTarget, maxDelayTarget, numRetries,
    numMaxDelayRetries: int(value, 'numMaxDelayRetries', 0, 0, 100),
    numNoDelayRetries: int(value, 'numNoDelayRetries', 0, 0, 100),
    numMinDelayRetries: int(value, 'numMinDelayRetries', 0, 0, 100),
    backoffFunction: (value.backoffFunction ?? 'linear') as BackoffFunction,
  };
  if (!BACKOFF_FUNCTIONS.includes(policy.backoffFunction)) {
    throw invalidParameter(`Attributes Reason: DeliveryPolicy: backoffFunction must be one of ${BACKOFF_FUNCTIONS.join(', ')}`);
  }
  if (policy.numMaxDelayRetries + policy.numNoDelayRetries + policy.numMinDelayRetries > numRetries) {
    throw invalidParameter('Attributes Reason: DeliveryPolicy: the phase retries exceed numRetries');
  }
  return policy;
}

function parseContentType(requestPolicy: unknown): string | undefined {
  if (requestPolicy === undefined) return undefined;
  const type = isObject(requestPolicy) ? requestPolicy.headerContentType : undefined;
  if (typeof type !== 'string' || !/^[\w.+-]+\/[\w.+-]+(\s*;\s*[\w-]+=[\w.-]+)*$/.test(type)) {
    throw invalidParameter('Attributes Reason: DeliveryPolicy: headerContentType is not a valid content type');
  }
  return type;
}

export interface TopicDeliveryPolicy {
  retry: RetryPolicy;
  contentType: string;
  disableSubscriptionOverrides: boolean;
}

/** A topic's DeliveryPolicy attribute; undefined text means AWS's defaults. */
export function parseTopicDeliveryPolicy(text: string | undefined): TopicDeliveryPolicy {
  if (text === undefined || text === '') {
    return { retry: DEFAULT_RETRY_POLICY, contentType: DEFAULT_CONTENT_TYPE, disableSubscriptionOverrides: false };
  }
  const http = parseJson(text, 'DeliveryPolicy').http;
  if (http === undefined) return parseTopicDeliveryPolicy(undefined);
  if (!isObject(http)) throw invalidParameter('Attributes Reason: DeliveryPolicy: http must be an object');
  return {
    retry: http.defaultHealthyRetryPolicy === undefined ? DEFAULT_RETRY_POLICY : parseRetryPolicy(http.defaultHealthyRetryPolicy),
    contentType: parseContentType(http.defaultRequestPolicy) ?? DEFAULT_CONTENT_TYPE,
    disableSubscriptionOverrides: http.disableSubscriptionOverrides === true,
  };
}

export interface SubscriptionDeliveryPolicy {
  retry?: RetryPolicy;
  contentType?: string;
}

export function parseSubscriptionDeliveryPolicy(text: string | undefined): SubscriptionDeliveryPolicy {
  if (text === undefined || text === '') return {};
  const policy = parseJson(text, 'DeliveryPolicy');
  return {
    retry: policy.healthyRetryPolicy === undefined ? undefined : parseRetryPolicy(policy.healthyRetryPolicy),
    contentType: parseContentType(policy.requestPolicy),
  };
}

/** GetTopicAttributes' EffectiveDeliveryPolicy. */
export function effectiveTopicDeliveryPolicy(text: string | undefined): string {
  const p = parseTopicDeliveryPolicy(text);
  return JSON.stringify({
    http: {
      defaultHealthyRetryPolicy: p.retry,
      disableSubscriptionOverrides: p.disableSubscriptionOverrides,
      defaultRequestPolicy: { headerContentType: p.contentType },
    },
  });
}

/** What a delivery to one subscription uses: the subscription's override unless the topic forbids it. */
export function deliverySettings(topicPolicy: string | undefined, subscriptionPolicy: string | undefined): DeliverySettings {
  const topic = parseTopicDeliveryPolicy(topicPolicy);
  if (topic.disableSubscriptionOverrides) return { retry: topic.retry, contentType: topic.contentType };
  const sub = parseSubscriptionDeliveryPolicy(subscriptionPolicy);
  return { retry: sub.retry ?? topic.retry, contentType: sub.contentType ?? topic.contentType };
}

/** GetSubscriptionAttributes' EffectiveDeliveryPolicy. */
export function effectiveSubscriptionDeliveryPolicy(topicPolicy: string | undefined, subscriptionPolicy: string | undefined): string {
  const s = deliverySettings(topicPolicy, subscriptionPolicy);
  return JSON.stringify({ healthyRetryPolicy: s.retry, requestPolicy: { headerContentType: s.contentType } });
}
