/**
 * Role trust policies (the resource-based policy of an IAM role) for sts:AssumeRole,
 * sts:TagSession, sts:SetSourceIdentity and the other STS actions: a statement applies when its
 * action, Principal (or NotPrincipal) and conditions match; any applicable Deny refuses, else an
 * applicable Allow admits. Resource is not part of trust policies.
 */
import { compilePolicy } from './compile.ts';
import { evaluateConditions } from './conditions.ts';
import { Lookup } from './context.ts';
import { actionMatches } from './evaluate.ts';
import { principalMatch } from './principal.ts';
import type { ConditionContext, TrustCaller, TrustEvaluation, TrustMatch } from './types.ts';

const STRENGTH: Record<TrustMatch, number> = { wildcard: 0, account: 1, federated: 2, service: 2, principal: 3 };

export function evaluateTrustPolicy(
  trustPolicy: string,
  caller: TrustCaller,
  action: string,
  context: ConditionContext,
): TrustEvaluation {
  const policy = compilePolicy(trustPolicy);
  const act = action.toLowerCase();
  const lookup = new Lookup(context);
  let matchedBy: TrustMatch | undefined;
  for (const s of policy.statements) {
    if (s.actions !== undefined) {
      if (!actionMatches(s.actions, act)) continue;
    } else if (s.notActions === undefined || actionMatches(s.notActions, act)) {
      continue;
    }
    let how: TrustMatch | undefined;
    if (s.principal !== undefined) {
      how = principalMatch(s.principal, caller);
      if (how === undefined) continue;
    } else if (s.notPrincipal !== undefined) {
      if (principalMatch(s.notPrincipal, caller) !== undefined) continue;
      how = 'wildcard';
    } else {
      continue;
    }
    if (!evaluateConditions(s.conditions, lookup)) continue;
    if (s.deny) return { allowed: false, decision: 'ExplicitDeny' };
    if (matchedBy === undefined || STRENGTH[how] > STRENGTH[matchedBy]) matchedBy = how;
  }
  return matchedBy === undefined
    ? { allowed: false, decision: 'ImplicitDeny' }
    : { allowed: true, decision: 'Allow', matchedBy };
}

export function trustPolicyAllows(
  trustPolicy: string,
  caller: TrustCaller,
  action: string,
  context: ConditionContext,
): boolean {
  return evaluateTrustPolicy(trustPolicy, caller, action, context).allowed;
}
