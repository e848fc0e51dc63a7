/**
 * Inline policies of users and roles: Put/Get/List/Delete{User,Role}Policy, built once per
 * owner kind since the two sets differ only in names and quotas.
 */
import type { CallContext, Handler } from '../../core/service.ts';
import { InlinePolicyRepo, type PolicyOwner } from '../../auth/identities/index.ts';
import { limitExceeded, noSuchInlinePolicy } from './errors.ts';
import { checkPolicyDocument, encodePolicy, paginate, policySize, reqStr, resource } from './common.ts';
import { requireRole } from './roles.ts';
import { requireUser } from './users.ts';

/** Aggregate inline policy size per entity, without whitespace. */
const QUOTA: Record<PolicyOwner, number> = { user: 2048, role: 10240 };

interface OwnerNames {
  member: 'UserName' | 'RoleName';
  op: 'User' | 'Role';
}

const NAMES: Record<PolicyOwner, OwnerNames> = {
  user: { member: 'UserName', op: 'User' },
  role: { member: 'RoleName', op: 'Role' },
};

function owner(ctx: CallContext, kind: PolicyOwner, name: string): { id: string; name: string; arn: string } {
  return kind === 'user' ? requireUser(ctx, name) : requireRole(ctx, name);
}

function handlersFor(kind: PolicyOwner): Record<string, Handler> {
  const { member, op } = NAMES[kind];
  const record = (ctx: CallContext, o: { name: string; arn: string }, policyName: string): void => {
    resource(ctx, op, o.name, o.arn);
    resource(ctx, 'Policy', policyName);
  };

  const put: Handler = (ctx, input) => {
    const o = owner(ctx, kind, reqStr(input, member));
    const policyName = reqStr(input, 'PolicyName');
    const document = reqStr(input, 'PolicyDocument');
    checkPolicyDocument(ctx, document, 'identity');
    const repo = new InlinePolicyRepo(ctx.db, kind);
    const others = repo.list(o.id).filter((p) => p.name.toLowerCase() !== policyName.toLowerCase());
    const total = others.reduce((n, p) => n + policySize(p.document), policySize(document));
    if (total > QUOTA[kind]) throw limitExceeded(`Maximum policy size of ${QUOTA[kind]} bytes exceeded for ${kind} ${o.name}`);
    repo.put(o.id, policyName, document);
    record(ctx, o, policyName);
    return {};
  };

  const get: Handler = (ctx, input) => {
    const o = owner(ctx, kind, reqStr(input, member));
    const policyName = reqStr(input, 'PolicyName');
    const policy = new InlinePolicyRepo(ctx.db, kind).get(o.id, policyName);
    if (!policy) throw noSuchInlinePolicy(kind, policyName);
    record(ctx, o, policy.name);
    return { [member]: o.name, PolicyName: policy.name, PolicyDocument: encodePolicy(policy.document) };
  };

  const list: Handler = (ctx, input) => {
    const o = owner(ctx, kind, reqStr(input, member));
    const names = new InlinePolicyRepo(ctx.db, kind).list(o.id).map((p) => p.name);
    const { page, ...more } = paginate(names, (n) => n.toLowerCase(), input);
    resource(ctx, op, o.name, o.arn);
    return { PolicyNames: page, ...more };
  };

  const del: Handler = (ctx, input) => {
    const o = owner(ctx, kind, reqStr(input, member));
    const policyName = reqStr(input, 'PolicyName');
    if (!new InlinePolicyRepo(ctx.db, kind).delete(o.id, policyName)) throw noSuchInlinePolicy(kind, policyName);
    record(ctx, o, policyName);
    return {};
  };

  return { [`Put${op}Policy`]: put, [`Get${op}Policy`]: get, [`List${op}Policies`]: list, [`Delete${op}Policy`]: del };
}

export const inlinePolicyHandlers: Record<string, Handler> = { ...handlersFor('user'), ...handlersFor('role') };
