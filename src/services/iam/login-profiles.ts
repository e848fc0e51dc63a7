/**
 * Console passwords of IAM users: CreateLoginProfile, GetLoginProfile, UpdateLoginProfile,
 * DeleteLoginProfile, and ChangePassword (an IAM user changing their own).
 *
 * Operations that hash or verify a password are staged calls (core/staged-call.ts): the scrypt
 * work runs in `prepare`, outside the transaction, after validation and IAM authorization; the
 * change is written with its record in `commit`, which re-checks what prepare saw. Passwords
 * are sensitive in the model, so requestParameters never carry them.
 */
import type { CallContext, Handler } from '../../core/service.ts';
import type { StagedHandler } from '../../core/staged-call.ts';
import { AwsError } from '../../core/aws-error.ts';
import type { Params } from '../../wire/types.ts';
import {
  LoginProfileRepo, UserRepo, hashPassword, passwordPolicyViolation, verifyPassword,
  type LoginProfileRecord, type UserRecord,
} from '../../auth/identities/index.ts';
import {
  invalidUserType, loginProfileExists, noSuchLoginProfile, noSuchUser, passwordPolicyViolation as policyError,
} from './errors.ts';
import { reqStr, resource, str } from './common.ts';
import { requireUser, targetUser } from './users.ts';

function profileShape(user: UserRecord, p: LoginProfileRecord): Params {
  return { UserName: user.name, CreateDate: p.createdAt, PasswordResetRequired: p.passwordResetRequired };
}

function profileOf(ctx: CallContext, user: UserRecord): LoginProfileRecord {
  const profile = new LoginProfileRepo(ctx.db).get(user.id);
  if (!profile) throw noSuchLoginProfile(user.name);
  return profile;
}

function targetIamUser(ctx: CallContext, input: Params): UserRecord {
  return targetUser(ctx, input, false) as UserRecord;
}

/** The default policy (no account password policy is kept), then the scrypt hash. */
async function newPasswordHash(password: string): Promise<string> {
  const problem = passwordPolicyViolation(password);
  if (problem !== undefined) throw policyError(problem);
  return hashPassword(password);
}

function bool(input: Params, member: string): boolean | undefined {
  const v = input[member];
  return typeof v === 'boolean' ? v : undefined;
}

const CreateLoginProfile: StagedHandler<{ hash: string }> = {
  async prepare(ctx, input) {
    const user = targetIamUser(ctx, input);
    if (new LoginProfileRepo(ctx.db).get(user.id)) throw loginProfileExists(user.name);
    const password = str(input, 'Password');
    if (password === undefined) throw new AwsError('ValidationError', 'Password is required to create a login profile for an IAM user.', { status: 400 });
    return { hash: await newPasswordHash(password) };
  },
  commit(ctx, input, { hash }) {
    const user = targetIamUser(ctx, input);
    const profiles = new LoginProfileRepo(ctx.db);
    if (profiles.get(user.id)) throw loginProfileExists(user.name);
    const profile: LoginProfileRecord = {
      userId: user.id, passwordHash: hash, passwordResetRequired: bool(input, 'PasswordResetRequired') ?? false,
      createdAt: ctx.now, passwordChangedAt: ctx.now,
    };
    profiles.create(profile);
    resource(ctx, 'User', user.name, user.arn);
    return { LoginProfile: profileShape(user, profile) };
  },
};

const GetLoginProfile: Handler = (ctx, input) => {
  const user = targetIamUser(ctx, input);
  const profile = profileOf(ctx, user);
  resource(ctx, 'User', user.name, user.arn);
  return { LoginProfile: profileShape(user, profile) };
};

const UpdateLoginProfile: StagedHandler<{ hash?: string }> = {
  async prepare(ctx, input) {
    const user = requireUser(ctx, reqStr(input, 'UserName'));
    profileOf(ctx, user);
    const password = str(input, 'Password');
    return password === undefined ? {} : { hash: await newPasswordHash(password) };
  },
  commit(ctx, input, { hash }) {
    const user = requireUser(ctx, reqStr(input, 'UserName'));
    profileOf(ctx, user);
    const change: Parameters<LoginProfileRepo['update']>[1] = {};
    if (hash !== undefined) {
      change.passwordHash = hash;
      change.changedAt = ctx.now;
    }
    const reset = bool(input, 'PasswordResetRequired');
    if (reset !== undefined) change.passwordResetRequired = reset;
    new LoginProfileRepo(ctx.db).update(user.id, change);
    resource(ctx, 'User', user.name, user.arn);
    return {};
  },
};

const DeleteLoginProfile: Handler = (ctx, input) => {
  const user = requireUser(ctx, reqStr(input, 'UserName'));
  profileOf(ctx, user);
  new LoginProfileRepo(ctx.db).delete(user.id);
  resource(ctx, 'User', user.name, user.arn);
  return {};
};

/** The calling IAM user (long-term or session credentials, console ones included). */
function caller(ctx: CallContext): UserRecord {
  const p = ctx.principal;
  if (p.type !== 'IAMUser') throw invalidUserType('Only IAM users can change their own password with ChangePassword.');
  const user = new UserRepo(ctx.db).byId(p.principalId);
  if (!user) throw noSuchUser(p.userName ?? p.principalId);
  return user;
}

const ChangePassword: StagedHandler<{ seen: string; hash: string }> = {
  async prepare(ctx, input) {
    const user = caller(ctx);
    const profile = profileOf(ctx, user);
    if (!(await verifyPassword(reqStr(input, 'OldPassword'), profile.passwordHash))) {
      throw new AwsError('AccessDenied', 'The old password is not correct.', { status: 403 });
    }
    return { seen: profile.passwordHash, hash: await newPasswordHash(reqStr(input, 'NewPassword')) };
  },
  commit(ctx, _input, { seen, hash }) {
    const user = caller(ctx);
    // A change that raced this one makes the verified old password stale.
    if (profileOf(ctx, user).passwordHash !== seen) {
      throw new AwsError('EntityTemporarilyUnmodifiable', 'The password was changed by another request; try again.', { status: 409 });
    }
    new LoginProfileRepo(ctx.db).update(user.id, { passwordHash: hash, changedAt: ctx.now, passwordResetRequired: false });
    resource(ctx, 'User', user.name, user.arn);
    return {};
  },
};

export const loginProfileHandlers: Record<string, Handler> = { GetLoginProfile, DeleteLoginProfile };
export const loginProfileStagedHandlers: Record<string, StagedHandler> = {
  CreateLoginProfile: CreateLoginProfile as StagedHandler,
  UpdateLoginProfile: UpdateLoginProfile as StagedHandler,
  ChangePassword: ChangePassword as StagedHandler,
};
