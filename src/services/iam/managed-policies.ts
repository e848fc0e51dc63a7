/** Managed policies: CreatePolicy, GetPolicy, ListPolicies, DeletePolicy, GetPolicyVersion. */
import type { CallContext, Handler } from '../../core/service.ts';
import type { Params } from '../../wire/types.ts';
import { ManagedPolicyRepo, newPolicyId, policyArn, type ManagedPolicyRecord } from '../../auth/identities/index.ts';
import { deleteConflict, limitExceeded, policyExists, policyNotFound, policyVersionNotFound } from './errors.ts';
import { checkPolicyDocument, encodePolicy, paginate, policySize, readTags, reqStr, resource, str, usablePolicy } from './common.ts';

const POLICY_SIZE_QUOTA = 6144;

type PolicyView = 'create' | 'get' | 'list';

function policyShape(p: ManagedPolicyRecord, view: PolicyView): Params {
  const out: Params = {
    PolicyName: p.name, PolicyId: p.id, Arn: p.arn, Path: p.path, DefaultVersionId: p.defaultVersion,
    AttachmentCount: p.attachmentCount, PermissionsBoundaryUsageCount: p.boundaryCount, IsAttachable: true,
  };
  if (view === 'get' && p.description !== undefined) out.Description = p.description;
  out.CreateDate = p.createdAt;
  out.UpdateDate = p.updatedAt;
  if (view !== 'list' && p.tags.length) out.Tags = p.tags;
  return out;
}

/** A policy visible to the caller's account (its own or AWS managed), else NoSuchEntity. */
function requirePolicy(ctx: CallContext, arn: string): ManagedPolicyRecord {
  const policy = usablePolicy(ctx, arn);
  if (!policy) throw policyNotFound(arn);
  return policy;
}

const CreatePolicy: Handler = (ctx, input) => {
  const name = reqStr(input, 'PolicyName');
  const path = str(input, 'Path') ?? '/';
  const repo = new ManagedPolicyRepo(ctx.db);
  if (repo.byName(ctx.accountId, name)) throw policyExists(name);
  const document = reqStr(input, 'PolicyDocument');
  checkPolicyDocument(ctx, document, 'managed');
  if (policySize(document) > POLICY_SIZE_QUOTA) throw limitExceeded(`Cannot exceed quota for PolicySize: ${POLICY_SIZE_QUOTA}`);
  const record: ManagedPolicyRecord = {
    id: newPolicyId(ctx.ids), accountId: ctx.accountId, name, path, arn: policyArn(ctx.accountId, path, name),
    defaultVersion: 'v1', tags: readTags(input), createdAt: ctx.now, updatedAt: ctx.now, attachmentCount: 0, boundaryCount: 0,
  };
  const description = str(input, 'Description');
  if (description !== undefined) record.description = description;
  repo.create(record, document);
  resource(ctx, 'Policy', name, record.arn);
  return { Policy: policyShape(record, 'create') };
};

const GetPolicy: Handler = (ctx, input) => {
  const policy = requirePolicy(ctx, reqStr(input, 'PolicyArn'));
  resource(ctx, 'Policy', policy.name, policy.arn);
  return { Policy: policyShape(policy, 'get') };
};

const ListPolicies: Handler = (ctx, input) => {
  const scope = str(input, 'Scope') ?? 'All';
  const accounts = scope === 'Local' ? [ctx.accountId] : scope === 'AWS' ? ['aws'] : [ctx.accountId, 'aws'];
  let policies = new ManagedPolicyRepo(ctx.db).list(accounts, str(input, 'PathPrefix') ?? '/');
  // OnlyAttached: attached to a user or role; PermissionsBoundary usage: someone's boundary.
  const usage = str(input, 'PolicyUsageFilter');
  if (usage === 'PermissionsBoundary') policies = policies.filter((p) => p.boundaryCount > 0);
  else if (input.OnlyAttached === true) policies = policies.filter((p) => p.attachmentCount > 0);
  const { page, ...more } = paginate(policies, (p) => `${p.name.toLowerCase()}\u0000${p.arn}`, input);
  return { Policies: page.map((p) => policyShape(p, 'list')), ...more };
};

const DeletePolicy: Handler = (ctx, input) => {
  const arn = reqStr(input, 'PolicyArn');
  const policy = requirePolicy(ctx, arn);
  // AWS managed policies are not the account's to delete.
  if (policy.accountId !== ctx.accountId) throw policyNotFound(arn);
  if (policy.attachmentCount > 0 || policy.boundaryCount > 0) throw deleteConflict('Cannot delete a policy attached to entities.');
  new ManagedPolicyRepo(ctx.db).delete(policy.id);
  resource(ctx, 'Policy', policy.name, policy.arn);
  return {};
};

const GetPolicyVersion: Handler = (ctx, input) => {
  const arn = reqStr(input, 'PolicyArn');
  const versionId = reqStr(input, 'VersionId');
  const policy = requirePolicy(ctx, arn);
  const version = new ManagedPolicyRepo(ctx.db).version(policy.id, versionId);
  if (!version) throw policyVersionNotFound(arn, versionId);
  resource(ctx, 'Policy', policy.name, policy.arn);
  return {
    PolicyVersion: {
      Document: encodePolicy(version.document), VersionId: version.versionId, IsDefaultVersion: version.isDefault,
      CreateDate: version.createdAt,
    },
  };
};

export const managedPolicyHandlers: Record<string, Handler> = { CreatePolicy, GetPolicy, ListPolicies, DeletePolicy, GetPolicyVersion };
