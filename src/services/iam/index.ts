/** AWS Identity and Access Management (query protocol, global: events recorded in us-east-1). */
import type { ServiceProvider } from '../../core/service.ts';
import { accessKeyHandlers } from './access-keys.ts';
import { accountAliasHandlers } from './account-aliases.ts';
import { attachmentHandlers } from './attachments.ts';
import { authorizeIam } from './authorize.ts';
import { inlinePolicyHandlers } from './inline-policies.ts';
import { loginProfileHandlers, loginProfileStagedHandlers } from './login-profiles.ts';
import { managedPolicyHandlers } from './managed-policies.ts';
import { roleHandlers } from './roles.ts';
import { userHandlers } from './users.ts';

export const iamProvider: ServiceProvider = {
  signingName: 'iam',
  eventSource: 'iam.amazonaws.com',
  actionPrefix: 'iam',
  validationErrorCode: 'ValidationError',
  accessDenied: { code: 'AccessDenied', status: 403 },
  globalRegion: 'us-east-1',
  handlers: {
    ...userHandlers,
    ...accessKeyHandlers,
    ...roleHandlers,
    ...inlinePolicyHandlers,
    ...managedPolicyHandlers,
    ...attachmentHandlers,
    ...accountAliasHandlers,
    ...loginProfileHandlers,
  },
  // Password hashing runs outside the transaction (login-profiles.ts).
  stagedHandlers: loginProfileStagedHandlers,
  authorize: authorizeIam,
};
