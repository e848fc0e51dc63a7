/**
 * AWS's evaluation logic for a request that a resource-based policy can also decide (IAM User
 * Guide, "Policy evaluation logic" and "Cross-account policy evaluation logic"). The one place
 * that combines a resource policy with the caller's own policies; role trust policies use it now,
 * bucket policies and the others will.
 *
 *  1. An explicit Deny in any applicable policy (resource, identity, boundary, session) wins.
 *  2. AWS service principals (healthlake.amazonaws.com) have no identity policies: the resource
 *     policy alone decides.
 *  3. Cross-account: both sides must allow (the identity side with its boundary and session
 *     policies, and the resource policy).
 *  4. Same account, resource policy allows:
 *     - naming the caller itself (user, role session, federated session) or everyone: allowed,
 *       whatever the identity side says;
 *     - naming the role behind a session: allowed unless its boundary or session policy
 *       implicitly denies;
 *     - naming only the account (`arn:aws:iam::ACCOUNT:root`): that delegates to the account's
 *       identity policies, which must allow.
 *  5. Same account, resource policy does not allow: a trust policy (mustAllow) refuses; any
 *     other resource policy leaves the decision to the identity side.
 */
import {
  combineIdentitySide, deny, evaluatePolicyTypes, identitySideDeny, limitingImplicitDeny, requestState, type TypeResults,
} from './evaluate.ts';
import { evaluateResourcePolicy } from './resource-policy.ts';
import type { AccessRequest, EvaluationResult, TrustEvaluation } from './types.ts';

const ALLOWED: EvaluationResult = { decision: 'Allow', reason: 'allowed' };
const NOT_ALLOWED_BY_RESOURCE: EvaluationResult = { decision: 'ImplicitDeny', reason: 'resource-policy' };
const NO_RESOURCE_POLICY: TrustEvaluation = { allowed: false, decision: 'ImplicitDeny' };

export function evaluateAccess(request: AccessRequest): EvaluationResult {
  const r = requestState(request);
  const { document, accountId, mustAllow } = request.resourcePolicy;
  const resource = document === undefined ? NO_RESOURCE_POLICY : evaluateResourcePolicy(document, request.caller, r);
  if (resource.decision === 'ExplicitDeny') return deny('resource-policy');

  if (request.identity === undefined) return resource.allowed ? ALLOWED : NOT_ALLOWED_BY_RESOURCE;
  const types = evaluatePolicyTypes(request.identity, r);
  const denied = identitySideDeny(types);
  if (denied) return denied;
  const identity = combineIdentitySide(types);

  if (request.caller.accountId !== accountId) {
    if (identity.decision !== 'Allow') return identity;
    return resource.allowed ? ALLOWED : NOT_ALLOWED_BY_RESOURCE;
  }
  if (!resource.allowed) return mustAllow ? NOT_ALLOWED_BY_RESOURCE : identity;
  return sameAccountGrant(resource, types, identity);
}

function sameAccountGrant(resource: TrustEvaluation, types: TypeResults, identity: EvaluationResult): EvaluationResult {
  switch (resource.matchedBy) {
    case 'principal':
    case 'wildcard':
    case 'service':
    case 'federated':
      return ALLOWED;
    case 'role':
      return limitingImplicitDeny(types) ?? ALLOWED;
    case 'account':
    default:
      return identity;
  }
}
