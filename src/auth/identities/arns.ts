/**
 * IAM/STS identifiers: ARNs of users, roles, policies and sessions, and the generated ids and
 * secrets (AIDA/AROA/ANPA ids, AKIA/ASIA key ids, 40-character secrets, session tokens).
 */
import type { IdSource } from '../../core/clock.ts';

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export const newUserId = (ids: IdSource): string => 'AIDA' + ids.chars(17, UPPER_ALNUM);
export const newRoleId = (ids: IdSource): string => 'AROA' + ids.chars(17, UPPER_ALNUM);
export const newPolicyId = (ids: IdSource): string => 'ANPA' + ids.chars(17, UPPER_ALNUM);
export const newLongTermKeyId = (ids: IdSource): string => 'AKIA' + ids.chars(16, UPPER_ALNUM);
export const newTemporaryKeyId = (ids: IdSource): string => 'ASIA' + ids.chars(16, UPPER_ALNUM);
export const newSecretAccessKey = (ids: IdSource): string => ids.chars(40, SECRET_ALPHABET);
/** Opaque, long and random, like STS's (which run to several hundred characters). */
export const newSessionToken = (ids: IdSource): string => 'IQoJb3JpZ2luX2Vj' + ids.chars(340, SECRET_ALPHABET);

export const isTemporaryKeyId = (accessKeyId: string): boolean => accessKeyId.startsWith('ASIA');

export const rootArn = (accountId: string): string => `arn:aws:iam::${accountId}:root`;
export const userArn = (accountId: string, path: string, name: string): string => `arn:aws:iam::${accountId}:user${path}${name}`;
export const roleArn = (accountId: string, path: string, name: string): string => `arn:aws:iam::${accountId}:role${path}${name}`;
export const policyArn = (accountId: string, path: string, name: string): string => `arn:aws:iam::${accountId}:policy${path}${name}`;
export const assumedRoleArn = (accountId: string, role: string, session: string): string =>
  `arn:aws:sts::${accountId}:assumed-role/${role}/${session}`;
export const federatedUserArn = (accountId: string, name: string): string => `arn:aws:sts::${accountId}:federated-user/${name}`;

export interface IamArn {
  /** 12 digits, or 'aws' for AWS managed policies. */
  accountId: string;
  type: 'user' | 'role' | 'policy';
  /** '/' or '/a/b/'. */
  path: string;
  name: string;
}

const IAM_ARN = /^arn:aws:iam::(\d{12}|aws):(user|role|policy)(\/(?:[^/]+\/)*)([^/]+)$/;

export function parseIamArn(arn: string): IamArn | undefined {
  const m = IAM_ARN.exec(arn);
  if (!m) return undefined;
  return { accountId: m[1]!, type: m[2] as IamArn['type'], path: m[3]!, name: m[4]! };
}
