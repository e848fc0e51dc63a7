/**
 * What the trail handlers share: the stores and ports, and how a Name/TrailName/ResourceId
 * parameter finds its trail (spec/cloudtrail.md §2.1, §2.5).
 */
import { AwsError } from '../../core/aws-error.ts';
import type { CallContext } from '../../core/service.ts';
import type { EventStore } from '../../audit/event-store.ts';
import type { Trail, TrailStore } from '../../trails/trail-store.ts';
import type { SigningKeys } from '../../trails/signing-keys.ts';
import type { Organization, TrailBuckets, TrailTopics } from '../../trails/ports.ts';
import { readTrailRef, trailArn } from '../../trails/trail-names.ts';

export const TRAIL_RESOURCE_TYPE = 'AWS::CloudTrail::Trail';

export interface TrailServiceDeps {
  trails: TrailStore;
  /** Event store on the writing connection: its last seq is where logging starts or stops. */
  events: EventStore;
  keys: SigningKeys;
  buckets: TrailBuckets;
  topics?: TrailTopics;
  organization?: Organization;
}

/** Accounts whose trails the caller sees: its own, and its organization's management account. */
export function visibleAccounts(ctx: CallContext, org: Organization | undefined): string[] {
  return org && org.accountIds.includes(ctx.accountId) && org.managementAccountId !== ctx.accountId
    ? [ctx.accountId, org.managementAccountId]
    : [ctx.accountId];
}

function canSee(ctx: CallContext, trail: Trail, org: Organization | undefined): boolean {
  if (trail.accountId === ctx.accountId) return true;
  return trail.organizationTrail && visibleAccounts(ctx, org).includes(trail.accountId);
}

/** The trail a read names: by ARN anywhere visible (shadow copies included), by name in this region. */
export function findTrail(ctx: CallContext, deps: TrailServiceDeps, value: string | undefined): Trail {
  const ref = readTrailRef(value);
  const arn = ref.arn ?? trailArn(ctx.region, ctx.accountId, ref.name);
  const trail = deps.trails.get(arn);
  const visible = trail && canSee(ctx, trail, deps.organization)
    && (trail.homeRegion === ctx.region || trail.multiRegion || ref.arn !== undefined);
  if (!visible) throw new AwsError('TrailNotFoundException', `Unknown trail: ${arn} for the user: ${ctx.accountId}`);
  ctx.resources.push({ type: TRAIL_RESOURCE_TYPE, name: trail.arn, arn: trail.arn, accountId: trail.accountId });
  return trail;
}

/** The trail a mutation names: it must be the caller's own and be called in its home region. */
export function findOwnTrail(ctx: CallContext, deps: TrailServiceDeps, value: string | undefined): Trail {
  const trail = findTrail(ctx, deps, value);
  if (trail.accountId !== ctx.accountId) {
    throw new AwsError('OperationNotPermittedException', 'Member accounts of an organization cannot modify an organization trail.');
  }
  if (trail.homeRegion !== ctx.region) {
    throw new AwsError('InvalidHomeRegionException',
      `This operation must be called from the trail's home region (${trail.homeRegion}).`);
  }
  return trail;
}
