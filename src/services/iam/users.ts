/** IAM users: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser. */
import type { CallContext, Handler } from '../../core/service.ts';
import type { Params } from '../../wire/types.ts';
import { AccountRepo, UserRepo, newUserId, userArn, type UserRecord } from '../../auth/identities/index.ts';
import { boundaryNotFound, deleteConflict, noSuchUser, nonUserCredentials, userExists } from './errors.ts';
import { paginate, readTags, reqStr, resource, str, usablePolicy } from './common.ts';

export function userShape(u: UserRecord, detail: boolean): Params {
  const out: Params = { Path: u.path, UserName: u.name, UserId: u.id, Arn: u.arn, CreateDate: u.createdAt };
  if (detail && u.permissionsBoundary) {
    out.PermissionsBoundary = { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: u.permissionsBoundary };
  }
  if (detail && u.tags.length) out.Tags = u.tags;
  return out;
}

export function requireUser(ctx: CallContext, name: string): UserRecord {
  const user = new UserRepo(ctx.db).get(ctx.accountId, name);
  if (!user) throw noSuchUser(name);
  return user;
}

/** The user an operation targets: UserName, or else the calling IAM user; 'root' for the root
 * user where the operation allows it; any other caller must name the user. */
export function targetUser(ctx: CallContext, input: Params, allowRoot: boolean): UserRecord | 'root' {
  const name = str(input, 'UserName');
  if (name !== undefined) return requireUser(ctx, name);
  const p = ctx.principal;
  if (p.type === 'IAMUser') {
    const self = new UserRepo(ctx.db).byId(p.principalId);
    if (!self) throw noSuchUser(p.userName ?? p.principalId);
    return self;
  }
  if (p.type === 'Root' && allowRoot) return 'root';
  throw nonUserCredentials();
}

/** A permissions boundary must be a managed policy the account can attach. */
export function checkBoundary(ctx: CallContext, arn: string | undefined): void {
  if (arn !== undefined && !usablePolicy(ctx, arn)) throw boundaryNotFound(arn);
}

const CreateUser: Handler = (ctx, input) => {
  const name = reqStr(input, 'UserName');
  const path = str(input, 'Path') ?? '/';
  const users = new UserRepo(ctx.db);
  if (users.get(ctx.accountId, name)) throw userExists(name);
  const boundary = str(input, 'PermissionsBoundary');
  checkBoundary(ctx, boundary);
  const user: UserRecord = {
    id: newUserId(ctx.ids), accountId: ctx.accountId, name, path, arn: userArn(ctx.accountId, path, name),
    tags: readTags(input), createdAt: ctx.now,
  };
  if (boundary !== undefined) user.permissionsBoundary = boundary;
  users.create(user);
  resource(ctx, 'User', name, user.arn);
  return { User: userShape(user, true) };
};

const GetUser: Handler = (ctx, input) => {
  const target = targetUser(ctx, input, true);
  if (target === 'root') {
    // AWS answers the root user's GetUser with the account as the user: no UserName or Path.
    const account = new AccountRepo(ctx.db).get(ctx.accountId);
    return { User: { UserId: ctx.accountId, Arn: ctx.principal.arn, CreateDate: account?.createdAt ?? ctx.now } };
  }
  resource(ctx, 'User', target.name, target.arn);
  return { User: userShape(target, true) };
};

const ListUsers: Handler = (ctx, input) => {
  const users = new UserRepo(ctx.db).list(ctx.accountId, str(input, 'PathPrefix') ?? '/');
  const { page, ...more } = paginate(users, (u) => u.name.toLowerCase(), input);
  return { Users: page.map((u) => userShape(u, false)), ...more };
};

const UpdateUser: Handler = (ctx, input) => {
  const user = requireUser(ctx, reqStr(input, 'UserName'));
  const newName = str(input, 'NewUserName') ?? user.name;
  const newPath = str(input, 'NewPath') ?? user.path;
  const users = new UserRepo(ctx.db);
  const clash = users.get(ctx.accountId, newName);
  if (clash && clash.id !== user.id) throw userExists(newName);
  const arn = userArn(ctx.accountId, newPath, newName);
  users.rename(user.id, newName, newPath, arn);
  resource(ctx, 'User', user.name, user.arn);
  if (newName !== user.name) resource(ctx, 'User', newName, arn);
  return {};
};

const DeleteUser: Handler = (ctx, input) => {
  const user = requireUser(ctx, reqStr(input, 'UserName'));
  const users = new UserRepo(ctx.db);
  const deps = users.dependents(user.id);
  // In the order AWS's DeleteUser documentation lists what must go first.
  if (deps.loginProfile) throw deleteConflict('Cannot delete entity, must delete login profile first.');
  if (deps.accessKeys) throw deleteConflict('Cannot delete entity, must delete access keys first.');
  if (deps.inlinePolicies) throw deleteConflict('Cannot delete entity, must delete policies first.');
  if (deps.attachedPolicies) throw deleteConflict('Cannot delete entity, must detach all policies first.');
  users.delete(user.id);
  resource(ctx, 'User', user.name, user.arn);
  return {};
};

export const userHandlers: Record<string, Handler> = { CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser };
