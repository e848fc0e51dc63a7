/** DescribeLogGroups: the caller's groups in name order, by prefix, substring pattern or names. */
import { AwsError } from '../../../core/aws-error.ts';
import type { Handler } from '../../../core/service.ts';
import type { Params } from '../../../wire/types.ts';
import { decodePageToken, encodePageToken } from '../../shared/page-token.ts';
import { DESCRIBE_PAGE } from '../limits.ts';
import type { LogReader } from '../log-reader.ts';
import type { LogGroupRow } from '../log-store.ts';
import { logGroupArn } from '../names.ts';

export function describeLogGroups(reader: LogReader): Handler {
  return (ctx, input) => {
    const prefix = input.logGroupNamePrefix as string | undefined;
    const substring = input.logGroupNamePattern as string | undefined;
    const identifiers = input.logGroupIdentifiers as string[] | undefined;
    if (prefix !== undefined && substring !== undefined) {
      throw new AwsError('InvalidParameterException', 'LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
    }
    if (identifiers !== undefined && (prefix !== undefined || substring !== undefined)) {
      throw new AwsError('InvalidParameterException', 'logGroupIdentifiers cannot be combined with logGroupNamePrefix or logGroupNamePattern.');
    }
    const bound = [ctx.accountId, ctx.region, prefix ?? null, substring ?? null, identifiers ?? null, input.logGroupClass ?? null, input.accountIdentifiers ?? null];
    const offset = input.nextToken ? decodePageToken(input.nextToken as string, 'DescribeLogGroups', bound, 'InvalidParameterException') : 0;
    const limit = (input.limit as number | undefined) ?? DESCRIBE_PAGE;
    // Every group here is STANDARD and in the caller's own account (no linked accounts).
    const accounts = input.accountIdentifiers as string[] | undefined;
    const empty = (input.logGroupClass !== undefined && input.logGroupClass !== 'STANDARD')
      || (input.includeLinkedAccounts === true && accounts !== undefined && !accounts.includes(ctx.accountId));
    if (empty) return { logGroups: [] };
    const names = identifiers?.map((id) => ownGroupName(id, ctx.region, ctx.accountId)).filter((n): n is string => n !== undefined);
    const rows = reader.groups(ctx.accountId, ctx.region, { prefix, substring, names }, offset, limit + 1);
    const out: Params = { logGroups: rows.slice(0, limit).map((g) => logGroupOutput(g)) };
    if (rows.length > limit) out.nextToken = encodePageToken(offset + limit, 'DescribeLogGroups', bound);
    return out;
  };
}

function logGroupOutput(g: LogGroupRow): Params {
  const arn = logGroupArn(g.region, g.account_id, g.name);
  return {
    logGroupName: g.name,
    creationTime: g.creation_time,
    metricFilterCount: 0,
    arn: `${arn}:*`,
    storedBytes: g.stored_bytes,
    logGroupClass: 'STANDARD',
    logGroupArn: arn,
  };
}

/** A logGroupIdentifiers entry's name when it is a name or an ARN of this account and Region. */
function ownGroupName(identifier: string, region: string, accountId: string): string | undefined {
  if (!identifier.startsWith('arn:')) return identifier;
  const own = logGroupArn(region, accountId, '');
  if (!identifier.startsWith(own)) return undefined;
  const name = identifier.slice(own.length);
  return name.endsWith(':*') ? name.slice(0, -2) : name;
}
