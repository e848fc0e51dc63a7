/**
 * Identity-side authorization for one request, with AWS's evaluation logic:
 * an explicit Deny in any identity-based policy, permissions boundary or session policy wins;
 * otherwise the request needs an Allow from the identity-based policies AND (when given) from the
 * permissions boundary AND (when given) from the session policies; else it is implicitly denied.
 * Reasons follow AWS's order (identity, then boundary, then session) so callers can word the
 * AccessDenied message as AWS does (see accessDeniedReason).
 */
import { matchArn, splitArn } from './arn.ts';
import { compilePolicy, type CompiledPolicy, type CompiledStatement } from './compile.ts';
import { evaluateConditions } from './conditions.ts';
import { Lookup } from './context.ts';
import { matchPattern, type Pattern } from './match.ts';
import type { DenySource, EvaluationResult, PolicyRequest, PolicySet } from './types.ts';

const NONE = 0;
const ALLOW = 1;
const DENY = 2;

/** Request-side values computed once per evaluation. */
export interface RequestState {
  action: string;
  resource: string;
  parts: string[] | undefined;
  lookup: Lookup;
}

export function requestState(request: PolicyRequest): RequestState {
  return {
    action: request.action.toLowerCase(),
    resource: request.resource,
    parts: splitArn(request.resource),
    lookup: new Lookup(request.context),
  };
}

export function actionMatches(patterns: Pattern[], action: string): boolean {
  for (let i = 0; i < patterns.length; i++) if (matchPattern(patterns[i]!, action)) return true;
  return false;
}

function statementApplies(s: CompiledStatement, r: RequestState): boolean {
  if (s.actions !== undefined) {
    if (!actionMatches(s.actions, r.action)) return false;
  } else if (s.notActions === undefined || actionMatches(s.notActions, r.action)) {
    return false;
  }
  if (s.resources !== undefined) {
    let hit = false;
    for (const p of s.resources) {
      if (matchArn(p, r.resource, r.parts, r.lookup)) {
        hit = true;
        break;
      }
    }
    if (!hit) return false;
  } else if (s.notResources !== undefined) {
    for (const p of s.notResources) if (matchArn(p, r.resource, r.parts, r.lookup)) return false;
  } else {
    return false;
  }
  return evaluateConditions(s.conditions, r.lookup);
}

/** ALLOW, DENY (explicit) or NONE for one policy. */
function evaluatePolicy(p: CompiledPolicy, r: RequestState): number {
  let result = NONE;
  for (const s of p.statements) {
    if (s.deny ? false : result === ALLOW) continue; // an Allow already found: only Denies matter now
    if (!statementApplies(s, r)) continue;
    if (s.deny) return DENY;
    result = ALLOW;
  }
  return result;
}

/** Combined result of a group of policies (any Deny wins, else any Allow). */
function evaluateGroup(texts: readonly string[], r: RequestState): number {
  let result = NONE;
  for (const t of texts) {
    const v = evaluatePolicy(compilePolicy(t), r);
    if (v === DENY) return DENY;
    if (v === ALLOW) result = ALLOW;
  }
  return result;
}

export function evaluatePolicies(set: PolicySet, request: PolicyRequest): EvaluationResult {
  const r = requestState(request);
  const identity = evaluateGroup(set.identityPolicies, r);
  if (identity === DENY) return deny('identity');
  const boundary = set.permissionsBoundary === undefined ? undefined : evaluateGroup([set.permissionsBoundary], r);
  if (boundary === DENY) return deny('permissions-boundary');
  const sessions = set.sessionPolicies;
  const session = sessions === undefined || sessions.length === 0 ? undefined : evaluateGroup(sessions, r);
  if (session === DENY) return deny('session-policy');
  if (identity !== ALLOW) return { decision: 'ImplicitDeny', reason: 'no-allow' };
  if (boundary !== undefined && boundary !== ALLOW) return { decision: 'ImplicitDeny', reason: 'permissions-boundary' };
  if (session !== undefined && session !== ALLOW) return { decision: 'ImplicitDeny', reason: 'session-policy' };
  return { decision: 'Allow', reason: 'allowed' };
}

function deny(denySource: DenySource): EvaluationResult {
  return { decision: 'ExplicitDeny', reason: 'explicit-deny', denySource };
}

const DENY_PHRASE: Record<DenySource, string> = {
  identity: 'an identity-based policy',
  'permissions-boundary': 'a permissions boundary',
  'session-policy': 'a session policy',
};

/**
 * The tail of AWS's AccessDenied message for a denial, e.g. "with an explicit deny in an
 * identity-based policy" or "because no identity-based policy allows the s3:GetObject action";
 * undefined for an Allow. Callers prefix "User: <arn> is not authorized to perform: <action> on
 * resource: <resource> ".
 */
export function accessDeniedReason(result: EvaluationResult, action: string): string | undefined {
  switch (result.reason) {
    case 'allowed':
      return undefined;
    case 'explicit-deny':
      return `with an explicit deny in ${DENY_PHRASE[result.denySource ?? 'identity']}`;
    case 'no-allow':
      return `because no identity-based policy allows the ${action} action`;
    case 'permissions-boundary':
      return `because no permissions boundary allows the ${action} action`;
    case 'session-policy':
      return `because no session policy allows the ${action} action`;
  }
}
