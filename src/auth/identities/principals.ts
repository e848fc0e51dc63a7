/**
 * Principal builders: each returns exactly CloudTrail's userIdentity shape for its type
 * (spec/cloudtrail.md §1.4), with the userIdentity fields first and in CloudTrail's order, plus
 * the fields authorization reads (sessionName, identityArn, issuerArn, sessionPolicy).
 */
import { isoSeconds } from '../../core/clock.ts';
import type { Principal, SessionContext, SessionIssuer } from '../../core/principal.ts';
import { assumedRoleArn, federatedUserArn, rootArn } from './arns.ts';

/** The IAM entity data a principal needs. */
export interface UserIdentityData {
  id: string;
  accountId: string;
  name: string;
  arn: string;
}
export type RoleIdentityData = UserIdentityData;

/** Present for temporary credentials: when the session began. */
export interface SessionData {
  creationDate: Date;
  mfaAuthenticated?: boolean;
}

function attributes(session: SessionData): SessionContext['attributes'] {
  return { creationDate: isoSeconds(session.creationDate), mfaAuthenticated: session.mfaAuthenticated ? 'true' : 'false' };
}

/** Root: principalId is the account id; userName is the account alias, only when one is set. */
export function rootPrincipal(accountId: string, accessKeyId: string, alias?: string, session?: SessionData): Principal {
  const p: Principal = { type: 'Root', principalId: accountId, arn: rootArn(accountId), accountId, accessKeyId };
  if (alias) p.userName = alias;
  if (session) p.sessionContext = { attributes: attributes(session) };
  return p;
}

/** IAM user; `session` for GetSessionToken credentials (sessionContext.attributes only). */
export function iamUserPrincipal(user: UserIdentityData, accessKeyId: string, session?: SessionData): Principal {
  const p: Principal = {
    type: 'IAMUser', principalId: user.id, arn: user.arn, accountId: user.accountId, accessKeyId, userName: user.name,
  };
  if (session) p.sessionContext = { attributes: attributes(session) };
  p.identityArn = user.arn;
  return p;
}

export function assumedRolePrincipal(
  role: RoleIdentityData,
  sessionName: string,
  accessKeyId: string,
  session: SessionData,
  options: { sessionPolicy?: string; sourceIdentity?: string } = {},
): Principal {
  const issuer: SessionIssuer = { type: 'Role', principalId: role.id, arn: role.arn, accountId: role.accountId, userName: role.name };
  const sessionContext: SessionContext = { sessionIssuer: issuer, webIdFederationData: {}, attributes: attributes(session) };
  if (options.sourceIdentity) sessionContext.sourceIdentity = options.sourceIdentity;
  const p: Principal = {
    type: 'AssumedRole',
    principalId: `${role.id}:${sessionName}`,
    arn: assumedRoleArn(role.accountId, role.name, sessionName),
    accountId: role.accountId,
    accessKeyId,
    sessionContext,
    sessionName,
    identityArn: role.arn,
    issuerArn: role.arn,
  };
  if (options.sessionPolicy !== undefined) p.sessionPolicy = options.sessionPolicy;
  return p;
}

/** Who called GetFederationToken: an IAM user, or the root user (with the account alias, if any). */
export type FederationIssuer =
  | { type: 'IAMUser'; user: UserIdentityData }
  | { type: 'Root'; accountId: string; alias?: string };

export function federatedUserPrincipal(
  name: string,
  issuer: FederationIssuer,
  accessKeyId: string,
  session: SessionData,
  sessionPolicy?: string,
): Principal {
  const accountId = issuer.type === 'IAMUser' ? issuer.user.accountId : issuer.accountId;
  const sessionIssuer = issuer.type === 'IAMUser'
    ? { type: 'IAMUser', principalId: issuer.user.id, arn: issuer.user.arn, accountId, userName: issuer.user.name }
    // The root user has a name only when the account has an alias.
    : { type: 'Root', principalId: accountId, arn: rootArn(accountId), accountId, ...(issuer.alias ? { userName: issuer.alias } : {}) };
  const p: Principal = {
    type: 'FederatedUser',
    principalId: `${accountId}:${name}`,
    arn: federatedUserArn(accountId, name),
    accountId,
    accessKeyId,
    sessionContext: { sessionIssuer: sessionIssuer as SessionIssuer, webIdFederationData: {}, attributes: attributes(session) },
    sessionName: name,
    issuerArn: sessionIssuer.arn,
  };
  if (issuer.type === 'IAMUser') p.identityArn = issuer.user.arn;
  if (sessionPolicy !== undefined) p.sessionPolicy = sessionPolicy;
  return p;
}
