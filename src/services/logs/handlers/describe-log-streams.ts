/** DescribeLogStreams: a group's streams by name (optionally a prefix) or by last event time. */
import { AwsError } from '../../../core/aws-error.ts';
import type { Handler } from '../../../core/service.ts';
import type { Params } from '../../../wire/types.ts';
import { decodePageToken, encodePageToken } from '../../shared/page-token.ts';
import { DESCRIBE_PAGE } from '../limits.ts';
import { existingGroup, namedGroup } from '../log-group-ref.ts';
import type { LogReader } from '../log-reader.ts';
import type { LogStore } from '../log-store.ts';
import { logStreamArn } from '../names.ts';

export function describeLogStreams(logs: LogStore, reader: LogReader): Handler {
  return (ctx, input) => {
    const group = existingGroup(ctx, logs, namedGroup(ctx, input));
    const prefix = input.logStreamNamePrefix as string | undefined;
    const byLastEventTime = input.orderBy === 'LastEventTime';
    if (byLastEventTime && prefix !== undefined) {
      throw new AwsError('InvalidParameterException', 'Cannot order by LastEventTime with a logStreamNamePrefix.');
    }
    const descending = input.descending === true;
    const bound = [group.id, prefix ?? null, byLastEventTime, descending];
    const offset = input.nextToken ? decodePageToken(input.nextToken as string, 'DescribeLogStreams', bound, 'InvalidParameterException') : 0;
    const limit = (input.limit as number | undefined) ?? DESCRIBE_PAGE;
    const rows = reader.streams(group.id, { prefix, byLastEventTime, descending }, offset, limit + 1);
    const out: Params = {
      logStreams: rows.slice(0, limit).map((s) => ({
        logStreamName: s.name,
        creationTime: s.creation_time,
        firstEventTimestamp: s.first_event_timestamp ?? undefined,
        lastEventTimestamp: s.last_event_timestamp ?? undefined,
        lastIngestionTime: s.last_ingestion_time ?? undefined,
        arn: logStreamArn(group.region, group.account_id, group.name, s.name),
        // Deprecated for streams: CloudWatch reports 0 (the group's storedBytes is kept).
        storedBytes: 0,
      })),
    };
    if (rows.length > limit) out.nextToken = encodePageToken(offset + limit, 'DescribeLogStreams', bound);
    return out;
  };
}
