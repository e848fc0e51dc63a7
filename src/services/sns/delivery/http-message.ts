/**
 * The HTTP POST SNS makes to a subscriber for one delivery: the JSON document (fields in AWS's
 * order and layout, signed) or, with RawMessageDelivery, the bare message; and SNS's headers.
 */
import type { Config } from '../../../config.ts';
import type { DeliveryRow, MessageRow } from '../store/outbox-store.ts';
import type { MessageSigner, SignatureVersion } from '../signing/signer.ts';
import { signingCertUrl, subscribeUrl, unsubscribeUrl } from '../public-urls.ts';

export interface OutgoingRequest {
  headers: Record<string, string>;
  body: string;
}

export const USER_AGENT = 'Amazon Simple Notification Service Agent';

/** With MessageStructure=json, the message for this protocol, else the "default" one. */
export function messageFor(message: MessageRow, protocol: string): string {
  if (message.messageStructure !== 'json') return message.message;
  const variants = JSON.parse(message.message) as Record<string, unknown>;
  const chosen = variants[protocol] ?? variants.default;
  return typeof chosen === 'string' ? chosen : JSON.stringify(chosen);
}

/** AWS lays the document out one field per line as `  "Name" : value`. */
function layout(fields: [string, unknown][]): string {
  const lines = fields.map(([name, value]) => {
    if (name === 'MessageAttributes') {
      const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `    ${JSON.stringify(k)} : ${JSON.stringify(v)}`);
      return `  "MessageAttributes" : {\n${entries.join(',\n')}\n  }`;
    }
    return `  ${JSON.stringify(name)} : ${JSON.stringify(value)}`;
  });
  return `{\n${lines.join(',\n')}\n}`;
}

export async function buildHttpMessage(
  config: Config, signer: MessageSigner, message: MessageRow, delivery: DeliveryRow,
): Promise<OutgoingRequest> {
  const headers: Record<string, string> = {
    'x-amz-sns-message-type': message.type,
    'x-amz-sns-message-id': message.id,
    'x-amz-sns-topic-arn': message.topicArn,
  };
  if (message.type !== 'SubscriptionConfirmation') headers['x-amz-sns-subscription-arn'] = delivery.subscriptionArn;
  headers['content-type'] = delivery.contentType;
  headers['user-agent'] = USER_AGENT;

  if (message.type === 'Notification') {
    const text = messageFor(message, delivery.protocol);
    if (delivery.raw) return { headers: { ...headers, 'x-amz-sns-rawdelivery': 'true' }, body: text };
    const version = delivery.signatureVersion as SignatureVersion;
    const { signature, certificateId } = await signer.sign({
      Type: message.type, MessageId: message.id, TopicArn: message.topicArn, Subject: message.subject, Message: text, Timestamp: message.timestamp,
    }, version);
    const fields: [string, unknown][] = [['Type', message.type], ['MessageId', message.id], ['TopicArn', message.topicArn]];
    if (message.subject !== undefined) fields.push(['Subject', message.subject]);
    fields.push(
      ['Message', text], ['Timestamp', message.timestamp], ['SignatureVersion', version], ['Signature', signature],
      ['SigningCertURL', signingCertUrl(config, certificateId)], ['UnsubscribeURL', unsubscribeUrl(config, delivery.subscriptionArn)],
    );
    if (message.messageAttributes && Object.keys(message.messageAttributes).length > 0) fields.push(['MessageAttributes', message.messageAttributes]);
    return { headers, body: layout(fields) };
  }

  const url = subscribeUrl(config, message.topicArn, message.token!);
  const version = delivery.signatureVersion as SignatureVersion;
  const { signature, certificateId } = await signer.sign({
    Type: message.type, MessageId: message.id, TopicArn: message.topicArn, Message: message.message,
    Timestamp: message.timestamp, Token: message.token, SubscribeURL: url,
  }, version);
  return {
    headers,
    body: layout([
      ['Type', message.type], ['MessageId', message.id], ['Token', message.token], ['TopicArn', message.topicArn],
      ['Message', message.message], ['SubscribeURL', url], ['Timestamp', message.timestamp], ['SignatureVersion', version],
      ['Signature', signature], ['SigningCertURL', signingCertUrl(config, certificateId)],
    ]),
  };
}
