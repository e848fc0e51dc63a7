/**
 * What SNS answers without SigV4, as AWS does: the SubscribeURL and UnsubscribeURL links it puts
 * in messages (GET /?Action=ConfirmSubscription&TopicArn=..&Token=.. and
 * GET /?Action=Unsubscribe&SubscriptionArn=..), and the signing certificate at SigningCertURL.
 * AWS does not record unauthenticated ConfirmSubscription or Unsubscribe calls in CloudTrail, so
 * neither does this; signed calls of the same actions go through the API pipeline and are recorded.
 */
import type { Clock, IdSource } from '../../core/clock.ts';
import { AwsError, isAwsError } from '../../core/aws-error.ts';
import type { Db } from '../../storage/db.ts';
import type { HttpRequest, HttpResponse, Params, ServiceModel } from '../../wire/types.ts';
import { getServiceModel } from '../../wire/models.ts';
import { queryProtocol } from '../../wire/protocols/query.ts';
import { parseTopicArn, topicOfSubscription } from './arns.ts';
import { authorizationError, invalidParameter, subscriptionNotFound, topicNotFound } from './errors.ts';
import type { SubscriptionLifecycle } from './subscription-lifecycle.ts';
import { CERTIFICATE_PATH, type MessageSigner } from './signing/signer.ts';

export type PublicRoute = (req: HttpRequest, requestId: string) => Promise<HttpResponse | undefined>;

const LINK_ACTION = /(?:^|&)Action=(ConfirmSubscription|Unsubscribe)(?:&|$)/;

/** A GET carrying no SigV4 at all: neither an Authorization header nor presigned query parameters. */
function unsigned(req: HttpRequest): boolean {
  return !req.headers.authorization && !/(?:^|&)X-Amz-(Credential|Signature)=/i.test(req.query);
}

interface PublicDeps {
  db: Db;
  clock: Clock;
  ids: IdSource;
  lifecycle: SubscriptionLifecycle;
  signer: MessageSigner;
}

export function snsPublicRoute(deps: PublicDeps): PublicRoute {
  const model = getServiceModel('sns') as ServiceModel;

  const certificate = (id: string, requestId: string): HttpResponse => {
    const pem = deps.signer.certificate(id);
    if (!pem) return { status: 404, headers: { 'content-type': 'text/plain', 'x-amzn-requestid': requestId }, body: 'Not Found' };
    return { status: 200, headers: { 'content-type': 'application/x-x509-ca-cert', 'x-amzn-requestid': requestId }, body: pem };
  };

  const confirm = (input: Params): Params => {
    const arn = typeof input.TopicArn === 'string' ? input.TopicArn : '';
    if (!parseTopicArn(arn)) throw invalidParameter('TopicArn');
    if (String(input.AuthenticateOnUnsubscribe ?? '').toLowerCase() === 'true') {
      throw authorizationError('AuthenticateOnUnsubscribe=true requires a signed ConfirmSubscription request.');
    }
    const topic = deps.lifecycle.topics.get(arn);
    if (!topic) throw topicNotFound();
    const sub = deps.lifecycle.confirm(topic, typeof input.Token === 'string' ? input.Token : '', false, false, deps.clock.now());
    return { SubscriptionArn: sub.arn };
  };

  const unsubscribe = (input: Params): Params => {
    const arn = typeof input.SubscriptionArn === 'string' ? input.SubscriptionArn : '';
    if (!topicOfSubscription(arn)) throw invalidParameter('SubscriptionArn');
    const sub = deps.lifecycle.subscriptions.get(arn);
    if (!sub || sub.status === 'deleted') throw subscriptionNotFound();
    if (sub.authenticateOnUnsubscribe) throw authorizationError('Unsubscribing this subscription requires a signed request.');
    deps.lifecycle.unsubscribe(sub, deps.ids, deps.clock);
    return {};
  };

  return async (req, requestId) => {
    const cert = CERTIFICATE_PATH.exec(req.path);
    if (cert && (req.method === 'GET' || req.method === 'HEAD')) return certificate(cert[1]!, requestId);
    if (req.method !== 'GET' || req.path !== '/' || !LINK_ACTION.test(req.query) || !unsigned(req)) return undefined;
    try {
      const { operation, input } = queryProtocol.parseRequest(model, req);
      const output = await deps.db.batched(() => (operation.name === 'ConfirmSubscription' ? confirm(input) : unsubscribe(input)));
      return queryProtocol.serializeResponse(model, operation, output, requestId);
    } catch (e) {
      const error = isAwsError(e) ? e : new AwsError('InternalError', 'Internal Error', { status: 500 });
      return queryProtocol.serializeError(model, error, requestId);
    }
  };
}
