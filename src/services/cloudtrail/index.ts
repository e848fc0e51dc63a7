/**
 * AWS CloudTrail. Event history (LookupEvents) is served here; the trail operations arrive with
 * trail delivery, and every other operation answers UnsupportedOperationException naming itself.
 */
import type { ServiceProvider } from '../../core/service.ts';
import type { EventStore } from '../../audit/event-store.ts';
import { lookupEventsHandler } from './lookup-events.ts';

const VALIDATION_CODES: Record<string, Record<string, string>> = {
  LookupEvents: {
    maxResults: 'InvalidMaxResultsException',
    lookupAttributes: 'InvalidLookupAttributesException',
    nextToken: 'InvalidNextTokenException',
    eventCategory: 'InvalidEventCategoryException',
  },
};

export function cloudTrailProvider(events: EventStore): ServiceProvider {
  return {
    signingName: 'cloudtrail',
    eventSource: 'cloudtrail.amazonaws.com',
    actionPrefix: 'cloudtrail',
    validationErrorCode: 'InvalidParameterException',
    accessDenied: { code: 'AccessDeniedException', status: 400 },
    handlers: {
      LookupEvents: lookupEventsHandler(events),
    },
    validationCodeFor(operation, memberPath) {
      const root = memberPath.split('.')[0]!;
      return VALIDATION_CODES[operation]?.[root];
    },
  };
}
