/**
 * CreateLogGroup and CreateLogStream, for clients that make their own groups and streams. Group
 * options HealthTrail does not keep (KMS keys, tags, the INFREQUENT_ACCESS and DELIVERY classes,
 * deletion protection) are refused rather than dropped.
 */
import { AwsError } from '../../../core/aws-error.ts';
import type { Handler } from '../../../core/service.ts';
import { GROUP_NOT_FOUND } from '../log-group-ref.ts';
import type { LogStore } from '../log-store.ts';

function notKept(what: string): AwsError {
  return new AwsError('InvalidParameterException', `${what} is not supported by HealthTrail.`);
}

export function createLogGroup(logs: LogStore): Handler {
  return (ctx, input) => {
    if (input.kmsKeyId !== undefined) throw notKept('kmsKeyId');
    if (input.tags !== undefined) throw notKept('Tagging log groups');
    if (input.logGroupClass !== undefined && input.logGroupClass !== 'STANDARD') throw notKept(`logGroupClass ${String(input.logGroupClass)}`);
    if (input.deletionProtectionEnabled === true) throw notKept('deletionProtectionEnabled');
    const name = input.logGroupName as string;
    if (logs.group(ctx.accountId, ctx.region, name)) {
      throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
    }
    logs.ensureGroup(ctx.accountId, ctx.region, name);
    return {};
  };
}

export function createLogStream(logs: LogStore): Handler {
  return (ctx, input) => {
    const group = logs.group(ctx.accountId, ctx.region, input.logGroupName as string);
    if (!group) throw new AwsError('ResourceNotFoundException', GROUP_NOT_FOUND);
    const name = input.logStreamName as string;
    if (logs.stream(group.id, name)) {
      throw new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
    }
    logs.ensureStream(ctx.accountId, ctx.region, group.name, name);
    return {};
  };
}
