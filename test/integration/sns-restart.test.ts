/**
 * SNS deliveries survive a restart: a notification queued while the endpoint fails is still
 * owed after the server stops, and the next server on the same data directory delivers it,
 * signed with the same persistent key and certificate.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { clientOptions, tempDataDir, testConfig } from '../helpers/server.ts';
import { startServer } from '../../src/server.ts';
import { Db } from '../../src/storage/db.ts';
import { TestSubscriber, verifySnsMessage } from '../helpers/sns-subscriber.ts';

describe('SNS across a restart', () => {
  it('resumes pending deliveries and keeps its signing certificate', async () => {
    const dataDir = tempDataDir();
    const subscriber = await TestSubscriber.start();
    // 20 s policy delays become 40 ms: the retry is pending, not exhausted, when the server stops.
    const config = testConfig(dataDir, { snsRetryBaseMs: 40 });
    try {
      const first = await startServer(config);
      const sns = new SNSClient(clientOptions(first));
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'durable' }));
      await sns.send(new SubscribeCommand({
        TopicArn, Protocol: 'http', Endpoint: subscriber.url,
        Attributes: { DeliveryPolicy: JSON.stringify({ healthyRetryPolicy: { numRetries: 100, minDelayTarget: 20, maxDelayTarget: 20 } }) },
      }));
      const confirmation = await subscriber.ofType('SubscriptionConfirmation');
      assert.equal((await fetch(confirmation.json!.SubscribeURL!)).status, 200);
      const firstCertificate = (await verifySnsMessage(confirmation.json!)).fingerprint256;

      subscriber.failNext(Number.MAX_SAFE_INTEGER);
      const attemptsBefore = subscriber.attempts;
      const { MessageId } = await sns.send(new PublishCommand({ TopicArn, Message: 'kept across restarts' }));
      while (subscriber.attempts === attemptsBefore) await new Promise((r) => setTimeout(r, 5));
      await first.close();
      const db = new Db(`${dataDir}/healthtrail.db`);
      assert.equal((db.sql.prepare('SELECT count(*) AS n FROM sns_deliveries').get() as { n: number }).n, 1, 'the delivery is still owed');
      db.close();

      subscriber.failNext(0);
      const second = await startServer(config);
      try {
        const got = await subscriber.next((r) => r.json?.Message === 'kept across restarts');
        assert.equal(got.json!.MessageId, MessageId);
        assert.ok(got.json!.SigningCertURL!.startsWith(second.url), 'the certificate is served by the running server');
        assert.equal((await verifySnsMessage(got.json!)).fingerprint256, firstCertificate, 'the same key signs after the restart');
      } finally {
        await second.close();
      }
    } finally {
      await subscriber.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
