/**
 * The log group a call names: logGroupName, or logGroupIdentifier (a name or the group's ARN,
 * logGroupArn; the model's pattern refuses the trailing :* of `arn`). Exactly one of the two.
 */
import { AwsError } from '../../core/aws-error.ts';
import type { CallContext } from '../../core/service.ts';
import type { Params } from '../../wire/types.ts';
import type { LogGroupRow, LogStore } from './log-store.ts';

export const GROUP_NOT_FOUND = 'The specified log group does not exist.';
export const STREAM_NOT_FOUND = 'The specified log stream does not exist.';

export interface NamedGroup {
  accountId: string;
  region: string;
  name: string;
}

const GROUP_ARN = /^arn:aws[a-z-]*:logs:([a-z0-9-]+):(\d{12}):log-group:([^:]+)$/;

/** The group a call names (it may not exist), or InvalidParameterException. */
export function namedGroup(ctx: CallContext, input: Params): NamedGroup {
  const name = input.logGroupName as string | undefined;
  const identifier = input.logGroupIdentifier as string | undefined;
  if (name !== undefined && identifier !== undefined) {
    throw new AwsError('InvalidParameterException', 'LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  }
  if (name !== undefined) return { accountId: ctx.accountId, region: ctx.region, name };
  if (identifier === undefined) {
    throw new AwsError('InvalidParameterException', 'Either logGroupName or logGroupIdentifier must be specified.');
  }
  if (!identifier.startsWith('arn:')) return { accountId: ctx.accountId, region: ctx.region, name: identifier };
  const m = GROUP_ARN.exec(identifier);
  if (!m) throw new AwsError('InvalidParameterException', `Invalid log group ARN: ${identifier.slice(0, 200)}`);
  return { region: m[1]!, accountId: m[2]!, name: m[3]! };
}

/** The named group's row; ResourceNotFoundException when it does not exist (another account's
 * or Region's groups are not reachable: no cross-account observability links here). */
export function existingGroup(ctx: CallContext, logs: LogStore, group: NamedGroup): LogGroupRow {
  const row = group.accountId === ctx.accountId && group.region === ctx.region
    ? logs.group(group.accountId, group.region, group.name)
    : undefined;
  if (!row) throw new AwsError('ResourceNotFoundException', GROUP_NOT_FOUND);
  return row;
}
