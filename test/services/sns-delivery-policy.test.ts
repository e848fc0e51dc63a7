/** SNS delivery policies: AWS's defaults and limits, subscription overrides, and the retry phases. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_RETRY_POLICY, deliverySettings, effectiveTopicDeliveryPolicy, parseRetryPolicy, type RetryPolicy,
} from '../../src/services/sns/delivery/delivery-policy.ts';
import { retryDelaySeconds } from '../../src/services/sns/delivery/retry-schedule.ts';

const schedule = (p: RetryPolicy) => {
  const out: number[] = [];
  for (let i = 0; retryDelaySeconds(p, i) !== undefined; i++) out.push(retryDelaySeconds(p, i)!);
  return out;
};

test('the default policy retries three times, 20 seconds apart', () => {
  assert.deepEqual(schedule(DEFAULT_RETRY_POLICY), [20, 20, 20]);
  assert.deepEqual(JSON.parse(effectiveTopicDeliveryPolicy(undefined)), {
    http: {
      defaultHealthyRetryPolicy: DEFAULT_RETRY_POLICY, disableSubscriptionOverrides: false,
      defaultRequestPolicy: { headerContentType: 'text/plain; charset=UTF-8' },
    },
  });
});

test('the four phases: immediate, at minDelayTarget, backoff, at maxDelayTarget', () => {
  const p = parseRetryPolicy({
    minDelayTarget: 1, maxDelayTarget: 60, numRetries: 10, numNoDelayRetries: 2, numMinDelayRetries: 2, numMaxDelayRetries: 2, backoffFunction: 'linear',
  });
  assert.deepEqual(schedule(p), [0, 0, 1, 1, 1, 21, 40, 60, 60, 60]);
  const exponential = schedule({ ...p, backoffFunction: 'exponential' });
  assert.equal(exponential.length, 10);
  for (let i = 1; i < exponential.length; i++) assert.ok(exponential[i]! >= exponential[i - 1]!, 'never shrinks');
  assert.deepEqual(schedule({ ...p, numRetries: 0, numNoDelayRetries: 0, numMinDelayRetries: 0, numMaxDelayRetries: 0 }), []);
});

test("AWS's limits on retry policies", () => {
  assert.throws(() => parseRetryPolicy({ minDelayTarget: 30, maxDelayTarget: 10 }), /minDelayTarget/);
  assert.throws(() => parseRetryPolicy({ numRetries: 101 }), /numRetries/);
  assert.throws(() => parseRetryPolicy({ maxDelayTarget: 3601 }), /maxDelayTarget/);
  assert.throws(() => parseRetryPolicy({ numRetries: 2, numNoDelayRetries: 3 }), /exceed numRetries/);
  assert.throws(() => parseRetryPolicy({ backoffFunction: 'cubic' }), /backoffFunction/);
});

test('a subscription policy overrides the topic unless the topic disables overrides', () => {
  const topic = JSON.stringify({ http: { defaultHealthyRetryPolicy: { numRetries: 5, minDelayTarget: 2, maxDelayTarget: 2 } } });
  const sub = JSON.stringify({ healthyRetryPolicy: { numRetries: 1, minDelayTarget: 9, maxDelayTarget: 9 }, requestPolicy: { headerContentType: 'application/json' } });
  assert.equal(deliverySettings(topic, undefined).retry.numRetries, 5);
  assert.deepEqual(deliverySettings(topic, sub), { retry: { ...DEFAULT_RETRY_POLICY, numRetries: 1, minDelayTarget: 9, maxDelayTarget: 9 }, contentType: 'application/json' });
  const locked = JSON.stringify({ http: { defaultHealthyRetryPolicy: { numRetries: 5 }, disableSubscriptionOverrides: true } });
  assert.equal(deliverySettings(locked, sub).retry.numRetries, 5);
  assert.equal(deliverySettings(locked, sub).contentType, 'text/plain; charset=UTF-8');
});
