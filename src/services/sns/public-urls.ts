/**
 * The URLs SNS puts in messages, under this server's public URL: SubscribeURL and
 * UnsubscribeURL (answered without SigV4, as on AWS) and SigningCertURL.
 */
import { publicBaseUrl, type Config } from '../../config.ts';
import { certificatePath } from './signing/signer.ts';

/** Query-string encoding that leaves ARN colons readable, as AWS's URLs do. */
function q(value: string): string {
  return encodeURIComponent(value).replace(/%3A/g, ':');
}

export function subscribeUrl(config: Config, topicArn: string, token: string): string {
  return `${publicBaseUrl(config)}/?Action=ConfirmSubscription&TopicArn=${q(topicArn)}&Token=${q(token)}`;
}

export function unsubscribeUrl(config: Config, subscriptionArn: string): string {
  return `${publicBaseUrl(config)}/?Action=Unsubscribe&SubscriptionArn=${q(subscriptionArn)}`;
}

export function signingCertUrl(config: Config, certificateId: string): string {
  return `${publicBaseUrl(config)}${certificatePath(certificateId)}`;
}
