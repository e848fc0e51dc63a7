/**
 * Amazon CloudWatch Logs, the part that makes HealthOmics run logs readable where AWS puts them:
 * DescribeLogGroups, DescribeLogStreams, GetLogEvents, FilterLogEvents, CreateLogGroup and
 * CreateLogStream over the store in log-store.ts (awsJson1_1, X-Amz-Target Logs_20140328.*).
 * Every other operation, PutLogEvents included, answers UnsupportedOperationException naming
 * itself.
 *
 * CloudTrail: CloudWatch Logs' user guide ("Logging CloudWatch Logs API and console operations in
 * AWS CloudTrail") lists all six among the actions it records, as management events (its only
 * data events are AWS::Logs::LogGroupAuthorization, bearer-token calls); DescribeLogGroups and
 * DescribeLogStreams log request elements only, which is what read-only calls record here anyway.
 * FilterLogEvents reads, so its records are readOnly true.
 *
 * IAM: the resource each action is evaluated on is the one CloudWatch names in its access-denied
 * messages: DescribeLogGroups arn:aws:logs:<region>:<account>:log-group::log-stream:, group-level
 * actions arn:...:log-group:<group>:log-stream: (matched by the log-group:<group>:* ARNs policies
 * use), stream-level ones arn:...:log-group:<group>:log-stream:<stream>.
 */
import type { ServiceProvider } from '../../core/service.ts';
import type { Params } from '../../wire/types.ts';
import type { LogStore } from './log-store.ts';
import { LogReader } from './log-reader.ts';
import type { Db } from '../../storage/db.ts';
import { namedGroup } from './log-group-ref.ts';
import { logGroupArn, logStreamArn } from './names.ts';
import { describeLogGroups } from './handlers/describe-log-groups.ts';
import { describeLogStreams } from './handlers/describe-log-streams.ts';
import { getLogEvents } from './handlers/get-log-events.ts';
import { filterLogEvents } from './handlers/filter-log-events.ts';
import { createLogGroup, createLogStream } from './handlers/create-log-resources.ts';

const STREAM_LEVEL = new Set(['GetLogEvents', 'CreateLogStream']);
const GROUP_LEVEL = new Set(['DescribeLogStreams', 'FilterLogEvents', 'CreateLogGroup']);

export function logsProvider(db: Db, logs: LogStore): ServiceProvider {
  const reader = new LogReader(db);
  return {
    signingName: 'logs',
    eventSource: 'logs.amazonaws.com',
    actionPrefix: 'logs',
    validationErrorCode: 'InvalidParameterException',
    accessDenied: { code: 'AccessDeniedException', status: 400 },
    handlers: {
      DescribeLogGroups: describeLogGroups(reader),
      DescribeLogStreams: describeLogStreams(logs, reader),
      GetLogEvents: getLogEvents(logs, reader),
      FilterLogEvents: filterLogEvents(logs, reader),
      CreateLogGroup: createLogGroup(logs),
      CreateLogStream: createLogStream(logs),
    },
    isReadOnly: (operation) => (operation === 'FilterLogEvents' ? true : undefined),
    eventCategory: () => 'Management',
    authorize(ctx, operation, input: Params) {
      if (operation === 'DescribeLogGroups') return [`${logGroupArn(ctx.region, ctx.accountId, '')}:log-stream:`];
      if (!STREAM_LEVEL.has(operation) && !GROUP_LEVEL.has(operation)) return ['*'];
      let group;
      try {
        group = namedGroup(ctx, input);
      } catch {
        return ['*']; // the handler answers InvalidParameterException
      }
      const stream = STREAM_LEVEL.has(operation) ? (input.logStreamName as string) : '';
      return [logStreamArn(group.region, group.accountId, group.name, stream)];
    },
  };
}
