/**
 * The IAM policy language: validation (IAM's MalformedPolicyDocument messages), compilation
 * (cached by document text) and evaluation of identity-based policies, permissions boundaries,
 * session policies and role trust policies.
 */
export { validatePolicyDocument, type PolicyKind } from './validate.ts';
export { evaluatePolicies, accessDeniedReason } from './evaluate.ts';
export { trustPolicyAllows, evaluateTrustPolicy } from './trust.ts';
export { clearPolicyCache, policyCacheSize, CACHE_LIMIT } from './compile.ts';
export type * from './types.ts';
