/**
 * CloudTrail LookupEvents (Event history), spec/cloudtrail.md §4: one lookup attribute, an
 * inclusive time range, newest first, up to 50 per page, management events of the region called,
 * within the retention window. NextToken is bound to the parameters it was issued for.
 */
import { AwsError } from '../../core/aws-error.ts';
import type { Handler } from '../../core/service.ts';
import type { Params } from '../../wire/types.ts';
import type { EventStore, LookupAttributeKey, StoredEvent } from '../../audit/event-store.ts';
import { RateLimiter } from './rate-limiter.ts';
import { decodeToken, encodeToken } from '../shared/page-token.ts';

const MAX_RESULTS = 50;

function toApiEvent(e: StoredEvent): Params {
  const out: Params = {
    EventId: e.eventId,
    EventName: e.eventName,
    ReadOnly: e.readOnly ?? undefined,
    AccessKeyId: e.accessKeyId ?? undefined,
    EventTime: new Date(e.eventTime * 1000),
    EventSource: e.eventSource,
    Username: e.username ?? undefined,
    Resources: e.resources.map((r) => ({ ResourceType: r.type ?? undefined, ResourceName: r.name ?? undefined })),
    CloudTrailEvent: e.record,
  };
  return out;
}

export function lookupEventsHandler(events: EventStore): Handler {
  const limiter = new RateLimiter(2);
  return (ctx, input) => {
    if (ctx.config.lookupEventsThrottle && !limiter.take(`${ctx.accountId}/${ctx.region}`, ctx.now.getTime())) {
      throw new AwsError('ThrottlingException', 'Rate exceeded');
    }
    const attributes = (input.LookupAttributes as { AttributeKey: LookupAttributeKey; AttributeValue: string }[] | undefined) ?? [];
    if (attributes.length > 1) {
      throw new AwsError('InvalidLookupAttributesException', 'You cannot use more than one lookup attribute.');
    }
    const category = input.EventCategory as string | undefined;
    if (category !== undefined && category !== 'insight') {
      throw new AwsError('InvalidEventCategoryException', `Invalid event category: ${category}`);
    }
    const nowSeconds = Math.floor(ctx.now.getTime() / 1000);
    const retentionStart = nowSeconds - ctx.config.eventRetentionDays * 86_400;
    const start = input.StartTime instanceof Date ? Math.floor(input.StartTime.getTime() / 1000) : retentionStart;
    const end = input.EndTime instanceof Date ? Math.floor(input.EndTime.getTime() / 1000) : nowSeconds;
    if (start > end) throw new AwsError('InvalidTimeRangeException', 'Start time must be before end time.');
    // A NextToken is valid only with the parameters it was issued for.
    const bound = [ctx.accountId, ctx.region, attributes[0] ?? null, input.StartTime ?? null, input.EndTime ?? null, category ?? null];
    const cursor = input.NextToken
      ? decodeToken(input.NextToken as string, 'LookupEvents', bound, ['t', 's'] as const, 'InvalidNextTokenException')
      : undefined;
    const limit = (input.MaxResults as number | undefined) ?? MAX_RESULTS;

    // Insights events are the only kind EventCategory=insight returns; this server makes none.
    if (category === 'insight') return { Events: [] };

    const attribute = attributes[0] ? { key: attributes[0].AttributeKey, value: attributes[0].AttributeValue } : undefined;
    const page = events.lookup({
      accountId: ctx.accountId,
      region: ctx.region,
      attribute,
      startTime: Math.max(start, retentionStart),
      endTime: end,
      before: cursor ? { time: cursor.t, seq: cursor.s } : undefined,
      limit: limit + 1,
    });
    const out: Params = { Events: page.slice(0, limit).map(toApiEvent) };
    if (page.length > limit) {
      const last = page[limit - 1]!;
      out.NextToken = encodeToken({ t: last.eventTime, s: last.seq }, 'LookupEvents', bound);
    }
    return out;
  };
}
