/**
 * The resource ARN each IAM operation is authorized against: the user, role or policy it acts
 * on (as IAM's service authorization reference lists them), '*' for account-wide listings.
 */
import type { CallContext } from '../../core/service.ts';
import type { Params } from '../../wire/types.ts';
import { RoleRepo, UserRepo, policyArn, roleArn, userArn } from '../../auth/identities/index.ts';
import { str } from './common.ts';

/** Operations on a user named by UserName (or, where optional, the caller). */
const USER_OPS = new Set([
  'CreateUser', 'GetUser', 'UpdateUser', 'DeleteUser',
  'CreateAccessKey', 'ListAccessKeys', 'UpdateAccessKey', 'DeleteAccessKey',
  'PutUserPolicy', 'GetUserPolicy', 'ListUserPolicies', 'DeleteUserPolicy',
  'AttachUserPolicy', 'DetachUserPolicy', 'ListAttachedUserPolicies',
  'CreateLoginProfile', 'GetLoginProfile', 'UpdateLoginProfile', 'DeleteLoginProfile',
  // No UserName member: always the caller.
  'ChangePassword',
]);

const ROLE_OPS = new Set([
  'CreateRole', 'GetRole', 'DeleteRole', 'UpdateAssumeRolePolicy',
  'PutRolePolicy', 'GetRolePolicy', 'ListRolePolicies', 'DeleteRolePolicy',
  'AttachRolePolicy', 'DetachRolePolicy', 'ListAttachedRolePolicies',
]);

const POLICY_ARN_OPS = new Set(['GetPolicy', 'DeletePolicy', 'GetPolicyVersion']);

export function authorizeIam(ctx: CallContext, operation: string, input: Params): string[] {
  const acct = ctx.accountId;
  if (USER_OPS.has(operation)) {
    const name = str(input, 'UserName');
    if (name === undefined) return [ctx.principal.type === 'IAMUser' || ctx.principal.type === 'Root' ? ctx.principal.arn : '*'];
    if (operation === 'CreateUser') return [userArn(acct, str(input, 'Path') ?? '/', name)];
    return [new UserRepo(ctx.db).get(acct, name)?.arn ?? userArn(acct, '/', name)];
  }
  if (ROLE_OPS.has(operation)) {
    const name = str(input, 'RoleName') ?? '';
    if (operation === 'CreateRole') return [roleArn(acct, str(input, 'Path') ?? '/', name)];
    return [new RoleRepo(ctx.db).get(acct, name)?.arn ?? roleArn(acct, '/', name)];
  }
  if (POLICY_ARN_OPS.has(operation)) return [str(input, 'PolicyArn') ?? '*'];
  if (operation === 'CreatePolicy') return [policyArn(acct, str(input, 'Path') ?? '/', str(input, 'PolicyName') ?? '')];
  return ['*'];
}
