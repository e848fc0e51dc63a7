/** PutEventSelectors and GetEventSelectors (spec/cloudtrail.md §5): basic or advanced, not both;
 * GetInsightSelectors. */
import { AwsError } from '../../core/aws-error.ts';
import type { Handler } from '../../core/service.ts';
import {
  DEFAULT_EVENT_SELECTORS, validateAdvancedSelectors, validateBasicSelectors,
  type AdvancedEventSelector, type BasicEventSelector,
} from '../../trails/selectors.ts';
import { findOwnTrail, findTrail, type TrailServiceDeps } from './trail-context.ts';

export function eventSelectorHandlers(deps: TrailServiceDeps): Record<string, Handler> {
  return {
    PutEventSelectors(ctx, input) {
      const trail = findOwnTrail(ctx, deps, input.TrailName as string);
      const basic = input.EventSelectors as BasicEventSelector[] | undefined;
      const advanced = input.AdvancedEventSelectors as AdvancedEventSelector[] | undefined;
      if ((basic === undefined) === (advanced === undefined)) {
        throw new AwsError('InvalidParameterCombinationException',
          'Specify either EventSelectors or AdvancedEventSelectors, but not both.');
      }
      if (basic) {
        const selectors = validateBasicSelectors(basic);
        deps.trails.setSelectors(trail.arn, selectors, undefined);
        return { TrailARN: trail.arn, EventSelectors: selectors };
      }
      const selectors = validateAdvancedSelectors(advanced!);
      deps.trails.setSelectors(trail.arn, undefined, selectors);
      return { TrailARN: trail.arn, AdvancedEventSelectors: selectors };
    },

    /** Insights are not produced by this server, so no trail has Insights selectors. */
    GetInsightSelectors(ctx, input) {
      const trail = findTrail(ctx, deps, input.TrailName as string);
      throw new AwsError('InsightNotEnabledException', `Trail ${trail.arn} does not have Insights enabled.`);
    },

    GetEventSelectors(ctx, input) {
      const trail = findTrail(ctx, deps, input.TrailName as string);
      if (trail.advancedEventSelectors) return { TrailARN: trail.arn, AdvancedEventSelectors: trail.advancedEventSelectors };
      return { TrailARN: trail.arn, EventSelectors: trail.eventSelectors ?? DEFAULT_EVENT_SELECTORS };
    },
  };
}
