/** AWS Security Token Service (query protocol). GetCallerIdentity needs no permission. */
import type { Handler, ServiceProvider } from '../../core/service.ts';
import { assumeRoleAuthorization, assumeRoleHandlers } from './assume-role.ts';
import { sessionTokenHandlers } from './session-tokens.ts';

/** UserId / Account / Arn exactly as the principal authenticated (userIdentity's principalId). */
const GetCallerIdentity: Handler = (ctx) => ({
  UserId: ctx.principal.principalId,
  Account: ctx.principal.accountId,
  Arn: ctx.principal.arn,
});

export const stsProvider: ServiceProvider = {
  signingName: 'sts',
  eventSource: 'sts.amazonaws.com',
  actionPrefix: 'sts',
  validationErrorCode: 'ValidationError',
  accessDenied: { code: 'AccessDenied', status: 403 },
  handlers: { GetCallerIdentity, ...assumeRoleHandlers, ...sessionTokenHandlers },
  authorizations: (ctx, operation, input) => (operation === 'AssumeRole'
    ? [assumeRoleAuthorization(ctx, input)]
    : [{ action: `sts:${operation}`, resources: ['*'] }]),
  unauthenticatedOperations: new Set(['GetCallerIdentity']),
};
