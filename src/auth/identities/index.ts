/**
 * Identities: accounts, IAM users, roles, policies and access keys, and the principals
 * (CloudTrail userIdentity shapes) they authenticate as. The IAM and STS services write them;
 * authentication reads them through IdentityStore.
 */
export { IdentityStore, ALLOW_ALL_POLICY, ALLOW_NOTHING_POLICY, type ResolvedCredentials } from './store.ts';
export {
  rootPrincipal, iamUserPrincipal, assumedRolePrincipal, federatedUserPrincipal,
  type UserIdentityData, type RoleIdentityData, type SessionData, type FederationIssuer,
} from './principals.ts';
export * from './arns.ts';
export { AccountRepo, type AccountRecord } from './accounts.ts';
export { UserRepo, type UserRecord, type Tag } from './users.ts';
export { RoleRepo, type RoleRecord } from './roles.ts';
export { InlinePolicyRepo, type InlinePolicy, type PolicyOwner } from './inline-policies.ts';
export { ManagedPolicyRepo, type ManagedPolicyRecord, type PolicyVersionRecord } from './managed-policies.ts';
export { AccessKeyRepo, type LongTermKey, type TemporaryKey, type KeyStatus, type SessionType } from './access-keys.ts';
export { LoginProfileRepo, type LoginProfileRecord } from './login-profiles.ts';
export { hashPassword, verifyPassword, passwordPolicyViolation, UNMATCHABLE_HASH } from './passwords.ts';
export { PasswordChecksBusy, passwordHashesStarted } from './password-lane.ts';
