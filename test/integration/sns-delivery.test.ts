/**
 * SNS delivery to a local HTTP subscriber, as a subscriber sees it: the SubscriptionConfirmation,
 * confirming by GETting the SubscribeURL without credentials, signed Notifications with SNS's
 * headers, SignatureVersion 2, raw delivery, MessageStructure=json, Unsubscribe with its
 * UnsubscribeConfirmation, retries after failures, and the internal publisher for trails.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import {
  ConfirmSubscriptionCommand, CreateTopicCommand, GetSubscriptionAttributesCommand, GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand, ListSubscriptionsCommand, PublishCommand, SetSubscriptionAttributesCommand,
  SetTopicAttributesCommand, SNSClient, SubscribeCommand, UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { clientOptions, startTestServer, type TestServer } from '../helpers/server.ts';
import { TestSubscriber, verifySnsMessage, type Received } from '../helpers/sns-subscriber.ts';

/** Subscribes the subscriber's URL and confirms through the SubscribeURL it receives. */
async function subscribeAndConfirm(sns: SNSClient, subscriber: TestSubscriber, topicArn: string, endpoint = subscriber.url): Promise<string> {
  const out = await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: endpoint }));
  assert.equal(out.SubscriptionArn, 'pending confirmation');
  const confirmation = await subscriber.ofType('SubscriptionConfirmation', (r) => r.json?.TopicArn === topicArn);
  await verifySnsMessage(confirmation.json!);
  const res = await fetch(confirmation.json!.SubscribeURL!);
  assert.equal(res.status, 200);
  const arn = /<SubscriptionArn>([^<]+)<\/SubscriptionArn>/.exec(await res.text())?.[1];
  assert.ok(arn?.startsWith(`${topicArn}:`));
  return arn!;
}

const notificationFor = (topicArn: string, message: string) => (r: Received) =>
  r.headers['x-amz-sns-message-type'] === 'Notification' && r.headers['x-amz-sns-topic-arn'] === topicArn
  && (r.json ? r.json.Message === message : r.body === message);

describe('SNS delivery to HTTP subscribers', () => {
  let server: TestServer;
  let sns: SNSClient;
  let subscriber: TestSubscriber;
  before(async () => {
    server = await startTestServer({ snsRetryBaseMs: 5 });
    sns = new SNSClient(clientOptions(server));
    subscriber = await TestSubscriber.start();
  });
  after(async () => {
    await server?.stop();
    await subscriber?.close();
  });

  it('sends a signed SubscriptionConfirmation; an unsigned GET of its SubscribeURL confirms', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'patients' }));
    const out = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: subscriber.url, ReturnSubscriptionArn: true }));
    const subscriptionArn = out.SubscriptionArn!;
    assert.match(subscriptionArn, new RegExp(`^${TopicArn}:[0-9a-f-]{36}$`));
    const pending = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }));
    assert.equal(pending.Attributes!.PendingConfirmation, 'true');
    const listedPending = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    assert.equal(listedPending.Subscriptions![0]!.SubscriptionArn, 'PendingConfirmation');

    const confirmation = await subscriber.ofType('SubscriptionConfirmation', (r) => r.json?.TopicArn === TopicArn);
    const doc = confirmation.json!;
    assert.deepEqual(Object.keys(doc), ['Type', 'MessageId', 'Token', 'TopicArn', 'Message', 'SubscribeURL', 'Timestamp',
      'SignatureVersion', 'Signature', 'SigningCertURL']);
    assert.equal(doc.Message, `You have chosen to subscribe to the topic ${TopicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`);
    assert.equal(doc.SubscribeURL, `${server.url}/?Action=ConfirmSubscription&TopicArn=${TopicArn}&Token=${doc.Token}`);
    assert.match(doc.SigningCertURL!, new RegExp(`^${server.url}/sns/SimpleNotificationService-[0-9a-f]{32}\\.pem$`));
    assert.match(doc.Timestamp!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(doc.SignatureVersion, '1');
    assert.equal(confirmation.headers['x-amz-sns-message-id'], doc.MessageId);
    assert.equal(confirmation.headers['x-amz-sns-topic-arn'], TopicArn);
    assert.equal(confirmation.headers['content-type'], 'text/plain; charset=UTF-8');
    assert.equal(confirmation.headers['user-agent'], 'Amazon Simple Notification Service Agent');
    const certificate = await verifySnsMessage(doc);
    assert.match(certificate.subject, /CN=sns\.amazonaws\.com/);

    const res = await fetch(doc.SubscribeURL!);
    assert.equal(res.status, 200);
    const xml = await res.text();
    assert.match(xml, new RegExp(`<ConfirmSubscriptionResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ConfirmSubscriptionResult><SubscriptionArn>${subscriptionArn}</SubscriptionArn>`));
    const confirmed = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }));
    assert.equal(confirmed.Attributes!.PendingConfirmation, 'false');
    assert.equal(confirmed.Attributes!.ConfirmationWasAuthenticated, 'false');
    const topic = await sns.send(new GetTopicAttributesCommand({ TopicArn }));
    assert.equal(topic.Attributes!.SubscriptionsConfirmed, '1');

    const again = await fetch(doc.SubscribeURL!);
    assert.equal(again.status, 200, 'confirming twice answers the same subscription');
    const badToken = await fetch(`${server.url}/?Action=ConfirmSubscription&TopicArn=${TopicArn}&Token=00ff`);
    assert.equal(badToken.status, 400);
    assert.match(await badToken.text(), /<Code>InvalidParameter<\/Code><Message>Invalid parameter: Token<\/Message>/);
  });

  it('delivers signed Notifications with SNS headers, subject and message attributes', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'labs' }));
    const subscriptionArn = await subscribeAndConfirm(sns, subscriber, TopicArn!);
    const { MessageId } = await sns.send(new PublishCommand({
      TopicArn, Message: 'result ready\nline two "quoted" ünïcødé', Subject: 'Lab result',
      MessageAttributes: {
        kind: { DataType: 'String', StringValue: 'lab' },
        count: { DataType: 'Number', StringValue: '3' },
        blob: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 2, 255]) },
      },
    }));
    const got = await subscriber.next(notificationFor(TopicArn!, 'result ready\nline two "quoted" ünïcødé'));
    const doc = got.json!;
    assert.deepEqual(Object.keys(doc), ['Type', 'MessageId', 'TopicArn', 'Subject', 'Message', 'Timestamp', 'SignatureVersion',
      'Signature', 'SigningCertURL', 'UnsubscribeURL', 'MessageAttributes']);
    assert.equal(doc.MessageId, MessageId);
    assert.equal(doc.Subject, 'Lab result');
    assert.equal(doc.UnsubscribeURL, `${server.url}/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`);
    assert.deepEqual(doc.MessageAttributes, {
      kind: { Type: 'String', Value: 'lab' }, count: { Type: 'Number', Value: '3' }, blob: { Type: 'Binary', Value: 'AAEC/w==' },
    });
    assert.equal(got.headers['x-amz-sns-message-type'], 'Notification');
    assert.equal(got.headers['x-amz-sns-message-id'], MessageId);
    assert.equal(got.headers['x-amz-sns-topic-arn'], TopicArn);
    assert.equal(got.headers['x-amz-sns-subscription-arn'], subscriptionArn);
    assert.equal(got.headers['content-type'], 'text/plain; charset=UTF-8');
    assert.equal(got.headers['user-agent'], 'Amazon Simple Notification Service Agent');
    await verifySnsMessage(doc);

    // Without a subject, Subject is absent from both the document and the signed string.
    await sns.send(new PublishCommand({ TopicArn, Message: 'no subject' }));
    const bare = await subscriber.next(notificationFor(TopicArn!, 'no subject'));
    assert.equal('Subject' in bare.json!, false);
    await verifySnsMessage(bare.json!);
  });

  it('signs with SHA256withRSA under SignatureVersion 2, and the signature fails for tampered content', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'v2', Attributes: { SignatureVersion: '2' } }));
    await subscribeAndConfirm(sns, subscriber, TopicArn!, `${subscriber.url}?v2`);
    await sns.send(new PublishCommand({ TopicArn, Message: 'sha256 please' }));
    const got = await subscriber.next(notificationFor(TopicArn!, 'sha256 please'));
    assert.equal(got.json!.SignatureVersion, '2');
    await verifySnsMessage(got.json!);
    await assert.rejects(verifySnsMessage({ ...got.json!, Message: 'sha256 pleasE' }), /does not verify/);
  });

  it('delivers raw messages and picks the http entry of a MessageStructure=json message', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'raw' }));
    const subscriptionArn = await subscribeAndConfirm(sns, subscriber, TopicArn!, `${subscriber.url}?raw`);
    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn, AttributeName: 'RawMessageDelivery', AttributeValue: 'true' }));
    await sns.send(new PublishCommand({ TopicArn, Message: '{"just":"bytes"}' }));
    const raw = await subscriber.next(notificationFor(TopicArn!, '{"just":"bytes"}'));
    assert.equal(raw.headers['x-amz-sns-rawdelivery'], 'true');
    assert.equal(raw.json, undefined);

    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn, AttributeName: 'RawMessageDelivery', AttributeValue: 'false' }));
    await sns.send(new PublishCommand({ TopicArn, MessageStructure: 'json', Message: JSON.stringify({ default: 'for everyone', http: 'for http' }) }));
    const structured = await subscriber.next(notificationFor(TopicArn!, 'for http'));
    await verifySnsMessage(structured.json!);
  });

  it('refuses protocols other than http and https, naming them', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'protocols' }));
    for (const [Protocol, Endpoint] of [['email', 'a@example.com'], ['sqs', 'arn:aws:sqs:us-east-1:123456789012:q'], ['lambda', 'arn:aws:lambda:us-east-1:123456789012:function:f']]) {
      await assert.rejects(sns.send(new SubscribeCommand({ TopicArn, Protocol, Endpoint })), (e: Error & { Code?: string }) => {
        assert.equal(e.Code ?? e.name, 'InvalidParameter');
        assert.match(e.message, new RegExp(`protocol ${Protocol} is not supported by this server`));
        return true;
      });
    }
    await assert.rejects(sns.send(new SubscribeCommand({ TopicArn, Protocol: 'https', Endpoint: 'http://127.0.0.1/' })), /must match the specified protocol/);
  });

  it('unsubscribes with an UnsubscribeConfirmation and delivers nothing more', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'leaving' }));
    const subscriptionArn = await subscribeAndConfirm(sns, subscriber, TopicArn!);
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: subscriptionArn }));
    const bye = await subscriber.ofType('UnsubscribeConfirmation', (r) => r.json?.TopicArn === TopicArn);
    assert.equal(bye.headers['x-amz-sns-subscription-arn'], subscriptionArn);
    assert.match(bye.json!.Message!, new RegExp(`^You have chosen to deactivate subscription ${subscriptionArn}\\.`));
    await verifySnsMessage(bye.json!);
    const listed = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    assert.deepEqual(listed.Subscriptions, []);
    const topic = await sns.send(new GetTopicAttributesCommand({ TopicArn }));
    assert.equal(topic.Attributes!.SubscriptionsDeleted, '1');
    await assert.rejects(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn })), /Subscription does not exist/);

    // Its SubscribeURL restores the subscription, as on AWS.
    const restored = await fetch(bye.json!.SubscribeURL!);
    assert.equal(restored.status, 200);
    const back = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    assert.equal(back.Subscriptions![0]!.SubscriptionArn, subscriptionArn);

    // The UnsubscribeURL of a notification works without credentials too.
    await sns.send(new PublishCommand({ TopicArn, Message: 'last one' }));
    const last = await subscriber.next(notificationFor(TopicArn!, 'last one'));
    const unsubscribed = await fetch(last.json!.UnsubscribeURL!);
    assert.equal(unsubscribed.status, 200);
    assert.match(await unsubscribed.text(), /<UnsubscribeResponse/);
    await subscriber.next((r) => r.headers['x-amz-sns-message-type'] === 'UnsubscribeConfirmation' && r !== bye && r.json?.TopicArn === TopicArn);
    const after = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    assert.deepEqual(after.Subscriptions, []);
  });

  it('confirms through the signed API with AuthenticateOnUnsubscribe, which then refuses unsigned unsubscribes', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'authenticated' }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: `${subscriber.url}?auth` }));
    const confirmation = await subscriber.ofType('SubscriptionConfirmation', (r) => r.json?.TopicArn === TopicArn);
    const { SubscriptionArn } = await sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: confirmation.json!.Token, AuthenticateOnUnsubscribe: 'true' }));
    const attrs = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }));
    assert.equal(attrs.Attributes!.ConfirmationWasAuthenticated, 'true');
    const unsigned = await fetch(`${server.url}/?Action=Unsubscribe&SubscriptionArn=${SubscriptionArn}`);
    assert.equal(unsigned.status, 403);
    assert.match(await unsigned.text(), /<Code>AuthorizationError<\/Code>/);
    const mine = await sns.send(new ListSubscriptionsCommand({}));
    assert.ok(mine.Subscriptions!.some((s) => s.SubscriptionArn === SubscriptionArn));
  });

  it('retries a failing endpoint per the delivery policy until it answers 2xx', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'flaky' }));
    await subscribeAndConfirm(sns, subscriber, TopicArn!, `${subscriber.url}?flaky`);
    const before = subscriber.attempts;
    subscriber.failNext(2, 503);
    const { MessageId } = await sns.send(new PublishCommand({ TopicArn, Message: 'eventually' }));
    const got = await subscriber.next(notificationFor(TopicArn!, 'eventually'));
    assert.equal(got.json!.MessageId, MessageId, 'a retry keeps the original MessageId');
    assert.equal(subscriber.attempts - before, 3);
    await verifySnsMessage(got.json!);
  });

  it('gives up after numRetries and treats redirects as failures', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'hopeless' }));
    await subscribeAndConfirm(sns, subscriber, TopicArn!, `${subscriber.url}?hopeless`);
    await sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'DeliveryPolicy',
      AttributeValue: JSON.stringify({ http: { defaultHealthyRetryPolicy: { numRetries: 1, minDelayTarget: 1, maxDelayTarget: 1 } } }) }));
    const before = subscriber.attempts;
    subscriber.failNext(2, 302);
    await sns.send(new PublishCommand({ TopicArn, Message: 'never arrives' }));
    // The outbox empties once the message was tried twice (once plus one retry) and dropped.
    while ((server.db.sql.prepare('SELECT count(*) AS n FROM sns_deliveries').get() as { n: number }).n > 0) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(subscriber.attempts - before, 2);
    assert.equal(subscriber.received.some((r) => r.json?.Message === 'never arrives'), false);
    await sns.send(new PublishCommand({ TopicArn, Message: 'arrives' }));
    await subscriber.next(notificationFor(TopicArn!, 'arrives'));
  });

  it('keeps an endpoint that never answers to its share of requests, so others are still served', async () => {
    let open = 0;
    let mostOpen = 0;
    const silent = createServer((req) => {
      open++;
      mostOpen = Math.max(mostOpen, open);
      req.on('close', () => open--);
    });
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'shared' }));
      await subscribeAndConfirm(sns, subscriber, TopicArn!, `${subscriber.url}?shared`);
      await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: silentUrl }));
      // The silent endpoint never sees its confirmation; its owner confirms with the token instead.
      const { token } = server.db.sql.prepare('SELECT token FROM sns_subscriptions WHERE endpoint = ?').get(silentUrl) as { token: string };
      await sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: token }));
      for (let i = 0; i < 20; i++) await sns.send(new PublishCommand({ TopicArn, Message: `shared ${i}` }));
      for (let i = 0; i < 20; i++) await subscriber.next(notificationFor(TopicArn!, `shared ${i}`));
      assert.ok(mostOpen <= 4, `at most 4 requests at once to one endpoint (saw ${mostOpen})`);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('publishes for in-process callers (trail notifications) through the same outbox', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'trail-notices' }));
    await subscribeAndConfirm(sns, subscriber, TopicArn!, `${subscriber.url}?trail`);
    assert.equal(server.sns.topicArnFor('123456789012', 'us-east-1', 'trail-notices'), TopicArn);
    assert.equal(server.sns.topicArnFor('123456789012', 'us-east-1', TopicArn!), TopicArn);
    assert.equal(server.sns.exists(TopicArn!), true);
    assert.equal(server.sns.exists(`${TopicArn}-nope`), false);
    const message = JSON.stringify({ s3Bucket: 'audit', s3ObjectKey: ['AWSLogs/123456789012/CloudTrail/us-east-1/x.json.gz'] });
    const id = server.db.transaction(() => server.sns.publishInternal(TopicArn!, message));
    const got = await subscriber.next(notificationFor(TopicArn!, message));
    assert.equal(got.json!.MessageId, id);
    await verifySnsMessage(got.json!);
    assert.throws(() => server.sns.publishInternal(`${TopicArn}-nope`, 'x'), /Topic does not exist/);
  });
});
