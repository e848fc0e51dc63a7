/** The errors the sequence-store plane answers, in HealthOmics' words. */
import { AwsError } from '../../../core/aws-error.ts';

export const notFound = (what: string, id: string): AwsError =>
  new AwsError('ResourceNotFoundException', `The ${what} ${id} was not found in the current Region.`);

export const conflict = (message: string): AwsError => new AwsError('ConflictException', message);

export const invalid = (message: string): AwsError => new AwsError('ValidationException', message);
