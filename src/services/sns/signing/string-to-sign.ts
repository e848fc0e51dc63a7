/**
 * The string SNS signs, exactly as AWS documents it for subscribers who verify messages: for a
 * Notification the Message, MessageId, Subject (only when present), Timestamp, TopicArn and Type;
 * for Subscription/UnsubscribeConfirmation the Message, MessageId, SubscribeURL, Timestamp,
 * Token, TopicArn and Type. Each field is its name, a newline, its value, a newline.
 */
export interface SignableMessage {
  Type: string;
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  Subject?: string;
  Token?: string;
  SubscribeURL?: string;
}

const NOTIFICATION_FIELDS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const;
const CONFIRMATION_FIELDS = ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'] as const;

export function stringToSign(m: SignableMessage): string {
  const fields = m.Type === 'Notification' ? NOTIFICATION_FIELDS : CONFIRMATION_FIELDS;
  let out = '';
  for (const name of fields) {
    const value = m[name];
    if (value === undefined) {
      if (name === 'Subject') continue;
      throw new Error(`${m.Type} message lacks ${name}`);
    }
    out += `${name}\n${value}\n`;
  }
  return out;
}
