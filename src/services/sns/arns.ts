/** Topic and subscription ARNs: arn:aws:sns:<region>:<account>:<topic>[:<subscription id>]. */

export const TOPIC_RESOURCE_TYPE = 'AWS::SNS::Topic';

/** Topic names: ASCII letters, digits, '_' and '-', 1 to 256 characters. */
export const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;

export interface TopicArnParts {
  region: string;
  accountId: string;
  name: string;
}

export function topicArn(region: string, accountId: string, name: string): string {
  return `arn:aws:sns:${region}:${accountId}:${name}`;
}

export function parseTopicArn(arn: string): TopicArnParts | undefined {
  const m = /^arn:aws:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256})$/.exec(arn);
  return m ? { region: m[1]!, accountId: m[2]!, name: m[3]! } : undefined;
}

export function subscriptionArn(topic: string, id: string): string {
  return `${topic}:${id}`;
}

/** The topic a subscription ARN belongs to, when it is shaped like one. */
export function topicOfSubscription(arn: string): string | undefined {
  const m = /^(arn:aws:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}):[0-9a-f-]{36}$/.exec(arn);
  return m?.[1];
}
