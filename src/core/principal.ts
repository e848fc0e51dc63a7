/**
 * Who made a call, as authentication resolved it. The shape mirrors CloudTrail's userIdentity so
 * the audit builder can copy it; policy evaluation reads `policySources`.
 */
export type PrincipalType = 'Root' | 'IAMUser' | 'AssumedRole' | 'FederatedUser' | 'AWSService';

export interface SessionIssuer {
  type: 'Role' | 'IAMUser' | 'Root';
  principalId: string;
  arn: string;
  accountId: string;
  userName: string;
}

export interface SessionContext {
  sessionIssuer?: SessionIssuer;
  webIdFederationData?: Record<string, unknown>;
  attributes: { creationDate: string; mfaAuthenticated: 'true' | 'false' };
  sourceIdentity?: string;
}

export interface Principal {
  type: PrincipalType;
  accountId: string;
  arn: string;
  principalId: string;
  accessKeyId: string;
  /** IAM user name (IAMUser), or the account alias for Root. Absent for AssumedRole. */
  userName?: string;
  sessionContext?: SessionContext;
  /** Role session name or federated-user name (LookupEvents Username for those types). */
  sessionName?: string;
  /** Temporary credentials carry a session policy that further limits them. */
  sessionPolicy?: string;
  /** Set when the call came from console-session credentials. */
  fromConsole?: boolean;
  /** The IAM entity whose policies apply: user or role (by ARN); undefined for Root. */
  identityArn?: string;
  /** For AssumedRole: the role; for FederatedUser: the issuing user (or root). */
  issuerArn?: string;
  /** For AWSService: the service principal acting (healthlake.amazonaws.com). */
  invokedBy?: string;
  /** For AWSService: the resource it acts for (a trust policy's aws:SourceArn). */
  sourceArn?: string;
}

/**
 * An AWS service acting on its own behalf for a resource of `accountId`: a HealthLake job
 * assuming the job's DataAccessRoleArn. CloudTrail writes it as {type: AWSService, invokedBy}.
 */
export function servicePrincipal(service: string, accountId: string, sourceArn?: string): Principal {
  return {
    type: 'AWSService', accountId, arn: service, principalId: service, accessKeyId: '', invokedBy: service,
    ...(sourceArn !== undefined ? { sourceArn } : {}),
  };
}

/** LookupEvents' Username attribute: root, user name, or the session name. */
export function lookupUserName(p: Principal): string | undefined {
  switch (p.type) {
    case 'Root': return 'root';
    case 'IAMUser': return p.userName;
    case 'AssumedRole':
    case 'FederatedUser': return p.sessionName;
    default: return undefined;
  }
}
