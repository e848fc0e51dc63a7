/**
 * Which recorded events a trail takes: its account (every member account for an organization
 * trail), its home region unless it is multi-region, global services' events unless excluded,
 * and its event selectors.
 */
import type { RecordedEvent } from '../audit/event-store.ts';
import type { Trail } from './trail-store.ts';
import type { Organization } from './ports.ts';
import { selectorPredicate, type SelectableEvent } from './selectors.ts';

/** Services whose events AWS records in us-east-1 as global service events. */
const GLOBAL_SERVICE_SOURCES = new Set([
  'iam.amazonaws.com', 'sts.amazonaws.com', 'cloudfront.amazonaws.com', 'route53.amazonaws.com',
  'organizations.amazonaws.com', 'signin.amazonaws.com', 'waf.amazonaws.com',
]);
const GLOBAL_REGION = 'us-east-1';

export function trailAccounts(trail: Trail, organization: Organization | undefined): string[] {
  return trail.organizationTrail && organization ? organization.accountIds : [trail.accountId];
}

export function trailFilter(trail: Trail, organization: Organization | undefined): (e: RecordedEvent) => boolean {
  const accounts = new Set(trailAccounts(trail, organization));
  const selects = selectorPredicate(trail.eventSelectors, trail.advancedEventSelectors);
  return (e) => {
    if (!accounts.has(e.accountId)) return false;
    if (!trail.multiRegion && e.region !== trail.homeRegion) return false;
    if (!trail.includeGlobalEvents && e.region === GLOBAL_REGION && GLOBAL_SERVICE_SOURCES.has(e.eventSource)) return false;
    let parsed: ReturnType<SelectableEvent['record']> | undefined;
    return selects({
      eventCategory: e.category,
      eventSource: e.eventSource,
      eventName: e.eventName,
      readOnly: e.readOnly,
      record: () => (parsed ??= JSON.parse(e.record) as ReturnType<SelectableEvent['record']>),
    });
  };
}
