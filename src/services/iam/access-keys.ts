/**
 * Long-term access keys of IAM users (and of the root user, when root calls without UserName):
 * CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey.
 */
import type { CallContext, Handler } from '../../core/service.ts';
import type { Params } from '../../wire/types.ts';
import {
  AccessKeyRepo, newLongTermKeyId, newSecretAccessKey, type KeyStatus, type LongTermKey, type UserRecord,
} from '../../auth/identities/index.ts';
import { invalidInput, limitExceeded, noSuchAccessKey } from './errors.ts';
import { paginate, reqStr, resource } from './common.ts';
import { targetUser } from './users.ts';

const MAX_KEYS = 2;

type Owner = UserRecord | 'root';

function keysOf(ctx: CallContext, owner: Owner): LongTermKey[] {
  const repo = new AccessKeyRepo(ctx.db);
  return owner === 'root' ? repo.forRoot(ctx.accountId) : repo.forUser(owner.id);
}

/** Root keys carry no UserName (the model's member is then simply absent). */
function withUser(owner: Owner, shape: Params): Params {
  return owner === 'root' ? shape : { UserName: owner.name, ...shape };
}

function ownedKey(ctx: CallContext, owner: Owner, id: string): LongTermKey {
  const key = new AccessKeyRepo(ctx.db).longTerm(id);
  const mine = key && key.accountId === ctx.accountId && (owner === 'root' ? key.userId === undefined : key.userId === owner.id);
  if (!mine) throw noSuchAccessKey(id);
  return key!;
}

function recordTarget(ctx: CallContext, owner: Owner, keyId?: string): void {
  if (owner !== 'root') resource(ctx, 'User', owner.name, owner.arn);
  if (keyId) resource(ctx, 'AccessKey', keyId);
}

const CreateAccessKey: Handler = (ctx, input) => {
  const owner = targetUser(ctx, input, true);
  if (keysOf(ctx, owner).length >= MAX_KEYS) throw limitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${MAX_KEYS}`);
  const key: LongTermKey = {
    id: newLongTermKeyId(ctx.ids), accountId: ctx.accountId, secret: newSecretAccessKey(ctx.ids), status: 'Active', createdAt: ctx.now,
  };
  if (owner !== 'root') key.userId = owner.id;
  new AccessKeyRepo(ctx.db).createLongTerm(key);
  recordTarget(ctx, owner, key.id);
  return {
    AccessKey: withUser(owner, { AccessKeyId: key.id, Status: key.status, SecretAccessKey: key.secret, CreateDate: key.createdAt }),
  };
};

const ListAccessKeys: Handler = (ctx, input) => {
  const owner = targetUser(ctx, input, true);
  const { page, ...more } = paginate(keysOf(ctx, owner), (k) => k.id, input);
  recordTarget(ctx, owner);
  return {
    AccessKeyMetadata: page.map((k) => withUser(owner, { AccessKeyId: k.id, Status: k.status, CreateDate: k.createdAt })),
    ...more,
  };
};

const UpdateAccessKey: Handler = (ctx, input) => {
  const owner = targetUser(ctx, input, true);
  const status = reqStr(input, 'Status');
  if (status !== 'Active' && status !== 'Inactive') {
    throw invalidInput(`Invalid value for parameter Status, value: ${status}, valid values: Active, Inactive`);
  }
  const key = ownedKey(ctx, owner, reqStr(input, 'AccessKeyId'));
  new AccessKeyRepo(ctx.db).setStatus(key.id, status as KeyStatus);
  recordTarget(ctx, owner, key.id);
  return {};
};

const DeleteAccessKey: Handler = (ctx, input) => {
  const owner = targetUser(ctx, input, true);
  const key = ownedKey(ctx, owner, reqStr(input, 'AccessKeyId'));
  new AccessKeyRepo(ctx.db).delete(key.id);
  recordTarget(ctx, owner, key.id);
  return {};
};

export const accessKeyHandlers: Record<string, Handler> = { CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey };
