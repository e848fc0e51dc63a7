/**
 * Managed policy attachments: Attach/Detach{User,Role}Policy and ListAttached{User,Role}Policies,
 * built once per owner kind.
 */
import type { CallContext, Handler } from '../../core/service.ts';
import { ManagedPolicyRepo, type PolicyOwner } from '../../auth/identities/index.ts';
import { limitExceeded, policyNotAttachable, policyNotFound } from './errors.ts';
import { paginate, reqStr, resource, str, usablePolicy } from './common.ts';
import { requireRole } from './roles.ts';
import { requireUser } from './users.ts';

/** Managed policies per user / per role (AWS's default quota). */
const MAX_ATTACHED = 10;

function handlersFor(kind: PolicyOwner): Record<string, Handler> {
  const member = kind === 'user' ? 'UserName' : 'RoleName';
  const op = kind === 'user' ? 'User' : 'Role';
  const owner = (ctx: CallContext, name: string) => (kind === 'user' ? requireUser(ctx, name) : requireRole(ctx, name));

  const attach: Handler = (ctx, input) => {
    const o = owner(ctx, reqStr(input, member));
    const arn = reqStr(input, 'PolicyArn');
    const policy = usablePolicy(ctx, arn);
    if (!policy) throw policyNotAttachable(arn);
    const repo = new ManagedPolicyRepo(ctx.db);
    const already = repo.attached(kind, o.id).some((p) => p.arn === policy.arn);
    if (!already && repo.attached(kind, o.id).length >= MAX_ATTACHED) {
      throw limitExceeded(`Cannot exceed quota for PoliciesPer${op}: ${MAX_ATTACHED}`);
    }
    repo.attach(kind, o.id, policy.id);
    resource(ctx, op, o.name, o.arn);
    resource(ctx, 'Policy', policy.name, policy.arn);
    return {};
  };

  const detach: Handler = (ctx, input) => {
    const o = owner(ctx, reqStr(input, member));
    const arn = reqStr(input, 'PolicyArn');
    const policy = usablePolicy(ctx, arn);
    if (!policy || !new ManagedPolicyRepo(ctx.db).detach(kind, o.id, policy.id)) throw policyNotFound(arn);
    resource(ctx, op, o.name, o.arn);
    resource(ctx, 'Policy', policy.name, policy.arn);
    return {};
  };

  const list: Handler = (ctx, input) => {
    const o = owner(ctx, reqStr(input, member));
    const prefix = str(input, 'PathPrefix') ?? '/';
    const attached = new ManagedPolicyRepo(ctx.db).attached(kind, o.id).filter((p) => p.path.startsWith(prefix));
    const { page, ...more } = paginate(attached, (p) => `${p.name.toLowerCase()}\u0000${p.arn}`, input);
    resource(ctx, op, o.name, o.arn);
    return { AttachedPolicies: page.map((p) => ({ PolicyName: p.name, PolicyArn: p.arn })), ...more };
  };

  return { [`Attach${op}Policy`]: attach, [`Detach${op}Policy`]: detach, [`ListAttached${op}Policies`]: list };
}

export const attachmentHandlers: Record<string, Handler> = { ...handlersFor('user'), ...handlersFor('role') };
