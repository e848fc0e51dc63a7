/**
 * SNS delivery to an https subscriber: the server verifies the subscriber's certificate with
 * Node's trust store, so a local subscriber's CA is added the standard way (NODE_EXTRA_CA_CERTS,
 * read at process start: hence a server process of its own). The confirmation handshake and a
 * signed notification travel over TLS.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { clientOptions, tempDataDir } from '../helpers/server.ts';
import { spawnServer } from '../helpers/server-process.ts';
import { TestSubscriber, verifySnsMessage } from '../helpers/sns-subscriber.ts';

/** A self-signed certificate for 127.0.0.1 (it is its own CA). */
function selfSignedCertificate(dir: string): { key: string; cert: string; certPath: string } {
  const keyPath = join(dir, 'subscriber.key');
  const certPath = join(dir, 'subscriber.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath,
    '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8'), certPath };
}

describe('SNS delivery to an https subscriber', () => {
  let dataDir: string;
  let child: ChildProcess;
  let sns: SNSClient;
  let subscriber: TestSubscriber;

  before(async () => {
    dataDir = tempDataDir();
    const tls = selfSignedCertificate(dataDir);
    subscriber = await TestSubscriber.start('/sns', tls);
    const server = await spawnServer(dataDir, { NODE_EXTRA_CA_CERTS: tls.certPath });
    child = server.child;
    sns = new SNSClient(clientOptions(server));
  });
  after(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await subscriber?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('confirms the subscription and delivers a signed notification over TLS', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'secure-topic' }));
    assert.ok(subscriber.url.startsWith('https://'));
    const out = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'https', Endpoint: subscriber.url }));
    assert.equal(out.SubscriptionArn, 'pending confirmation');

    const confirmation = await subscriber.ofType('SubscriptionConfirmation', (r) => r.json?.TopicArn === TopicArn);
    await verifySnsMessage(confirmation.json!);
    const confirmed = await fetch(confirmation.json!.SubscribeURL!);
    assert.equal(confirmed.status, 200);

    const { MessageId } = await sns.send(new PublishCommand({ TopicArn, Subject: 'tls', Message: 'over https' }));
    const got = await subscriber.next((r) => r.json?.Type === 'Notification' && r.json.Message === 'over https');
    assert.equal(got.json!.MessageId, MessageId);
    assert.equal(got.json!.Subject, 'tls');
    await verifySnsMessage(got.json!);
  });
});
