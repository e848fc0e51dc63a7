/** What SNS handlers share: input members, topic lookup by ARN, NextToken paging, audit resources. */
import type { CallContext } from '../../../core/service.ts';
import { isAwsError } from '../../../core/aws-error.ts';
import type { Params } from '../../../wire/types.ts';
import { decodePageToken, encodePageToken } from '../../shared/page-token.ts';
import { TOPIC_RESOURCE_TYPE, parseTopicArn } from '../arns.ts';
import { authorizationError, invalidParameter, topicNotFound } from '../errors.ts';
import type { TopicRow, TopicStore } from '../store/topic-store.ts';

/** SNS lists pages of 100. */
export const PAGE_SIZE = 100;

export function str(input: Params, member: string): string | undefined {
  const v = input[member];
  return typeof v === 'string' ? v : undefined;
}

export function attributeMap(input: Params, member = 'Attributes'): Record<string, string> {
  const v = input[member];
  return v && typeof v === 'object' ? (v as Record<string, string>) : {};
}

/** The topic an ARN names, in the caller's region and account. */
export function loadTopic(ctx: CallContext, topics: TopicStore, arn: string | undefined, member = 'TopicArn'): TopicRow {
  const parts = arn === undefined ? undefined : parseTopicArn(arn);
  if (!parts || parts.region !== ctx.region) throw invalidParameter(member);
  const topic = topics.get(arn!);
  if (!topic) throw topicNotFound();
  if (topic.accountId !== ctx.accountId) {
    throw authorizationError(`User: ${ctx.principal.arn} is not authorized to perform: SNS:${ctx.operation} on resource: ${arn}`);
  }
  return topic;
}

export function trackTopic(ctx: CallContext, arn: string): void {
  const parts = parseTopicArn(arn);
  ctx.resources.push({ type: TOPIC_RESOURCE_TYPE, name: arn, arn, accountId: parts?.accountId ?? ctx.accountId });
}

/** Offset of the page a NextToken names (0 without one). */
export function pageStart(input: Params, operation: string, scope: unknown): number {
  const token = str(input, 'NextToken');
  if (token === undefined) return 0;
  try {
    return decodePageToken(token, operation, scope, 'InvalidParameter');
  } catch (e) {
    if (isAwsError(e)) throw invalidParameter('NextToken');
    throw e;
  }
}

/** One page of rows fetched as PAGE_SIZE + 1 (the extra row says whether more follow), and its NextToken. */
export function page<T>(rows: T[], start: number, operation: string, scope: unknown): { items: T[]; NextToken?: string } {
  if (rows.length <= PAGE_SIZE) return { items: rows };
  return { items: rows.slice(0, PAGE_SIZE), NextToken: encodePageToken(start + PAGE_SIZE, operation, scope) };
}
