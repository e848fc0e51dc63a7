/**
 * When to retry a failed HTTP/S delivery, following the four phases of an SNS retry policy:
 * immediate retries, retries at minDelayTarget, a backoff phase from minDelayTarget to
 * maxDelayTarget shaped by backoffFunction, then retries at maxDelayTarget. AWS documents the
 * phases and shows the backoff curves only as a graph, so the curve formulas here are ours.
 */
import type { BackoffFunction, RetryPolicy } from './delivery-policy.ts';

function curve(fn: BackoffFunction, f: number): number {
  switch (fn) {
    case 'linear': return f;
    case 'arithmetic': return f * f;
    case 'geometric': return f * f * f;
    case 'exponential': return (2 ** (10 * f) - 1) / (2 ** 10 - 1);
  }
}

/**
 * Seconds to wait before retry number `retry` (0 for the first retry, after the first failed
 * attempt), or undefined when the policy has no retries left.
 */
export function retryDelaySeconds(policy: RetryPolicy, retry: number): number | undefined {
  if (retry >= policy.numRetries) return undefined;
  const { numNoDelayRetries: noDelay, numMinDelayRetries: minDelay, numMaxDelayRetries: maxDelay } = policy;
  if (retry < noDelay) return 0;
  if (retry < noDelay + minDelay) return policy.minDelayTarget;
  const backoffCount = policy.numRetries - noDelay - minDelay - maxDelay;
  const i = retry - noDelay - minDelay;
  if (i >= backoffCount) return policy.maxDelayTarget;
  const f = backoffCount === 1 ? 1 : i / (backoffCount - 1);
  const span = policy.maxDelayTarget - policy.minDelayTarget;
  return Math.round(policy.minDelayTarget + span * curve(policy.backoffFunction, f));
}
