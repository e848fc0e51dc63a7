/**
 * IAM authorization of one call: the condition context AWS would build, the principal's
 * policies (with the resource's own policy when the check carries one: evaluateAccess), and
 * AWS's AccessDenied message when the answer is no. Root is always allowed.
 */
import { AwsError } from '../core/aws-error.ts';
import type { CallContext, ServiceProvider } from '../core/service.ts';
import type { Principal } from '../core/principal.ts';
import { isoSeconds } from '../core/clock.ts';
import type { ConditionContext, EvaluationResult, PolicySet, TrustCaller } from './policy/types.ts';
import { accessDeniedReason, evaluateAccess, evaluatePolicies } from './policy/index.ts';

const PRINCIPAL_TYPE: Record<string, string> = {
  Root: 'Account', IAMUser: 'User', AssumedRole: 'AssumedRole', FederatedUser: 'FederatedUser', AWSService: 'Service',
};

export function conditionContext(ctx: CallContext): ConditionContext {
  const p = ctx.principal;
  const keys: ConditionContext = {
    'aws:SourceIp': ctx.sourceIp,
    'aws:RequestedRegion': ctx.region,
    'aws:PrincipalArn': p.type === 'AssumedRole' && p.issuerArn ? p.issuerArn : p.arn,
    'aws:PrincipalAccount': p.accountId,
    'aws:PrincipalType': PRINCIPAL_TYPE[p.type] ?? p.type,
    'aws:userid': p.principalId,
    'aws:CurrentTime': isoSeconds(ctx.now),
    'aws:EpochTime': String(Math.floor(ctx.now.getTime() / 1000)),
    'aws:SecureTransport': 'false',
  };
  if (p.type === 'IAMUser' && p.userName) keys['aws:username'] = p.userName;
  if (p.sessionContext) {
    keys['aws:MultiFactorAuthPresent'] = p.sessionContext.attributes.mfaAuthenticated;
    keys['aws:TokenIssueTime'] = p.sessionContext.attributes.creationDate;
  }
  return keys;
}

/** The caller as a resource-based policy's Principal element sees it. */
export function policyCaller(p: Principal): TrustCaller {
  const caller: TrustCaller = { arn: p.arn, accountId: p.accountId };
  if (p.type === 'AssumedRole' && p.issuerArn) caller.roleArn = p.issuerArn;
  if (p.type === 'AWSService') caller.service = p.invokedBy ?? p.arn;
  return caller;
}

/** Throws the service's AccessDenied error unless every targeted resource is allowed. */
export function authorizeCall(
  ctx: CallContext,
  provider: ServiceProvider,
  policiesFor: (p: Principal) => PolicySet,
  input: Record<string, unknown>,
): void {
  const principal = ctx.principal;
  if (principal.type === 'Root') return;
  if (provider.unauthenticatedOperations?.has(ctx.operation)) return;
  const checks = provider.authorizations?.(ctx, ctx.operation, input) ?? [{
    action: `${provider.actionPrefix}:${ctx.operation}`,
    resources: provider.authorize?.(ctx, ctx.operation, input) ?? ['*'],
  }];
  const policies = policiesFor(principal);
  const baseContext = conditionContext(ctx);
  for (const { action, resources, conditionKeys, resourcePolicy } of checks) {
    const context = conditionKeys ? { ...baseContext, ...conditionKeys } : baseContext;
    for (const resource of resources) {
      const result: EvaluationResult = resourcePolicy
        ? evaluateAccess({
          action, resource, context, resourcePolicy,
          caller: policyCaller(principal),
          // AWS service principals have no identity policies: the resource policy alone decides.
          identity: principal.type === 'AWSService' ? undefined : policies,
        })
        : evaluatePolicies(policies, { action, resource, context });
      if (result.decision !== 'Allow') {
        const reason = accessDeniedReason(result, action);
        const message = `User: ${principal.arn} is not authorized to perform: ${action} on resource: ${resource}${reason ? ` ${reason}` : ''}`;
        throw new AwsError(provider.accessDenied.code, message, {
          status: provider.accessDenied.status,
        });
      }
    }
  }
}
