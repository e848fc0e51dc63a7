/**
 * The IAM policy language: validation (IAM's MalformedPolicyDocument messages), compilation
 * (cached by document text) and evaluation of identity-based policies, permissions boundaries,
 * session policies and role trust policies, and AWS's combination of a resource-based policy
 * with the caller's own (evaluateAccess).
 */
export { validatePolicyDocument, type PolicyKind } from './validate.ts';
export { evaluatePolicies, accessDeniedReason } from './evaluate.ts';
export { trustPolicyAllows, evaluateTrustPolicy } from './trust.ts';
export { evaluateAccess } from './access.ts';
export { clearPolicyCache, policyCacheSize, CACHE_LIMIT } from './compile.ts';
export type * from './types.ts';
