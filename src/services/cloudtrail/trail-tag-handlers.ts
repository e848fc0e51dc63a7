/** AddTags, RemoveTags, ListTags on trail ARNs. */
import { AwsError } from '../../core/aws-error.ts';
import type { CallContext, Handler } from '../../core/service.ts';
import type { Trail } from '../../trails/trail-store.ts';
import { findOwnTrail, findTrail, type TrailServiceDeps } from './trail-context.ts';

const MAX_TAGS = 50;

function requireArn(value: string): string {
  if (!value.startsWith('arn:')) throw new AwsError('CloudTrailARNInvalidException', `Invalid trail ARN: ${value}`);
  return value;
}

export function trailTagHandlers(deps: TrailServiceDeps): Record<string, Handler> {
  const own = (ctx: CallContext, id: string): Trail => {
    try {
      return findOwnTrail(ctx, deps, requireArn(id));
    } catch (e) {
      if (e instanceof AwsError && e.code === 'TrailNotFoundException') {
        throw new AwsError('ResourceNotFoundException', `Resource not found: ${id}`);
      }
      throw e;
    }
  };
  return {
    AddTags(ctx, input) {
      const trail = own(ctx, input.ResourceId as string);
      const tags = input.TagsList as { Key: string; Value?: string }[];
      const keys = new Set([...deps.trails.tags(trail.arn).map((t) => t.Key), ...tags.map((t) => t.Key)]);
      if (keys.size > MAX_TAGS) throw new AwsError('TagsLimitExceededException', `A trail can have at most ${MAX_TAGS} tags.`);
      deps.trails.putTags(trail.arn, tags);
      return {};
    },
    RemoveTags(ctx, input) {
      const trail = own(ctx, input.ResourceId as string);
      deps.trails.removeTags(trail.arn, (input.TagsList as { Key: string }[]).map((t) => t.Key));
      return {};
    },
    ListTags(ctx, input) {
      const ids = input.ResourceIdList as string[];
      return {
        ResourceTagList: ids.map((id) => {
          const trail = findTrail(ctx, deps, requireArn(id));
          return { ResourceId: trail.arn, TagsList: deps.trails.tags(trail.arn) };
        }),
      };
    },
  };
}
