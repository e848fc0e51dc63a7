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

export const NONE = 0;
export const ALLOW = 1;
export const DENY = 2;

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

/** The statement's Action / NotAction covers the request's action. */
export function statementActionMatches(s: CompiledStatement, action: string): boolean {
  if (s.actions !== undefined) return actionMatches(s.actions, action);
  return s.notActions !== undefined && !actionMatches(s.notActions, action);
}

/** Resource / NotResource covers the request's resource; a statement with neither covers none
 * (identity policies must name resources; trust policies, which have none, do not call this). */
export function statementResourceMatches(s: CompiledStatement, r: RequestState): boolean {
  if (s.resources !== undefined) {
    for (const p of s.resources) if (matchArn(p, r.resource, r.parts, r.lookup)) return true;
    return false;
  }
  if (s.notResources !== undefined) {
    for (const p of s.notResources) if (matchArn(p, r.resource, r.parts, r.lookup)) return false;
    return true;
  }
  return false;
}

function statementApplies(s: CompiledStatement, r: RequestState): boolean {
  return statementActionMatches(s, r.action) && statementResourceMatches(s, r) && evaluateConditions(s.conditions, r.lookup);
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

/** Each policy type's own answer (NONE / ALLOW / DENY); undefined for a type the set lacks. */
export interface TypeResults {
  identity: number;
  boundary: number | undefined;
  session: number | undefined;
}

export function evaluatePolicyTypes(set: PolicySet, r: RequestState): TypeResults {
  const sessions = set.sessionPolicies;
  return {
    identity: evaluateGroup(set.identityPolicies, r),
    boundary: set.permissionsBoundary === undefined ? undefined : evaluateGroup([set.permissionsBoundary], r),
    session: sessions === undefined || sessions.length === 0 ? undefined : evaluateGroup(sessions, r),
  };
}

/** An explicit Deny among the identity-side types, in AWS's order; undefined when none. */
export function identitySideDeny(t: TypeResults): EvaluationResult | undefined {
  if (t.identity === DENY) return deny('identity');
  if (t.boundary === DENY) return deny('permissions-boundary');
  if (t.session === DENY) return deny('session-policy');
  return undefined;
}

/** The implicit deny a permissions boundary or session policy imposes; undefined when neither limits. */
export function limitingImplicitDeny(t: TypeResults): EvaluationResult | undefined {
  if (t.boundary !== undefined && t.boundary !== ALLOW) return { decision: 'ImplicitDeny', reason: 'permissions-boundary' };
  if (t.session !== undefined && t.session !== ALLOW) return { decision: 'ImplicitDeny', reason: 'session-policy' };
  return undefined;
}

export function combineIdentitySide(t: TypeResults): EvaluationResult {
  const denied = identitySideDeny(t);
  if (denied) return denied;
  if (t.identity !== ALLOW) return { decision: 'ImplicitDeny', reason: 'no-allow' };
  return limitingImplicitDeny(t) ?? { decision: 'Allow', reason: 'allowed' };
}

export function evaluatePolicies(set: PolicySet, request: PolicyRequest): EvaluationResult {
  return combineIdentitySide(evaluatePolicyTypes(set, requestState(request)));
}

export function deny(denySource: DenySource): EvaluationResult {
  return { decision: 'ExplicitDeny', reason: 'explicit-deny', denySource };
}

const DENY_PHRASE: Record<DenySource, string> = {
  identity: 'an identity-based policy',
  'permissions-boundary': 'a permissions boundary',
  'session-policy': 'a session policy',
  'resource-policy': 'a resource-based policy',
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
    case 'resource-policy':
      // AWS words a refusal by a role trust policy without a reason ("... on resource: <role>").
      return '';
  }
}
