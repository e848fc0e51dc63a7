/**
 * Temporary credentials from long-term ones: GetSessionToken (same identity, with session
 * attributes) and GetFederationToken (a federated user limited by a session policy). Neither is
 * callable with temporary credentials; root's sessions last at most one hour.
 */
import type { CallContext, Handler } from '../../core/service.ts';
import type { Params } from '../../wire/types.ts';
import { federatedUserArn, isTemporaryKeyId } from '../../auth/identities/index.ts';
import { issueCredentials, readSessionPolicies } from './credentials.ts';
import { Violations, accessDenied, stsValidation } from './validation.ts';

const DEFAULT_DURATION = 43200;
const ROOT_MAX_DURATION = 3600;

/** The calling IAM user's id, or undefined for root; anything else may not call. */
function longTermCaller(ctx: CallContext, operation: string): string | undefined {
  const p = ctx.principal;
  if (isTemporaryKeyId(p.accessKeyId) || (p.type !== 'IAMUser' && p.type !== 'Root')) {
    throw accessDenied(`Cannot call ${operation} with session credentials`);
  }
  return p.type === 'IAMUser' ? p.principalId : undefined;
}

function duration(ctx: CallContext, input: Params): number {
  const requested = typeof input.DurationSeconds === 'number' ? input.DurationSeconds : undefined;
  new Violations().range('DurationSeconds', requested, 900, 129600).throwIfAny();
  // Root sessions are capped at an hour (default and maximum) rather than refused.
  if (ctx.principal.type === 'Root') return Math.min(requested ?? ROOT_MAX_DURATION, ROOT_MAX_DURATION);
  return requested ?? DEFAULT_DURATION;
}

function rejectMfa(input: Params): void {
  if (input.SerialNumber !== undefined || input.TokenCode !== undefined) {
    throw accessDenied('MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user.');
  }
}

const GetSessionToken: Handler = (ctx, input) => {
  const userId = longTermCaller(ctx, 'GetSessionToken');
  const durationSeconds = duration(ctx, input);
  rejectMfa(input);
  const { Credentials } = issueCredentials(ctx, {
    accountId: ctx.principal.accountId,
    sessionType: userId ? 'IAMUser' : 'Root',
    ...(userId ? { userId } : {}),
    issuerArn: ctx.principal.arn,
    durationSeconds,
  });
  return { Credentials };
};

const GetFederationToken: Handler = (ctx, input) => {
  const userId = longTermCaller(ctx, 'GetFederationToken');
  const name = String(input.Name ?? '');
  new Violations().name('Name', name, 2, 32).throwIfAny();
  if (typeof input.Policy === 'string' && input.Policy.length > 2048) {
    throw stsValidation(`1 validation error detected: Value at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048`);
  }
  const durationSeconds = duration(ctx, input);
  if (Array.isArray(input.Tags) && input.Tags.length) throw stsValidation('Session tags are not supported by HealthTrail.');
  const accountId = ctx.principal.accountId;
  const policies = readSessionPolicies(ctx, input, accountId);
  const { Credentials } = issueCredentials(ctx, {
    accountId,
    sessionType: 'FederatedUser',
    ...(userId ? { userId } : {}),
    sessionName: name,
    issuerArn: ctx.principal.arn,
    ...(policies.inline !== undefined ? { sessionPolicy: policies.inline } : {}),
    sessionPolicyArns: policies.arns,
    durationSeconds,
  });
  ctx.resources.push({ type: 'AWS::STS::FederatedUser', name });
  const out: Params = { Credentials, FederatedUser: { FederatedUserId: `${accountId}:${name}`, Arn: federatedUserArn(accountId, name) } };
  if (policies.packedSize !== undefined) out.PackedPolicySize = policies.packedSize;
  return out;
};

export const sessionTokenHandlers: Record<string, Handler> = { GetSessionToken, GetFederationToken };
