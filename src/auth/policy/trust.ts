/**
 * Role trust policies (the resource-based policy of an IAM role) for sts:AssumeRole,
 * sts:TagSession, sts:SetSourceIdentity and the other STS actions, on their own. Deciding a
 * request also weighs the caller's identity policies: that is evaluateAccess (access.ts).
 */
import { requestState } from './evaluate.ts';
import { evaluateResourcePolicy } from './resource-policy.ts';
import type { ConditionContext, TrustCaller, TrustEvaluation } from './types.ts';

export function evaluateTrustPolicy(
  trustPolicy: string,
  caller: TrustCaller,
  action: string,
  context: ConditionContext,
): TrustEvaluation {
  return evaluateResourcePolicy(trustPolicy, caller, requestState({ action, resource: '*', context }));
}

export function trustPolicyAllows(
  trustPolicy: string,
  caller: TrustCaller,
  action: string,
  context: ConditionContext,
): boolean {
  return evaluateTrustPolicy(trustPolicy, caller, action, context).allowed;
}
