/** TagResource, UntagResource, ListTagsForResource for every HealthOmics resource type. */
import { AwsError } from '../../../core/aws-error.ts';
import type { CallContext, Handler } from '../../../core/service.ts';
import { parseOmicsArn } from '../arns.ts';
import { OmicsResources } from '../resources.ts';
import type { OmicsTagStore, TagMap } from './tag-store.ts';

export function tagHandlers(tags: OmicsTagStore, resources: OmicsResources): Record<string, Handler> {
  const resolve = (ctx: CallContext, arn: string): string => {
    const parsed = parseOmicsArn(arn);
    if (!parsed) throw new AwsError('ValidationException', `Invalid resource ARN: ${arn.slice(0, 200)}`);
    if (parsed.accountId !== ctx.accountId || parsed.region !== ctx.region || !resources.exists(ctx, parsed)) {
      throw new AwsError('ResourceNotFoundException', `The resource ${arn} was not found.`);
    }
    ctx.resources.push(OmicsResources.ref(parsed, arn));
    return arn;
  };
  return {
    TagResource(ctx, input) {
      tags.put(resolve(ctx, input.resourceArn as string), input.tags as TagMap);
      return {};
    },
    UntagResource(ctx, input) {
      tags.remove(resolve(ctx, input.resourceArn as string), input.tagKeys as string[]);
      return {};
    },
    ListTagsForResource(ctx, input) {
      return { tags: tags.tags(resolve(ctx, input.resourceArn as string)) };
    },
  };
}
