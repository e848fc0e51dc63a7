/** The account alias (one per account, unique across accounts): Create/List/DeleteAccountAlias. */
import type { Handler } from '../../core/service.ts';
import { AccountRepo } from '../../auth/identities/index.ts';
import { aliasExists, noSuchAlias } from './errors.ts';
import { paginate, reqStr } from './common.ts';

const CreateAccountAlias: Handler = (ctx, input) => {
  const alias = reqStr(input, 'AccountAlias');
  const accounts = new AccountRepo(ctx.db);
  const holder = accounts.byAlias(alias);
  if (holder !== undefined && holder !== ctx.accountId) throw aliasExists(alias);
  accounts.ensure(ctx.accountId, ctx.now);
  // An account has at most one alias: a new one replaces the old.
  accounts.setAlias(ctx.accountId, alias);
  return {};
};

const ListAccountAliases: Handler = (ctx, input) => {
  const alias = new AccountRepo(ctx.db).get(ctx.accountId)?.alias;
  const { page, ...more } = paginate(alias ? [alias] : [], (a) => a, input);
  return { AccountAliases: page, ...more };
};

const DeleteAccountAlias: Handler = (ctx, input) => {
  const alias = reqStr(input, 'AccountAlias');
  const accounts = new AccountRepo(ctx.db);
  if (accounts.get(ctx.accountId)?.alias !== alias) throw noSuchAlias(alias);
  accounts.setAlias(ctx.accountId, null);
  return {};
};

export const accountAliasHandlers: Record<string, Handler> = { CreateAccountAlias, ListAccountAliases, DeleteAccountAlias };
