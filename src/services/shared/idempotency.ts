/**
 * ClientToken idempotency (HealthLake Create/Start*, Omics request ids): the same token with the
 * same parameters replays the first response; with different parameters it is refused.
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../../core/aws-error.ts';
import type { CallContext } from '../../core/service.ts';
import type { Params } from '../../wire/types.ts';

/** Tokens are kept this long, as AWS keeps them for at least a day. */
const TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

function stableStringify(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Runs `create` once per token; a replay returns the stored response. */
export function withClientToken(
  ctx: CallContext,
  token: string | undefined,
  input: Params,
  create: () => Params,
  revive: (stored: Params) => Params = (s) => s,
): Params {
  if (!token) return create();
  const { ClientToken: _ignored, ...rest } = input;
  const hash = createHash('sha256').update(stableStringify(rest)).digest('hex');
  const row = ctx.db.stmt(
    'SELECT request_hash, response, created_at FROM idempotency_tokens WHERE account_id = ? AND region = ? AND operation = ? AND token = ?',
  ).get(ctx.accountId, ctx.region, ctx.operation, token) as { request_hash: string; response: string; created_at: number } | undefined;
  if (row && ctx.now.getTime() - row.created_at < TOKEN_LIFETIME_MS) {
    if (row.request_hash !== hash) {
      throw new AwsError('ValidationException', `ClientToken ${token} was already used with different request parameters.`);
    }
    return revive(JSON.parse(row.response) as Params);
  }
  const response = create();
  ctx.db.stmt(
    `INSERT INTO idempotency_tokens (account_id, region, operation, token, request_hash, response, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (account_id, region, operation, token) DO UPDATE SET request_hash = excluded.request_hash,
       response = excluded.response, created_at = excluded.created_at`,
  ).run(ctx.accountId, ctx.region, ctx.operation, token, hash, JSON.stringify(response), ctx.now.getTime());
  return response;
}
