/** IAM's modelled errors, with AWS's codes, statuses and message wording. */
import { AwsError } from '../../core/aws-error.ts';

const noSuchEntity = (message: string): AwsError => new AwsError('NoSuchEntity', message, { status: 404 });
const alreadyExists = (message: string): AwsError => new AwsError('EntityAlreadyExists', message, { status: 409 });

export const noSuchUser = (name: string): AwsError => noSuchEntity(`The user with name ${name} cannot be found.`);
export const noSuchRole = (name: string): AwsError => noSuchEntity(`The role with name ${name} cannot be found.`);
export const noSuchAccessKey = (id: string): AwsError => noSuchEntity(`The Access Key with id ${id} cannot be found.`);
export const noSuchInlinePolicy = (owner: 'user' | 'role', name: string): AwsError =>
  noSuchEntity(`The ${owner} policy with name ${name} cannot be found.`);
export const policyNotFound = (arn: string): AwsError => noSuchEntity(`Policy ${arn} was not found.`);
export const policyNotAttachable = (arn: string): AwsError => noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
export const boundaryNotFound = (arn: string): AwsError => noSuchEntity(`Scope ARN: ${arn} does not exist or is not attachable.`);
export const policyVersionNotFound = (arn: string, versionId: string): AwsError =>
  noSuchEntity(`Policy ${arn} version ${versionId} does not exist or is not attachable.`);
export const noSuchAlias = (alias: string): AwsError => noSuchEntity(`The account alias ${alias} does not exist.`);

export const userExists = (name: string): AwsError => alreadyExists(`User with name ${name} already exists.`);
export const roleExists = (name: string): AwsError => alreadyExists(`Role with name ${name} already exists.`);
export const policyExists = (name: string): AwsError =>
  alreadyExists(`A policy called ${name} already exists. Duplicate names are not allowed.`);
export const aliasExists = (alias: string): AwsError => alreadyExists(`The account alias ${alias} already exists.`);

export const deleteConflict = (message: string): AwsError => new AwsError('DeleteConflict', message, { status: 409 });
export const limitExceeded = (message: string): AwsError => new AwsError('LimitExceeded', message, { status: 409 });
export const malformedPolicy = (message: string): AwsError => new AwsError('MalformedPolicyDocument', message, { status: 400 });
export const invalidInput = (message: string): AwsError => new AwsError('InvalidInput', message, { status: 400 });
export const invalidArn = (arn: string): AwsError => invalidInput(`ARN ${arn} is not valid.`);

/** Operations that default to "the caller" need a caller that is an IAM user (or root). */
export const nonUserCredentials = (): AwsError =>
  new AwsError('ValidationError', 'Must specify userName when calling with non-User credentials', { status: 400 });

export const noSuchLoginProfile = (name: string): AwsError => noSuchEntity(`Login Profile for User ${name} cannot be found.`);
export const loginProfileExists = (name: string): AwsError => alreadyExists(`Login Profile for user ${name} already exists.`);
export const passwordPolicyViolation = (message: string): AwsError => new AwsError('PasswordPolicyViolation', message, { status: 400 });
export const invalidUserType = (message: string): AwsError => new AwsError('InvalidUserType', message, { status: 400 });
