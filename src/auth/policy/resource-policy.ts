/**
 * One resource-based policy (a role trust policy today; bucket policies later) against one
 * request: a statement applies when its Action, Principal (or NotPrincipal), Resource (when the
 * statement has one: trust policies have none) and conditions match; any applicable Deny
 * refuses, else an applicable Allow admits, reporting the strongest way the caller was named.
 */
import { compilePolicy } from './compile.ts';
import { evaluateConditions } from './conditions.ts';
import { statementActionMatches, statementResourceMatches, type RequestState } from './evaluate.ts';
import { principalMatch } from './principal.ts';
import type { TrustCaller, TrustEvaluation, TrustMatch } from './types.ts';

const STRENGTH: Record<TrustMatch, number> = { wildcard: 0, account: 1, role: 2, federated: 2, service: 2, principal: 3 };

export function evaluateResourcePolicy(document: string, caller: TrustCaller, r: RequestState): TrustEvaluation {
  const policy = compilePolicy(document);
  let matchedBy: TrustMatch | undefined;
  for (const s of policy.statements) {
    if (!statementActionMatches(s, r.action)) continue;
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
    if ((s.resources !== undefined || s.notResources !== undefined) && !statementResourceMatches(s, r)) continue;
    if (!evaluateConditions(s.conditions, r.lookup)) continue;
    if (s.deny) return { allowed: false, decision: 'ExplicitDeny' };
    if (matchedBy === undefined || STRENGTH[how] > STRENGTH[matchedBy]) matchedBy = how;
  }
  return matchedBy === undefined
    ? { allowed: false, decision: 'ImplicitDeny' }
    : { allowed: true, decision: 'Allow', matchedBy };
}
