/**
 * Issuing temporary credentials: session policies (inline and managed ARNs, validated and sized
 * as STS packs them), the ASIA key row, and the Credentials output member.
 */
import { deflateRawSync } from 'node:zlib';
import { AwsError } from '../../core/aws-error.ts';
import type { CallContext } from '../../core/service.ts';
import type { Params } from '../../wire/types.ts';
import { validatePolicyDocument } from '../../auth/policy/index.ts';
import {
  AccessKeyRepo, ManagedPolicyRepo, newSecretAccessKey, newSessionToken, newTemporaryKeyId, parseIamArn, type TemporaryKey,
} from '../../auth/identities/index.ts';
import { malformedPolicy, stsValidation } from './validation.ts';

const MAX_POLICY_ARNS = 10;
/** The budget that PackedPolicySize is a percentage of (an approximation of STS's packing). */
const PACKED_BUDGET_BYTES = 2048;

export interface SessionPolicies {
  inline?: string;
  arns: string[];
  /** Percentage of the packed-policy budget used; undefined when no session policy was given. */
  packedSize?: number;
}

/** Validates Policy and PolicyArns; managed session policies may be the account's or AWS's. */
export function readSessionPolicies(ctx: CallContext, input: Params, accountId: string): SessionPolicies {
  const inline = typeof input.Policy === 'string' ? input.Policy : undefined;
  const arns = Array.isArray(input.PolicyArns) ? input.PolicyArns.map((p) => String((p as { arn?: unknown }).arn ?? '')) : [];
  if (arns.length > MAX_POLICY_ARNS) {
    throw stsValidation(`1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to ${MAX_POLICY_ARNS}`);
  }
  if (inline !== undefined) {
    const problem = validatePolicyDocument(inline, 'identity');
    if (problem !== undefined) throw malformedPolicy(problem);
  }
  const managed = new ManagedPolicyRepo(ctx.db);
  for (const arn of arns) {
    const parsed = parseIamArn(arn);
    const visible = parsed?.type === 'policy' && (parsed.accountId === accountId || parsed.accountId === 'aws') && managed.byArn(arn);
    if (!visible) throw stsValidation(`Policy ${arn} does not exist or is not attachable.`);
  }
  const out: SessionPolicies = { arns };
  if (inline !== undefined) out.inline = inline;
  if (inline !== undefined || arns.length) {
    const packed = deflateRawSync(Buffer.from(minify(inline ?? '') + arns.join(''), 'utf8')).length;
    out.packedSize = Math.ceil((packed * 100) / PACKED_BUDGET_BYTES);
    if (out.packedSize > 100) {
      throw new AwsError('PackedPolicyTooLarge', `Packed policy consumes ${out.packedSize}% of allotted space, please use smaller policy.`, { status: 400 });
    }
  }
  return out;
}

function minify(document: string): string {
  try {
    return JSON.stringify(JSON.parse(document));
  } catch {
    return document;
  }
}

export type Issue = Omit<TemporaryKey, 'id' | 'secret' | 'sessionToken' | 'createdAt' | 'expiresAt'> & { durationSeconds: number };

/** Stores the new credentials and returns them with the Credentials output member. */
export function issueCredentials(ctx: CallContext, issue: Issue): { key: TemporaryKey; Credentials: Params } {
  const { durationSeconds, ...rest } = issue;
  const key: TemporaryKey = {
    ...rest,
    id: newTemporaryKeyId(ctx.ids),
    secret: newSecretAccessKey(ctx.ids),
    sessionToken: newSessionToken(ctx.ids),
    createdAt: ctx.now,
    // STS expirations carry whole seconds.
    expiresAt: new Date(Math.floor(ctx.now.getTime() / 1000) * 1000 + durationSeconds * 1000),
  };
  new AccessKeyRepo(ctx.db).createTemporary(key);
  ctx.resources.push({ type: 'AWS::IAM::AccessKey', name: key.id });
  return {
    key,
    Credentials: { AccessKeyId: key.id, SecretAccessKey: key.secret, SessionToken: key.sessionToken, Expiration: key.expiresAt },
  };
}
