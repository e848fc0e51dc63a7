/**
 * The contract of the IAM policy engine (src/auth/policy/). Policy documents are JSON text as
 * IAM stores them; the engine compiles and caches them.
 */
export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

/** Condition-context values: aws:SourceIp, aws:RequestedRegion, aws:PrincipalArn,
 * aws:PrincipalAccount, aws:PrincipalType, aws:userid, aws:username, aws:CurrentTime,
 * aws:EpochTime, aws:SecureTransport, aws:MultiFactorAuthPresent, aws:TokenIssueTime, and
 * service keys. Absent keys are simply not in the map. */
export type ConditionContext = Record<string, string | string[]>;

export interface PolicyRequest {
  /** e.g. 'healthlake:DescribeFHIRDatastore' */
  action: string;
  /** The resource ARN, or '*' for actions without one. */
  resource: string;
  context: ConditionContext;
}

export interface PolicySet {
  /** Identity-based policies of the user or role (inline and attached managed), as JSON text. */
  identityPolicies: string[];
  /** Session policies of temporary credentials (AssumeRole Policy, GetFederationToken Policy). */
  sessionPolicies?: string[];
  /** A permissions boundary, if the entity has one. */
  permissionsBoundary?: string;
}

/** The calling principal as a trust policy's Principal element sees it. */
export interface TrustCaller {
  /** 'AWS' principals: the user/role/root ARN; for assumed-role sessions, the session ARN. */
  arn: string;
  accountId: string;
  /** For AssumedRole callers: the role ARN (trust policies name roles, not sessions). */
  roleArn?: string;
  /** For AWS services: e.g. 'healthlake.amazonaws.com'. */
  service?: string;
  /** For web-identity / SAML callers: the provider as a trust policy's Federated names it,
   * e.g. 'cognito-identity.amazonaws.com' or 'arn:aws:iam::123456789012:oidc-provider/…'. */
  federated?: string;
}

// ---- Additions (policy engine) ------------------------------------------------------------

/** Why evaluatePolicies decided as it did; 'explicit-deny' comes with a DenySource. */
export type EvaluationReason =
  | 'explicit-deny'
  | 'no-allow'
  | 'session-policy'
  | 'permissions-boundary'
  | 'resource-policy'
  | 'allowed';

/** Which policy type held the explicit Deny (AWS names it in AccessDenied messages). */
export type DenySource = 'identity' | 'permissions-boundary' | 'session-policy' | 'resource-policy';

export interface EvaluationResult {
  decision: Decision;
  reason: EvaluationReason;
  /** Present when reason is 'explicit-deny'. */
  denySource?: DenySource;
}

/** Extra inputs for validatePolicyDocument; all optional. */
export interface PolicyValidationOptions {
  /** CreatePolicy / CreatePolicyVersion: managed policies must say Version 2012-10-17
   * ("Policy document must be version 2012-10-17 or greater."). */
  requireCurrentVersion?: boolean;
  /** Trust policies: called for IAM user/role ARNs named as AWS principals; return false when
   * no such entity exists, and the document fails with `Invalid principal in policy: "AWS":"…"`. */
  principalExists?: (arn: string) => boolean;
  /** Trust policies: called for Service principals; return false for unknown services. */
  serviceExists?: (service: string) => boolean;
}

/** How a resource-based (or trust) policy matched its caller: 'principal' names the caller's own
 * ARN (user, role session, federated session), 'role' the role behind a session, 'account' the
 * account (which delegates to its identity policies), 'wildcard' everyone ("*"). */
export type TrustMatch = 'principal' | 'role' | 'service' | 'federated' | 'account' | 'wildcard';

export interface TrustEvaluation {
  allowed: boolean;
  decision: Decision;
  /** Set when allowed: the strongest kind of Principal entry that matched. */
  matchedBy?: TrustMatch;
}

/** The resource-based policy of the resource a request targets (a role trust policy today). */
export interface ResourcePolicy {
  /** The document as JSON text; undefined when the resource has none or does not exist. */
  document: string | undefined;
  /** The account that owns the resource. */
  accountId: string;
  /** Role trust policies (like KMS key policies) must allow the caller themselves: an identity
   * policy's Allow alone never suffices. Other resource policies (bucket policies) only add. */
  mustAllow: boolean;
}

/** One request with everything AWS's evaluation logic weighs when a resource policy is involved. */
export interface AccessRequest extends PolicyRequest {
  /** The caller as a resource policy's Principal sees it. */
  caller: TrustCaller;
  /** The caller's identity policies, boundary and session policies; undefined for AWS service
   * principals, which have none (the resource policy alone decides). */
  identity: PolicySet | undefined;
  resourcePolicy: ResourcePolicy;
}
