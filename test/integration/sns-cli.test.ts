/**
 * The real AWS CLI (botocore's query protocol client) against SNS: create, attributes, subscribe,
 * confirm with the token (a signed, recorded ConfirmSubscription), publish, errors.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { awsCli, hasAwsCli, startTestServer, type TestServer } from '../helpers/server.ts';
import { TestSubscriber, verifySnsMessage } from '../helpers/sns-subscriber.ts';

const skip = hasAwsCli() ? false : 'the aws CLI is not installed (.ci/run installs Debian awscli)';

describe('aws sns', { skip }, () => {
  let server: TestServer;
  let subscriber: TestSubscriber;
  before(async () => {
    server = await startTestServer();
    subscriber = await TestSubscriber.start();
  });
  after(async () => {
    await server?.stop();
    await subscriber?.close();
  });

  it('creates a topic, subscribes an HTTP endpoint, confirms with the token and publishes', async () => {
    const created = await awsCli(server, ['sns', 'create-topic', '--name', 'cli-topic', '--attributes', 'DisplayName=From CLI']);
    assert.equal(created.status, 0, created.stderr);
    const topicArn = created.json.TopicArn as string;
    assert.equal(topicArn, 'arn:aws:sns:us-east-1:123456789012:cli-topic');

    const attrs = await awsCli(server, ['sns', 'get-topic-attributes', '--topic-arn', topicArn]);
    assert.equal(attrs.json.Attributes.DisplayName, 'From CLI');
    const listed = await awsCli(server, ['sns', 'list-topics']);
    assert.deepEqual(listed.json.Topics, [{ TopicArn: topicArn }]);

    const subscribed = await awsCli(server, ['sns', 'subscribe', '--topic-arn', topicArn, '--protocol', 'http', '--notification-endpoint', subscriber.url]);
    assert.equal(subscribed.status, 0, subscribed.stderr);
    assert.equal(subscribed.json.SubscriptionArn, 'pending confirmation');
    const confirmation = await subscriber.ofType('SubscriptionConfirmation');
    const confirmed = await awsCli(server, ['sns', 'confirm-subscription', '--topic-arn', topicArn, '--token', confirmation.json!.Token!]);
    assert.equal(confirmed.status, 0, confirmed.stderr);
    assert.match(confirmed.json.SubscriptionArn, new RegExp(`^${topicArn}:`));

    const published = await awsCli(server, ['sns', 'publish', '--topic-arn', topicArn, '--subject', 'CLI', '--message', 'hello from the CLI',
      '--message-attributes', '{"source":{"DataType":"String","StringValue":"cli"}}']);
    assert.equal(published.status, 0, published.stderr);
    const got = await subscriber.next((r) => r.json?.Message === 'hello from the CLI');
    assert.equal(got.json!.MessageId, published.json.MessageId);
    assert.deepEqual(got.json!.MessageAttributes, { source: { Type: 'String', Value: 'cli' } });
    await verifySnsMessage(got.json!);

    const subs = await awsCli(server, ['sns', 'list-subscriptions-by-topic', '--topic-arn', topicArn]);
    assert.equal(subs.json.Subscriptions[0].SubscriptionArn, confirmed.json.SubscriptionArn);

    const lookup = await awsCli(server, ['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventSource,AttributeValue=sns.amazonaws.com']);
    const names = (lookup.json.Events as { EventName: string }[]).map((e) => e.EventName);
    for (const name of ['CreateTopic', 'Subscribe', 'ConfirmSubscription']) assert.ok(names.includes(name), name);
  });

  it('reports errors the way the CLI expects', async () => {
    const missing = await awsCli(server, ['sns', 'get-topic-attributes', '--topic-arn', 'arn:aws:sns:us-east-1:123456789012:missing']);
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /\(NotFound\).*Topic does not exist/);
    const bad = await awsCli(server, ['sns', 'create-topic', '--name', 'bad name']);
    assert.match(bad.stderr, /\(InvalidParameter\).*Invalid parameter: Topic Name/);
    const email = await awsCli(server, ['sns', 'subscribe', '--topic-arn', 'arn:aws:sns:us-east-1:123456789012:cli-topic', '--protocol', 'email',
      '--notification-endpoint', 'someone@example.com']);
    assert.match(email.stderr, /\(InvalidParameter\).*protocol email is not supported by this server/);
  });
});
