/** HealthLake tagging: TagResource, UntagResource, ListTagsForResource on datastore ARNs. */
import { AwsError } from '../../core/aws-error.ts';
import type { CallContext, Handler } from '../../core/service.ts';
import { DATASTORE_RESOURCE_TYPE, parseDatastoreArn } from './arns.ts';
import type { DatastoreStore } from './datastore-store.ts';

const MAX_TAGS = 200;

export function tagHandlers(store: DatastoreStore): Record<string, Handler> {
  const resolve = (ctx: CallContext, arn: string): string => {
    const parsed = parseDatastoreArn(arn);
    if (!parsed) throw new AwsError('ValidationException', `Invalid resource ARN: ${arn}`);
    const row = parsed.accountId === ctx.accountId && parsed.region === ctx.region
      ? store.get(ctx.accountId, ctx.region, parsed.datastoreId, ctx.now.getTime())
      : undefined;
    if (!row || row.status === 'DELETED') throw new AwsError('ResourceNotFoundException', `Resource ${arn} does not exist.`);
    ctx.resources.push({ type: DATASTORE_RESOURCE_TYPE, name: row.datastoreId, arn, accountId: row.accountId });
    return row.datastoreId;
  };

  return {
    TagResource(ctx, input) {
      const id = resolve(ctx, input.ResourceARN as string);
      const tags = input.Tags as { Key: string; Value: string }[];
      const keys = new Set([...store.tags(id).map((t) => t.Key), ...tags.map((t) => t.Key)]);
      if (keys.size > MAX_TAGS) throw new AwsError('ValidationException', `A resource can have at most ${MAX_TAGS} tags.`);
      store.putTags(id, tags);
      return {};
    },
    UntagResource(ctx, input) {
      store.removeTags(resolve(ctx, input.ResourceARN as string), input.TagKeys as string[]);
      return {};
    },
    ListTagsForResource(ctx, input) {
      return { Tags: store.tags(resolve(ctx, input.ResourceARN as string)) };
    },
  };
}
