/** CreateTopic, DeleteTopic, ListTopics, GetTopicAttributes, SetTopicAttributes. */
import type { Handler } from '../../../core/service.ts';
import { TOPIC_NAME, topicArn } from '../arns.ts';
import { invalidParameter, notSupported } from '../errors.ts';
import { checkCreateAttributes, checkTopicAttribute, topicAttributes } from '../topic-attributes.ts';
import type { Tag, TopicStore } from '../store/topic-store.ts';
import type { SubscriptionStore } from '../store/subscription-store.ts';
import { PAGE_SIZE, attributeMap, loadTopic, page, pageStart, str, trackTopic } from './common.ts';
import { readTags } from './tags.ts';

function sameEntries(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => b[k] === a[k]);
}

function sameTags(stored: Tag[], requested: Tag[]): boolean {
  return sameEntries(Object.fromEntries(stored.map((t) => [t.Key, t.Value])), Object.fromEntries(requested.map((t) => [t.Key, t.Value])));
}

export function topicHandlers(topics: TopicStore, subscriptions: SubscriptionStore): Record<string, Handler> {
  return {
    CreateTopic(ctx, input) {
      const name = str(input, 'Name') ?? '';
      if (name.endsWith('.fifo')) throw notSupported('FIFO topics');
      if (!TOPIC_NAME.test(name)) throw invalidParameter('Topic Name');
      if (input.DataProtectionPolicy !== undefined) throw notSupported('DataProtectionPolicy');
      const attributes = checkCreateAttributes(attributeMap(input));
      const tags = readTags(input);
      const arn = topicArn(ctx.region, ctx.accountId, name);
      trackTopic(ctx, arn);
      const existing = topics.get(arn);
      if (existing) {
        // Idempotent by name: the same request again returns the same topic.
        if (!sameEntries(existing.attributes, attributes)) {
          throw invalidParameter('Attributes', 'Topic already exists with different attributes');
        }
        if (input.Tags !== undefined && !sameTags(topics.tags(arn), tags)) {
          throw invalidParameter('Tags', 'Topic already exists with different tags');
        }
        return { TopicArn: arn };
      }
      topics.insert({ arn, accountId: ctx.accountId, region: ctx.region, name, attributes, createdAt: ctx.now.getTime() }, tags);
      return { TopicArn: arn };
    },

    DeleteTopic(ctx, input) {
      const topic = loadTopic(ctx, topics, str(input, 'TopicArn'));
      trackTopic(ctx, topic.arn);
      topics.delete(topic.arn);
      return {};
    },

    ListTopics(ctx, input) {
      const scope = { region: ctx.region };
      const start = pageStart(input, 'ListTopics', scope);
      const { items, NextToken } = page(topics.list(ctx.accountId, ctx.region, start, PAGE_SIZE + 1), start, 'ListTopics', scope);
      return { Topics: items.map((arn) => ({ TopicArn: arn })), NextToken };
    },

    GetTopicAttributes(ctx, input) {
      const topic = loadTopic(ctx, topics, str(input, 'TopicArn'));
      trackTopic(ctx, topic.arn);
      return { Attributes: topicAttributes(topic, subscriptions.counts(topic.arn)) };
    },

    SetTopicAttributes(ctx, input) {
      const topic = loadTopic(ctx, topics, str(input, 'TopicArn'));
      trackTopic(ctx, topic.arn);
      const name = str(input, 'AttributeName')!;
      const value = str(input, 'AttributeValue') ?? '';
      const attributes = { ...topic.attributes };
      if (value === '' && (name === 'Policy' || name === 'DeliveryPolicy')) {
        delete attributes[name]; // back to AWS's default
      } else {
        attributes[name] = checkTopicAttribute(name, value, false);
      }
      topics.setAttributes(topic.arn, attributes);
      return {};
    },
  };
}
