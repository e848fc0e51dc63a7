/** SNS message signatures: the documented string to sign, SHA1/SHA256 with RSA, a persistent certificate. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, verify } from 'node:crypto';
import { Db } from '../../src/storage/db.ts';
import { stringToSign } from '../../src/services/sns/signing/string-to-sign.ts';
import { MessageSigner } from '../../src/services/sns/signing/signer.ts';
import { testClock } from '../helpers/call-context.ts';

const TOPIC = 'arn:aws:sns:us-west-2:123456789012:MyTopic';

test('a Notification signs Message, MessageId, Subject, Timestamp, TopicArn, Type in that order', () => {
  const s = stringToSign({
    Type: 'Notification', MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324', TopicArn: TOPIC, Subject: 'My First Message',
    Message: 'Hello world!', Timestamp: '2012-05-02T00:54:06.655Z',
  });
  assert.equal(s, 'Message\nHello world!\nMessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\nSubject\nMy First Message\n'
    + `Timestamp\n2012-05-02T00:54:06.655Z\nTopicArn\n${TOPIC}\nType\nNotification\n`);
});

test('a Notification without a subject leaves Subject out entirely', () => {
  const s = stringToSign({ Type: 'Notification', MessageId: 'm', TopicArn: TOPIC, Message: 'line 1\nline 2', Timestamp: 't' });
  assert.equal(s, `Message\nline 1\nline 2\nMessageId\nm\nTimestamp\nt\nTopicArn\n${TOPIC}\nType\nNotification\n`);
});

test('confirmations sign Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type', () => {
  for (const Type of ['SubscriptionConfirmation', 'UnsubscribeConfirmation']) {
    const s = stringToSign({
      Type, MessageId: 'm', TopicArn: TOPIC, Message: 'You have chosen...', Timestamp: 't', Token: 'abc',
      SubscribeURL: 'https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=x&Token=abc',
    });
    assert.equal(s, 'Message\nYou have chosen...\nMessageId\nm\n'
      + 'SubscribeURL\nhttps://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=x&Token=abc\n'
      + `Timestamp\nt\nToken\nabc\nTopicArn\n${TOPIC}\nType\n${Type}\n`);
  }
  assert.throws(() => stringToSign({ Type: 'SubscriptionConfirmation', MessageId: 'm', TopicArn: TOPIC, Message: 'x', Timestamp: 't' }), /lacks/);
});

test('signatures verify with the certificate: SHA1withRSA for version 1, SHA256withRSA for version 2', async () => {
  const db = new Db(':memory:');
  const signer = new MessageSigner(db, testClock());
  const message = { Type: 'Notification', MessageId: 'm', TopicArn: TOPIC, Message: 'héllo', Timestamp: '2024-05-01T12:00:00.000Z' };
  const v1 = await signer.sign(message, '1');
  const v2 = await signer.sign(message, '2');
  const certificate = new X509Certificate(signer.certificate(v1.certificateId)!);
  const data = Buffer.from(stringToSign(message), 'utf8');
  assert.equal(verify('sha1', data, certificate.publicKey, Buffer.from(v1.signature, 'base64')), true);
  assert.equal(verify('sha256', data, certificate.publicKey, Buffer.from(v2.signature, 'base64')), true);
  assert.equal(verify('sha256', data, certificate.publicKey, Buffer.from(v1.signature, 'base64')), false, 'versions are not interchangeable');
  assert.equal(certificate.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
  assert.match(certificate.subject, /CN=sns\.amazonaws\.com/);
  assert.ok(certificate.verify(certificate.publicKey), 'self-signed');
  assert.ok(new Date(certificate.validTo) > new Date('2030-01-01'));
  assert.match(v1.certificateId, /^[0-9a-f]{32}$/);

  // A new signer on the same database uses the stored key: certificate URLs stay valid.
  const again = await new MessageSigner(db, testClock()).sign(message, '1');
  assert.equal(again.certificateId, v1.certificateId);
  assert.equal(again.signature, v1.signature, 'RSA PKCS#1 v1.5 signatures are deterministic');
  db.close();
});
