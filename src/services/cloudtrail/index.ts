/**
 * AWS CloudTrail: Event history (LookupEvents), trails and their event selectors, tags and
 * digest public keys. Every other operation (CloudTrail Lake, Insights, channels) answers
 * UnsupportedOperationException naming itself.
 */
import type { ServiceProvider } from '../../core/service.ts';
import type { EventStore } from '../../audit/event-store.ts';
import { trailArn } from '../../trails/trail-names.ts';
import { lookupEventsHandler } from './lookup-events.ts';
import { trailHandlers } from './trail-handlers.ts';
import { eventSelectorHandlers } from './event-selector-handlers.ts';
import { trailTagHandlers } from './trail-tag-handlers.ts';
import { publicKeyHandlers } from './public-key-handlers.ts';
import type { TrailServiceDeps } from './trail-context.ts';

const VALIDATION_CODES: Record<string, Record<string, string>> = {
  LookupEvents: {
    maxResults: 'InvalidMaxResultsException',
    lookupAttributes: 'InvalidLookupAttributesException',
    nextToken: 'InvalidNextTokenException',
    eventCategory: 'InvalidEventCategoryException',
  },
};

export function cloudTrailProvider(events: EventStore, trails: TrailServiceDeps): ServiceProvider {
  return {
    signingName: 'cloudtrail',
    eventSource: 'cloudtrail.amazonaws.com',
    actionPrefix: 'cloudtrail',
    validationErrorCode: 'InvalidParameterException',
    accessDenied: { code: 'AccessDeniedException', status: 400 },
    handlers: {
      LookupEvents: lookupEventsHandler(events),
      ...trailHandlers(trails),
      ...eventSelectorHandlers(trails),
      ...trailTagHandlers(trails),
      ...publicKeyHandlers(trails.keys),
    },
    authorize(ctx, _operation, input) {
      const ref = (input.Name ?? input.TrailName ?? input.ResourceId) as string | undefined;
      if (typeof ref !== 'string' || ref === '') return ['*'];
      return [ref.startsWith('arn:') ? ref : trailArn(ctx.region, ctx.accountId, ref)];
    },
    validationCodeFor(operation, memberPath) {
      const root = memberPath.split('.')[0]!;
      return VALIDATION_CODES[operation]?.[root];
    },
  };
}
