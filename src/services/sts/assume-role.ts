/**
 * sts:AssumeRole. Who may assume the role is decided once, by the pipeline's IAM check
 * (assumeRoleAuthorization): the role's trust policy together with the caller's identity
 * policies, in AWS's evaluation order (auth/policy/access.ts), so an explicit Deny anywhere wins.
 * Role chaining (assumed-role callers) is capped at one hour, and the source identity carries
 * over, as in STS.
 */
import { isoSeconds } from '../../core/clock.ts';
import type { Principal } from '../../core/principal.ts';
import type { Authorization, CallContext, Handler } from '../../core/service.ts';
import type { Params } from '../../wire/types.ts';
import type { ConditionContext } from '../../auth/policy/types.ts';
import { RoleRepo, assumedRoleArn, parseIamArn, type RoleRecord } from '../../auth/identities/index.ts';
import { issueCredentials, readSessionPolicies } from './credentials.ts';
import { Violations, accessDenied, stsValidation } from './validation.ts';

const DEFAULT_DURATION = 3600;
const ROLE_CHAINING_LIMIT = 3600;

const PRINCIPAL_TYPE: Record<Principal['type'], string> = {
  Root: 'Account', IAMUser: 'User', AssumedRole: 'AssumedRole', FederatedUser: 'FederatedUser', AWSService: 'AWSService',
};

const notAuthorized = (p: Principal, roleArn: string) =>
  accessDenied(`User: ${p.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);

/** The condition keys a trust policy can test for this request. */
export function trustContext(ctx: CallContext, input: Params): ConditionContext {
  const p = ctx.principal;
  const c: ConditionContext = {
    'aws:PrincipalArn': p.type === 'AssumedRole' && p.issuerArn ? p.issuerArn : p.arn,
    'aws:PrincipalAccount': p.accountId,
    'aws:PrincipalType': PRINCIPAL_TYPE[p.type],
    'aws:userid': p.principalId,
    'aws:SourceIp': ctx.sourceIp,
    'aws:RequestedRegion': ctx.region,
    'aws:CurrentTime': isoSeconds(ctx.now),
    'aws:EpochTime': String(Math.floor(ctx.now.getTime() / 1000)),
    'sts:RoleSessionName': String(input.RoleSessionName ?? ''),
  };
  if (p.type === 'IAMUser' && p.userName) c['aws:username'] = p.userName;
  if (p.type === 'AWSService') {
    // The confused-deputy keys a service role's trust policy tests (HealthLake's documented one does).
    c['aws:SourceAccount'] = p.accountId;
    if (p.sourceArn !== undefined) c['aws:SourceArn'] = p.sourceArn;
  }
  if (p.sessionContext) {
    c['aws:TokenIssueTime'] = p.sessionContext.attributes.creationDate;
    c['aws:MultiFactorAuthPresent'] = p.sessionContext.attributes.mfaAuthenticated;
  }
  if (typeof input.ExternalId === 'string') c['sts:ExternalId'] = input.ExternalId;
  if (typeof input.SourceIdentity === 'string') c['sts:SourceIdentity'] = input.SourceIdentity;
  return c;
}

function findRole(ctx: CallContext, arn: string): RoleRecord | undefined {
  const parsed = parseIamArn(arn);
  if (!parsed || parsed.type !== 'role') return undefined;
  return new RoleRepo(ctx.db).get(parsed.accountId, parsed.name);
}

/** Parameters this emulator does not implement answer an honest error rather than being ignored. */
function rejectUnsupported(input: Params): void {
  if (Array.isArray(input.Tags) && input.Tags.length) throw stsValidation('Session tags are not supported by HealthTrail.');
  if (Array.isArray(input.TransitiveTagKeys) && input.TransitiveTagKeys.length) throw stsValidation('Session tags are not supported by HealthTrail.');
  if (Array.isArray(input.ProvidedContexts) && input.ProvidedContexts.length) throw stsValidation('ProvidedContexts is not supported by HealthTrail.');
  if (input.SerialNumber !== undefined || input.TokenCode !== undefined) {
    throw accessDenied('MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user.');
  }
}

/**
 * The IAM check of AssumeRole: sts:AssumeRole on the role ARN, with the role's trust policy as the
 * resource policy that must allow (an unknown role has none, so the answer is AccessDenied), and
 * the trust policy's condition keys in the context every policy sees.
 */
export function assumeRoleAuthorization(ctx: CallContext, input: Params): Authorization {
  const arn = String(input.RoleArn ?? '');
  const role = findRole(ctx, arn);
  return {
    action: 'sts:AssumeRole',
    resources: [arn],
    conditionKeys: trustContext(ctx, input),
    resourcePolicy: { document: role?.trustPolicy, accountId: role?.accountId ?? parseIamArn(arn)?.accountId ?? '', mustAllow: true },
  };
}

const AssumeRole: Handler = (ctx, input) => {
  const p = ctx.principal;
  const arn = String(input.RoleArn ?? '');
  const sessionName = String(input.RoleSessionName ?? '');
  const requested = typeof input.DurationSeconds === 'number' ? input.DurationSeconds : undefined;
  new Violations()
    .name('RoleSessionName', sessionName, 2, 64)
    .range('DurationSeconds', requested, 900, 43200)
    .name('SourceIdentity', typeof input.SourceIdentity === 'string' ? input.SourceIdentity : undefined, 2, 64)
    .throwIfAny();
  if (p.type === 'Root') throw accessDenied('Roles may not be assumed by root accounts.');
  rejectUnsupported(input);

  const role = findRole(ctx, arn);
  // The trust policy was weighed by the IAM check; a federated user may never assume a role.
  if (!role || p.type === 'FederatedUser') throw notAuthorized(p, arn);

  const policies = readSessionPolicies(ctx, input, role.accountId);
  const chained = p.type === 'AssumedRole';
  const duration = requested ?? DEFAULT_DURATION;
  if (chained && duration > ROLE_CHAINING_LIMIT) {
    throw stsValidation('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  }
  if (duration > role.maxSessionDuration) {
    throw stsValidation('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }
  // A source identity, once set, stays with every chained session.
  const inherited = p.sessionContext?.sourceIdentity;
  const sourceIdentity = inherited ?? (typeof input.SourceIdentity === 'string' ? input.SourceIdentity : undefined);

  const { Credentials } = issueCredentials(ctx, {
    accountId: role.accountId, sessionType: 'AssumedRole', roleId: role.id, sessionName, issuerArn: role.arn,
    ...(policies.inline !== undefined ? { sessionPolicy: policies.inline } : {}),
    sessionPolicyArns: policies.arns,
    ...(sourceIdentity !== undefined ? { sourceIdentity } : {}),
    roleChained: chained,
    durationSeconds: duration,
  });
  const sessionArn = assumedRoleArn(role.accountId, role.name, sessionName);
  const assumedRoleId = `${role.id}:${sessionName}`;
  ctx.resources.push(
    { type: 'AWS::STS::AssumedRole', name: sessionName },
    { type: 'AWS::STS::AssumedRole', name: assumedRoleId },
    { type: 'AWS::IAM::Role', name: role.arn, arn: role.arn, accountId: role.accountId },
  );
  const out: Params = { Credentials, AssumedRoleUser: { AssumedRoleId: assumedRoleId, Arn: sessionArn } };
  if (policies.packedSize !== undefined) out.PackedPolicySize = policies.packedSize;
  if (sourceIdentity !== undefined) out.SourceIdentity = sourceIdentity;
  return out;
};

export const assumeRoleHandlers: Record<string, Handler> = { AssumeRole };
