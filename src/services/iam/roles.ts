/** IAM roles: CreateRole, GetRole, ListRoles, DeleteRole, UpdateAssumeRolePolicy. */
import type { CallContext, Handler } from '../../core/service.ts';
import type { Params } from '../../wire/types.ts';
import { RoleRepo, newRoleId, roleArn, type RoleRecord } from '../../auth/identities/index.ts';
import { deleteConflict, limitExceeded, noSuchRole, roleExists } from './errors.ts';
import { checkPolicyDocument, encodePolicy, num, paginate, policySize, readTags, reqStr, resource, str } from './common.ts';
import { checkBoundary } from './users.ts';

const TRUST_POLICY_QUOTA = 2048;
const DEFAULT_MAX_SESSION = 3600;

type RoleView = 'create' | 'get' | 'list';

export function roleShape(r: RoleRecord, view: RoleView): Params {
  const out: Params = {
    Path: r.path, RoleName: r.name, RoleId: r.id, Arn: r.arn, CreateDate: r.createdAt,
    AssumeRolePolicyDocument: encodePolicy(r.trustPolicy),
  };
  if (r.description !== undefined) out.Description = r.description;
  if (view !== 'create') out.MaxSessionDuration = r.maxSessionDuration;
  if (view !== 'list' && r.permissionsBoundary) {
    out.PermissionsBoundary = { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: r.permissionsBoundary };
  }
  if (view !== 'list' && r.tags.length) out.Tags = r.tags;
  if (view === 'get') out.RoleLastUsed = {};
  return out;
}

export function requireRole(ctx: CallContext, name: string): RoleRecord {
  const role = new RoleRepo(ctx.db).get(ctx.accountId, name);
  if (!role) throw noSuchRole(name);
  return role;
}

function checkTrustPolicy(ctx: CallContext, document: string): void {
  checkPolicyDocument(ctx, document, 'trust');
  if (policySize(document) > TRUST_POLICY_QUOTA) throw limitExceeded(`Cannot exceed quota for ACLSizePerRole: ${TRUST_POLICY_QUOTA}`);
}

const CreateRole: Handler = (ctx, input) => {
  const name = reqStr(input, 'RoleName');
  const path = str(input, 'Path') ?? '/';
  const roles = new RoleRepo(ctx.db);
  if (roles.get(ctx.accountId, name)) throw roleExists(name);
  const trustPolicy = reqStr(input, 'AssumeRolePolicyDocument');
  checkTrustPolicy(ctx, trustPolicy);
  const boundary = str(input, 'PermissionsBoundary');
  checkBoundary(ctx, boundary);
  const role: RoleRecord = {
    id: newRoleId(ctx.ids), accountId: ctx.accountId, name, path, arn: roleArn(ctx.accountId, path, name), trustPolicy,
    maxSessionDuration: num(input, 'MaxSessionDuration') ?? DEFAULT_MAX_SESSION, tags: readTags(input), createdAt: ctx.now,
  };
  const description = str(input, 'Description');
  if (description !== undefined) role.description = description;
  if (boundary !== undefined) role.permissionsBoundary = boundary;
  roles.create(role);
  resource(ctx, 'Role', name, role.arn);
  return { Role: roleShape(role, 'create') };
};

const GetRole: Handler = (ctx, input) => {
  const role = requireRole(ctx, reqStr(input, 'RoleName'));
  resource(ctx, 'Role', role.name, role.arn);
  return { Role: roleShape(role, 'get') };
};

const ListRoles: Handler = (ctx, input) => {
  const roles = new RoleRepo(ctx.db).list(ctx.accountId, str(input, 'PathPrefix') ?? '/');
  const { page, ...more } = paginate(roles, (r) => r.name.toLowerCase(), input);
  return { Roles: page.map((r) => roleShape(r, 'list')), ...more };
};

const DeleteRole: Handler = (ctx, input) => {
  const role = requireRole(ctx, reqStr(input, 'RoleName'));
  const roles = new RoleRepo(ctx.db);
  const deps = roles.dependents(role.id);
  if (deps.inlinePolicies) throw deleteConflict('Cannot delete entity, must delete policies first.');
  if (deps.attachedPolicies) throw deleteConflict('Cannot delete entity, must detach all policies first.');
  // Its sessions' keys go with it (FK cascade), so they stop authenticating at once.
  roles.delete(role.id);
  resource(ctx, 'Role', role.name, role.arn);
  return {};
};

const UpdateAssumeRolePolicy: Handler = (ctx, input) => {
  const role = requireRole(ctx, reqStr(input, 'RoleName'));
  const document = reqStr(input, 'PolicyDocument');
  checkTrustPolicy(ctx, document);
  new RoleRepo(ctx.db).setTrustPolicy(role.id, document);
  resource(ctx, 'Role', role.name, role.arn);
  return {};
};

export const roleHandlers: Record<string, Handler> = { CreateRole, GetRole, ListRoles, DeleteRole, UpdateAssumeRolePolicy };
