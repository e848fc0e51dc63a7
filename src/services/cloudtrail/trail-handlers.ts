/**
 * Trail lifecycle (spec/cloudtrail.md §2.1, §2.6): CreateTrail, UpdateTrail, DeleteTrail,
 * GetTrail, DescribeTrails, ListTrails, StartLogging, StopLogging, GetTrailStatus.
 * CreateTrail does not start logging.
 */
import { AwsError } from '../../core/aws-error.ts';
import type { CallContext, Handler } from '../../core/service.ts';
import { isoSeconds } from '../../core/clock.ts';
import type { Params } from '../../wire/types.ts';
import { assertTrailName, trailArn } from '../../trails/trail-names.ts';
import { decodeToken, encodeToken } from '../shared/page-token.ts';
import { findOwnTrail, findTrail, visibleAccounts, TRAIL_RESOURCE_TYPE, type TrailServiceDeps } from './trail-context.ts';
import { readTrailSettings } from './trail-settings.ts';
import { trailInfo, trailShape, trailWriteResponse } from './trail-shapes.ts';

const MAX_TRAILS_PER_REGION = 5;
const MAX_TAGS = 50;
const LIST_PAGE = 50;

const seconds = (ms: number): number => Math.floor(ms / 1000);

export function trailHandlers(deps: TrailServiceDeps): Record<string, Handler> {
  const { trails } = deps;
  /** Logging changes take effect at the next recorded event: this call's own record. */
  const nextSeq = (): number => deps.events.lastSeq() + 1;

  return {
    CreateTrail(ctx, input) {
      const name = input.Name as string;
      assertTrailName(name);
      const arn = trailArn(ctx.region, ctx.accountId, name);
      if (trails.get(arn)) throw new AwsError('TrailAlreadyExistsException', `Trail ${name} already exists for customer: ${ctx.accountId}`);
      if (trails.countInRegion(ctx.accountId, ctx.region) >= MAX_TRAILS_PER_REGION) {
        throw new AwsError('MaximumNumberOfTrailsExceededException', `User: ${ctx.accountId} already has ${MAX_TRAILS_PER_REGION} trails in ${ctx.region}.`);
      }
      const tags = (input.TagsList as { Key: string; Value?: string }[] | undefined) ?? [];
      if (tags.length > MAX_TAGS) throw new AwsError('TagsLimitExceededException', `A trail can have at most ${MAX_TAGS} tags.`);
      const settings = readTrailSettings(ctx, deps, input);
      // A deleted trail of the same name may still be finishing its delivery; it yields.
      if (trails.getAny(arn)) trails.finishStop(arn);
      trails.insert({ arn, accountId: ctx.accountId, homeRegion: ctx.region, name, createdAt: ctx.now.getTime(), ...settings });
      trails.putTags(arn, tags);
      ctx.resources.push({ type: TRAIL_RESOURCE_TYPE, name: arn, arn, accountId: ctx.accountId });
      return trailWriteResponse(trails.get(arn)!);
    },

    UpdateTrail(ctx, input) {
      const trail = findOwnTrail(ctx, deps, input.Name as string);
      const settings = readTrailSettings(ctx, deps, input, trail);
      trails.updateSettings(trail.arn, settings);
      if (trail.isLogging && settings.logFileValidation !== trail.logFileValidation) {
        trails.setDigestChainStart(trail.arn, settings.logFileValidation ? seconds(ctx.now.getTime()) : null);
      }
      return trailWriteResponse(trails.get(trail.arn)!);
    },

    DeleteTrail(ctx, input) {
      const trail = findOwnTrail(ctx, deps, input.Name as string);
      trails.markDeleted(trail.arn, ctx.now.getTime(), nextSeq());
      return {};
    },

    GetTrail(ctx, input) {
      return { Trail: trailShape(findTrail(ctx, deps, input.Name as string)) };
    },

    DescribeTrails(ctx, input) {
      const names = (input.trailNameList as string[] | undefined) ?? [];
      const visible = trails.visibleFrom(visibleAccounts(ctx, deps.organization), ctx.region)
        .filter((t) => t.accountId === ctx.accountId || t.organizationTrail);
      if (names.length === 0) {
        const includeShadows = (input.includeShadowTrails as boolean | undefined) ?? true;
        return { trailList: visible.filter((t) => includeShadows || t.homeRegion === ctx.region).map(trailShape) };
      }
      const wanted = new Set(names.map((n) => (n.startsWith('arn:') ? n : trailArn(ctx.region, ctx.accountId, n))));
      return { trailList: visible.filter((t) => wanted.has(t.arn)).map(trailShape) };
    },

    ListTrails(ctx, input) {
      const all = trails.all().filter((t) => !t.deleted && (t.accountId === ctx.accountId
        || (t.organizationTrail && visibleAccounts(ctx, deps.organization).includes(t.accountId))));
      const bound = [ctx.accountId];
      const offset = input.NextToken
        ? decodeToken(input.NextToken as string, 'ListTrails', bound, ['o'] as const, 'InvalidNextTokenException').o
        : 0;
      const page = all.slice(offset, offset + LIST_PAGE);
      const out: Params = { Trails: page.map(trailInfo) };
      if (offset + LIST_PAGE < all.length) out.NextToken = encodeToken({ o: offset + LIST_PAGE }, 'ListTrails', bound);
      return out;
    },

    StartLogging(ctx, input) {
      const trail = findOwnTrail(ctx, deps, input.Name as string);
      if (!trail.isLogging) {
        const now = ctx.now.getTime();
        trails.startLogging(trail.arn, now, nextSeq() - 1, trail.logFileValidation ? seconds(now) : null);
      }
      return {};
    },

    StopLogging(ctx, input) {
      const trail = findOwnTrail(ctx, deps, input.Name as string);
      if (trail.isLogging) trails.stopLogging(trail.arn, ctx.now.getTime(), nextSeq());
      return {};
    },

    GetTrailStatus(ctx, input) {
      return trailStatus(ctx, deps, input.Name as string);
    },
  };
}

function trailStatus(ctx: CallContext, deps: TrailServiceDeps, name: string): Params {
  const t = findTrail(ctx, deps, name);
  const date = (ms: number | undefined): Date | undefined => (ms === undefined ? undefined : new Date(ms));
  const legacy = (ms: number | undefined): string => (ms === undefined ? '' : isoSeconds(new Date(ms)));
  return {
    IsLogging: t.isLogging,
    LatestDeliveryError: t.latestDeliveryError,
    LatestNotificationError: t.latestNotificationError,
    LatestDeliveryTime: date(t.latestDeliveryTime),
    LatestNotificationTime: date(t.latestNotificationTime),
    StartLoggingTime: date(t.startLoggingTime),
    StopLoggingTime: date(t.stopLoggingTime),
    LatestDigestDeliveryTime: date(t.latestDigestTime),
    LatestDigestDeliveryError: t.latestDigestError,
    LatestDeliveryAttemptTime: legacy(t.latestDeliveryAttempt),
    LatestNotificationAttemptTime: legacy(t.latestNotificationAttempt),
    LatestNotificationAttemptSucceeded: legacy(t.latestNotificationTime),
    LatestDeliveryAttemptSucceeded: legacy(t.latestDeliveryTime),
    TimeLoggingStarted: legacy(t.startLoggingTime),
    TimeLoggingStopped: legacy(t.stopLoggingTime),
  };
}
