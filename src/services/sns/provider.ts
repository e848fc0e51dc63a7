/** Amazon SNS as a ServiceProvider (query protocol): handlers, IAM resources, audit parameters. */
import type { Handler, ServiceProvider } from '../../core/service.ts';
import type { Params, ServiceModel } from '../../wire/types.ts';
import { getServiceModel } from '../../wire/models.ts';
import { toEventParameters } from '../../audit/parameters.ts';
import { TOPIC_NAME, topicArn, topicOfSubscription } from './arns.ts';

/** Publish is a CloudTrail data event: its message content stays out of the record. */
const HIDDEN = 'HIDDEN_DUE_TO_SECURITY_REASONS';

function publishParameters(input: Params): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (input.TopicArn !== undefined) out.topicArn = input.TopicArn;
  if (input.TargetArn !== undefined) out.targetArn = input.TargetArn;
  if (input.Message !== undefined) out.message = HIDDEN;
  if (input.Subject !== undefined) out.subject = HIDDEN;
  if (input.MessageStructure !== undefined) out.messageStructure = input.MessageStructure;
  if (input.MessageAttributes !== undefined) out.messageAttributes = HIDDEN;
  return out;
}

/** The topic ARN IAM evaluates a call against. */
function resourceOf(region: string, accountId: string, operation: string, input: Params): string {
  for (const member of ['TopicArn', 'TargetArn', 'ResourceArn']) {
    if (typeof input[member] === 'string') return input[member] as string;
  }
  if (typeof input.SubscriptionArn === 'string') return topicOfSubscription(input.SubscriptionArn) ?? '*';
  if (operation === 'CreateTopic' && typeof input.Name === 'string' && TOPIC_NAME.test(input.Name)) {
    return topicArn(region, accountId, input.Name);
  }
  return '*';
}

export function snsProvider(handlers: Record<string, Handler>): ServiceProvider {
  const model = getServiceModel('sns') as ServiceModel;
  return {
    signingName: 'sns',
    eventSource: 'sns.amazonaws.com',
    // AWS spells SNS actions upper-case in its messages ("SNS:Publish"); IAM matching ignores case.
    actionPrefix: 'SNS',
    validationErrorCode: 'InvalidParameter',
    accessDenied: { code: 'AuthorizationError', status: 403 },
    handlers,
    // Publish and PublishBatch are CloudTrail data events (resource type AWS::SNS::Topic).
    eventCategory: (operation) => (operation === 'Publish' || operation === 'PublishBatch' ? 'Data' : 'Management'),
    authorize: (ctx, operation, input) => [resourceOf(ctx.region, ctx.accountId, operation, input)],
    requestParameters: (operation, input) => (operation === 'Publish'
      ? publishParameters(input)
      : toEventParameters(model, model.operations[operation]?.input, input)),
  };
}
