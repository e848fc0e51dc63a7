/** SNS's modelled errors: query-protocol codes (InvalidParameter, NotFound...) and AWS's wording. */
import { AwsError } from '../../core/aws-error.ts';

/** "Invalid parameter: <what>" with AWS's optional " Reason: ..." suffix. */
export function invalidParameter(what: string, reason?: string): AwsError {
  return new AwsError('InvalidParameter', `Invalid parameter: ${what}${reason ? ` Reason: ${reason}` : ''}`, { status: 400 });
}

export const topicNotFound = (): AwsError => new AwsError('NotFound', 'Topic does not exist', { status: 404 });
export const subscriptionNotFound = (): AwsError => new AwsError('NotFound', 'Subscription does not exist', { status: 404 });
export const resourceNotFound = (): AwsError => new AwsError('ResourceNotFound', 'Resource does not exist', { status: 404 });

export const authorizationError = (message: string): AwsError => new AwsError('AuthorizationError', message, { status: 403 });

/** A feature SNS has and this server does not: still an InvalidParameter, saying so plainly. */
export function notSupported(what: string): AwsError {
  return new AwsError('InvalidParameter', `Invalid parameter: ${what} is not supported by this server (HealthTrail SNS delivers to http and https endpoints only).`, { status: 400 });
}
