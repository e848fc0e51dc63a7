/**
 * SNS topics and their errors with the JS SDK: CreateTopic idempotency and name rules, topic
 * attributes (default policy, delivery policy, signature version), ListTopics paging, tags,
 * unknown topics, IAM denials as AuthorizationError, and the calls in CloudTrail.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTopicCommand, DeleteTopicCommand, GetTopicAttributesCommand, ListTagsForResourceCommand, ListTopicsCommand,
  PublishCommand, SetTopicAttributesCommand, SNSClient, SubscribeCommand, TagResourceCommand, UntagResourceCommand,
  paginateListTopics,
} from '@aws-sdk/client-sns';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { clientOptions, startTestServer, type TestServer } from '../helpers/server.ts';

const ACCOUNT = '123456789012';
const arnOf = (name: string, region = 'us-east-1') => `arn:aws:sns:${region}:${ACCOUNT}:${name}`;

/** Rejects with an SNS service error of this code and HTTP status. */
function snsError(code: string, status: number, message?: RegExp) {
  return (e: { name: string; Code?: string; $metadata?: { httpStatusCode?: number }; message: string }) => {
    assert.equal(e.Code ?? e.name, code);
    assert.equal(e.$metadata?.httpStatusCode, status);
    if (message) assert.match(e.message, message);
    return true;
  };
}

describe('SNS topics', () => {
  let server: TestServer;
  let sns: SNSClient;
  before(async () => {
    server = await startTestServer();
    sns = new SNSClient(clientOptions(server));
  });
  after(async () => server?.stop());

  it('creates a topic idempotently by name and refuses bad names and differing attributes', async () => {
    const first = await sns.send(new CreateTopicCommand({ Name: 'orders', Attributes: { DisplayName: 'Orders' } }));
    assert.equal(first.TopicArn, arnOf('orders'));
    const again = await sns.send(new CreateTopicCommand({ Name: 'orders', Attributes: { DisplayName: 'Orders' } }));
    assert.equal(again.TopicArn, first.TopicArn);
    await assert.rejects(sns.send(new CreateTopicCommand({ Name: 'orders', Attributes: { DisplayName: 'Other' } })),
      snsError('InvalidParameter', 400, /already exists with different attributes/));
    for (const name of ['has space', 'dots.not.allowed', 'x'.repeat(257), '']) {
      await assert.rejects(sns.send(new CreateTopicCommand({ Name: name })), snsError('InvalidParameter', 400), name);
    }
    await assert.rejects(sns.send(new CreateTopicCommand({ Name: 'q.fifo', Attributes: { FifoTopic: 'true' } })),
      snsError('InvalidParameter', 400, /not supported by this server/));
  });

  it('reports attributes as AWS does, including the default policy and effective delivery policy', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'attrs' }));
    const { Attributes: a } = await sns.send(new GetTopicAttributesCommand({ TopicArn }));
    assert.equal(a!.TopicArn, TopicArn);
    assert.equal(a!.Owner, ACCOUNT);
    assert.equal(a!.DisplayName, '');
    assert.equal(a!.SubscriptionsConfirmed, '0');
    assert.equal(a!.SubscriptionsPending, '0');
    assert.equal(a!.SubscriptionsDeleted, '0');
    const policy = JSON.parse(a!.Policy!);
    assert.equal(policy.Id, '__default_policy_ID');
    assert.equal(policy.Statement[0].Resource, TopicArn);
    assert.deepEqual(policy.Statement[0].Condition, { StringEquals: { 'AWS:SourceOwner': ACCOUNT } });
    assert.ok(policy.Statement[0].Action.includes('SNS:Publish'));
    assert.deepEqual(JSON.parse(a!.EffectiveDeliveryPolicy!).http.defaultHealthyRetryPolicy, {
      minDelayTarget: 20, maxDelayTarget: 20, numRetries: 3, numMaxDelayRetries: 0, numNoDelayRetries: 0, numMinDelayRetries: 0, backoffFunction: 'linear',
    });

    await sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'DisplayName', AttributeValue: 'Renamed' }));
    await sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'SignatureVersion', AttributeValue: '2' }));
    const delivery = { http: { defaultHealthyRetryPolicy: { minDelayTarget: 5, maxDelayTarget: 30, numRetries: 8, backoffFunction: 'exponential' } } };
    await sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'DeliveryPolicy', AttributeValue: JSON.stringify(delivery) }));
    const { Attributes: b } = await sns.send(new GetTopicAttributesCommand({ TopicArn }));
    assert.equal(b!.DisplayName, 'Renamed');
    assert.equal(b!.SignatureVersion, '2');
    assert.deepEqual(JSON.parse(b!.DeliveryPolicy!), delivery);
    assert.equal(JSON.parse(b!.EffectiveDeliveryPolicy!).http.defaultHealthyRetryPolicy.numRetries, 8);

    await assert.rejects(sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'SignatureVersion', AttributeValue: '3' })),
      snsError('InvalidParameter', 400));
    await assert.rejects(sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'DeliveryPolicy',
      AttributeValue: JSON.stringify({ http: { defaultHealthyRetryPolicy: { minDelayTarget: 50, maxDelayTarget: 10 } } }) })),
    snsError('InvalidParameter', 400, /minDelayTarget/));
    await assert.rejects(sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'KmsMasterKeyId', AttributeValue: 'alias/aws/sns' })),
      snsError('InvalidParameter', 400, /not supported by this server/));
    await assert.rejects(sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'Nonsense', AttributeValue: 'x' })),
      snsError('InvalidParameter', 400, /AttributeName/));
  });

  it('pages ListTopics 100 at a time', async () => {
    for (let i = 0; i < 105; i++) await sns.send(new CreateTopicCommand({ Name: `page-${String(i).padStart(3, '0')}` }));
    const first = await sns.send(new ListTopicsCommand({}));
    assert.equal(first.Topics!.length, 100);
    assert.ok(first.NextToken);
    const all: string[] = [];
    for await (const page of paginateListTopics({ client: sns }, {})) all.push(...page.Topics!.map((t) => t.TopicArn!));
    assert.equal(new Set(all).size, all.length, 'no topic repeated across pages');
    for (let i = 0; i < 105; i++) assert.ok(all.includes(arnOf(`page-${String(i).padStart(3, '0')}`)));
    await assert.rejects(sns.send(new ListTopicsCommand({ NextToken: 'forged' })), snsError('InvalidParameter', 400, /NextToken/));
  });

  it('keeps topics regional: another region lists its own and refuses a foreign ARN', async () => {
    const west = new SNSClient(clientOptions(server, undefined, 'us-west-2'));
    const { TopicArn } = await west.send(new CreateTopicCommand({ Name: 'orders' }));
    assert.equal(TopicArn, arnOf('orders', 'us-west-2'));
    const listed = await west.send(new ListTopicsCommand({}));
    assert.deepEqual(listed.Topics!.map((t) => t.TopicArn), [TopicArn]);
    await assert.rejects(west.send(new PublishCommand({ TopicArn: arnOf('orders'), Message: 'x' })), snsError('InvalidParameter', 400, /TopicArn/));
  });

  it('tags topics', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'tagged', Tags: [{ Key: 'team', Value: 'audit' }] }));
    await sns.send(new TagResourceCommand({ ResourceArn: TopicArn, Tags: [{ Key: 'env', Value: 'test' }] }));
    await sns.send(new UntagResourceCommand({ ResourceArn: TopicArn, TagKeys: ['team'] }));
    const { Tags } = await sns.send(new ListTagsForResourceCommand({ ResourceArn: TopicArn }));
    assert.deepEqual(Tags, [{ Key: 'env', Value: 'test' }]);
    await assert.rejects(sns.send(new ListTagsForResourceCommand({ ResourceArn: arnOf('nope') })), snsError('ResourceNotFound', 404));
  });

  it('answers NotFound (404) for unknown topics and deleted ones', async () => {
    const ghost = arnOf('ghost');
    await assert.rejects(sns.send(new GetTopicAttributesCommand({ TopicArn: ghost })), snsError('NotFound', 404, /Topic does not exist/));
    await assert.rejects(sns.send(new PublishCommand({ TopicArn: ghost, Message: 'hi' })), snsError('NotFound', 404));
    await assert.rejects(sns.send(new SubscribeCommand({ TopicArn: ghost, Protocol: 'http', Endpoint: 'http://127.0.0.1:1/' })), snsError('NotFound', 404));
    await assert.rejects(sns.send(new DeleteTopicCommand({ TopicArn: ghost })), snsError('NotFound', 404));
    await assert.rejects(sns.send(new GetTopicAttributesCommand({ TopicArn: 'not-an-arn' })), snsError('InvalidParameter', 400));
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'short-lived' }));
    await sns.send(new DeleteTopicCommand({ TopicArn }));
    await assert.rejects(sns.send(new GetTopicAttributesCommand({ TopicArn })), snsError('NotFound', 404));
  });

  it('checks Publish input as SNS does', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'checks' }));
    await assert.rejects(sns.send(new PublishCommand({ Message: 'no target' })), snsError('InvalidParameter', 400, /TopicArn or TargetArn/));
    await assert.rejects(sns.send(new PublishCommand({ TopicArn, Message: '' })), snsError('InvalidParameter', 400, /Empty message/));
    await assert.rejects(sns.send(new PublishCommand({ TopicArn, Message: 'x'.repeat(262_145) })), snsError('InvalidParameter', 400, /too long/));
    await assert.rejects(sns.send(new PublishCommand({ TopicArn, Message: 'x', Subject: 'two\nlines' })), snsError('InvalidParameter', 400, /Subject/));
    await assert.rejects(sns.send(new PublishCommand({ TopicArn, Message: '{"http":"x"}', MessageStructure: 'json' })),
      snsError('InvalidParameter', 400, /No default entry/));
    await assert.rejects(sns.send(new PublishCommand({ PhoneNumber: '+15555550100', Message: 'x' })), snsError('InvalidParameter', 400, /not supported/));
    await assert.rejects(sns.send(new PublishCommand({ TopicArn, Message: 'x', MessageAttributes: { 'AWS.reserved': { DataType: 'String', StringValue: 'v' } } })),
      snsError('ParameterValueInvalid', 400));
    const ok = await sns.send(new PublishCommand({ TargetArn: TopicArn, Message: 'x'.repeat(262_144) }));
    assert.match(ok.MessageId!, /^[0-9a-f-]{36}$/);
  });

  it('denies IAM users without permission with AuthorizationError (403)', async () => {
    const iam = new IAMClient(clientOptions(server));
    await iam.send(new CreateUserCommand({ UserName: 'sns-user' }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'sns-user' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'sns-user', PolicyName: 'create-only', PolicyDocument: JSON.stringify({
      Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sns:CreateTopic', Resource: arnOf('user-*') }],
    }) }));
    const user = new SNSClient(clientOptions(server, { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! }));
    const { TopicArn } = await user.send(new CreateTopicCommand({ Name: 'user-topic' }));
    await assert.rejects(user.send(new PublishCommand({ TopicArn, Message: 'x' })),
      snsError('AuthorizationError', 403, new RegExp(`not authorized to perform: SNS:Publish on resource: ${TopicArn}`)));
    await assert.rejects(user.send(new CreateTopicCommand({ Name: 'other' })), snsError('AuthorizationError', 403));
  });

  it('records the calls in CloudTrail, with the topic as resource and Publish content hidden', async () => {
    const ct = new CloudTrailClient(clientOptions(server));
    const { Events } = await ct.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: arnOf('attrs') }] }));
    const names = Events!.map((e) => e.EventName);
    for (const name of ['CreateTopic', 'GetTopicAttributes', 'SetTopicAttributes']) assert.ok(names.includes(name), name);
    const created = JSON.parse(Events!.find((e) => e.EventName === 'CreateTopic')!.CloudTrailEvent!);
    assert.equal(created.eventSource, 'sns.amazonaws.com');
    assert.deepEqual(created.requestParameters, { name: 'attrs' });
    assert.deepEqual(created.responseElements, { topicArn: arnOf('attrs') });

    // Publish is a data event: recorded for trails, never in Event history.
    const denied = await ct.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'sns-user' }] }));
    assert.ok(denied.Events!.length > 0);
    assert.ok(!denied.Events!.some((e) => e.EventName === 'Publish'));
    const publishes = server.events.readAfter(0, server.events.lastSeq(), 100_000)
      .filter((e) => e.eventName === 'Publish').map((e) => JSON.parse(e.record));
    assert.ok(publishes.every((r) => r.eventCategory === 'Data' && r.managementEvent === false));
    assert.ok(publishes.some((r) => r.errorCode === 'AuthorizationError' && r.userIdentity.userName === 'sns-user'));
    const published = publishes.find((r) => r.requestParameters?.targetArn === arnOf('checks') && !r.errorCode);
    assert.equal(published.requestParameters.message, 'HIDDEN_DUE_TO_SECURITY_REASONS');
    assert.match(published.responseElements.messageId, /^[0-9a-f-]{36}$/);
  });
});
