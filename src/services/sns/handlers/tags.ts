/** TagResource, UntagResource, ListTagsForResource on topics, and the Tags of CreateTopic. */
import type { CallContext, Handler } from '../../../core/service.ts';
import { AwsError } from '../../../core/aws-error.ts';
import type { Params } from '../../../wire/types.ts';
import { parseTopicArn } from '../arns.ts';
import { invalidParameter, resourceNotFound } from '../errors.ts';
import type { Tag, TopicRow, TopicStore } from '../store/topic-store.ts';
import { str, trackTopic } from './common.ts';

const MAX_TAGS = 50;

export function readTags(input: Params): Tag[] {
  const raw = input.Tags;
  if (!Array.isArray(raw)) return [];
  const tags = raw.map((t) => ({ Key: String((t as Tag).Key), Value: String((t as Tag).Value ?? '') }));
  if (new Set(tags.map((t) => t.Key)).size !== tags.length) throw invalidParameter('Tags', 'Duplicated keys are not allowed.');
  if (tags.length > MAX_TAGS) throw tagLimit();
  return tags;
}

const tagLimit = (): AwsError => new AwsError('TagLimitExceeded', 'Could not complete request: tag quota of per resource exceeded', { status: 400 });

function loadTagged(ctx: CallContext, topics: TopicStore, arn: string | undefined): TopicRow {
  const parts = arn === undefined ? undefined : parseTopicArn(arn);
  if (!parts) throw invalidParameter('ResourceArn');
  const topic = topics.get(arn!);
  if (!topic || topic.accountId !== ctx.accountId || topic.region !== ctx.region) throw resourceNotFound();
  trackTopic(ctx, topic.arn);
  return topic;
}

export function tagHandlers(topics: TopicStore): Record<string, Handler> {
  return {
    TagResource(ctx, input) {
      const topic = loadTagged(ctx, topics, str(input, 'ResourceArn'));
      const tags = readTags(input);
      const keys = new Set([...topics.tags(topic.arn).map((t) => t.Key), ...tags.map((t) => t.Key)]);
      if (keys.size > MAX_TAGS) throw tagLimit();
      topics.putTags(topic.arn, tags);
      return {};
    },

    UntagResource(ctx, input) {
      const topic = loadTagged(ctx, topics, str(input, 'ResourceArn'));
      topics.removeTags(topic.arn, (input.TagKeys as string[] | undefined) ?? []);
      return {};
    },

    ListTagsForResource(ctx, input) {
      const topic = loadTagged(ctx, topics, str(input, 'ResourceArn'));
      return { Tags: topics.tags(topic.arn) };
    },
  };
}
