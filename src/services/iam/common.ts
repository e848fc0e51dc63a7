/**
 * What IAM handlers share: reading input members, Marker/MaxItems paging, the URL-encoding IAM
 * applies to policy documents in responses, policy validation and size quotas, tags, and the
 * resources[] entries of the audit record.
 */
import type { CallContext, ResourceRef } from '../../core/service.ts';
import type { Params } from '../../wire/types.ts';
import { validatePolicyDocument, type PolicyValidationOptions } from '../../auth/policy/index.ts';
import { ManagedPolicyRepo, RoleRepo, UserRepo, parseIamArn, type ManagedPolicyRecord, type Tag } from '../../auth/identities/index.ts';
import { invalidArn, invalidInput, malformedPolicy } from './errors.ts';

export function str(input: Params, member: string): string | undefined {
  const v = input[member];
  return typeof v === 'string' ? v : undefined;
}

/** Required members are checked by the wire layer against the model; this keeps handlers total. */
export function reqStr(input: Params, member: string): string {
  const v = str(input, member);
  if (v === undefined) throw invalidInput(`${member} is required.`);
  return v;
}

export function num(input: Params, member: string): number | undefined {
  const v = input[member];
  return typeof v === 'number' ? v : undefined;
}

/** IAM returns policy documents URL-encoded (RFC 3986), as AWS does. */
export function encodePolicy(document: string): string {
  return encodeURIComponent(document).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** Marker/MaxItems paging over an ordered list. The marker names the last key returned. */
export function paginate<T>(items: T[], keyOf: (item: T) => string, input: Params): { page: T[]; IsTruncated: boolean; Marker?: string } {
  const max = num(input, 'MaxItems') ?? 100;
  const marker = str(input, 'Marker');
  let start = 0;
  if (marker !== undefined) {
    const after = Buffer.from(marker, 'base64url').toString('utf8');
    const at = items.findIndex((i) => keyOf(i) === after);
    start = at >= 0 ? at + 1 : items.findIndex((i) => keyOf(i) > after);
    if (start < 0) start = items.length;
  }
  const page = items.slice(start, start + max);
  if (start + max >= items.length) return { page, IsTruncated: false };
  return { page, IsTruncated: true, Marker: Buffer.from(keyOf(page[page.length - 1]!), 'utf8').toString('base64url') };
}

/** MalformedPolicyDocument with the engine's reason. Managed policies must use Version
 * 2012-10-17; trust policies may name only users and roles that exist. */
export function checkPolicyDocument(ctx: CallContext, document: string, kind: 'identity' | 'managed' | 'trust'): void {
  const options: PolicyValidationOptions = {};
  if (kind === 'managed') options.requireCurrentVersion = true;
  if (kind === 'trust') options.principalExists = (arn) => entityExists(ctx, arn);
  const problem = validatePolicyDocument(document, kind === 'trust' ? 'trust' : 'identity', options);
  if (problem !== undefined) throw malformedPolicy(problem);
}

function entityExists(ctx: CallContext, arn: string): boolean {
  const parsed = parseIamArn(arn);
  if (!parsed || parsed.type === 'policy') return false;
  const entity = parsed.type === 'user'
    ? new UserRepo(ctx.db).get(parsed.accountId, parsed.name)
    : new RoleRepo(ctx.db).get(parsed.accountId, parsed.name);
  return entity?.arn === arn;
}

/** IAM counts policy size without whitespace. */
export const policySize = (document: string): number => document.replace(/\s+/g, '').length;

export function readTags(input: Params): Tag[] {
  const raw = input.Tags;
  if (!Array.isArray(raw)) return [];
  const tags = raw.map((t) => ({ Key: String((t as Tag).Key), Value: String((t as Tag).Value ?? '') }));
  const keys = new Set(tags.map((t) => t.Key.toLowerCase()));
  if (keys.size !== tags.length) throw invalidInput('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
  return tags;
}

/** A managed policy the caller's account may use: its own, or an AWS managed one. */
export function usablePolicy(ctx: CallContext, arn: string): ManagedPolicyRecord | undefined {
  const parsed = parseIamArn(arn);
  if (!parsed || parsed.type !== 'policy') throw invalidArn(arn);
  if (parsed.accountId !== ctx.accountId && parsed.accountId !== 'aws') return undefined;
  return new ManagedPolicyRepo(ctx.db).byArn(arn);
}

export function resource(ctx: CallContext, type: 'User' | 'Role' | 'Policy' | 'AccessKey', name: string, arn?: string): void {
  const ref: ResourceRef = { type: `AWS::IAM::${type}`, name };
  if (arn !== undefined) {
    ref.arn = arn;
    ref.accountId = ctx.accountId;
  }
  ctx.resources.push(ref);
}
