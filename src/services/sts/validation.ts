/**
 * STS input checks that must hold even when a handler is called without the wire layer's model
 * validation, in the same Coral wording ("1 validation error detected: Value '…' at
 * 'roleSessionName' failed to satisfy constraint: …"), plus STS's own duration rules.
 */
import { AwsError, validationError } from '../../core/aws-error.ts';

export class Violations {
  private readonly list: string[] = [];

  /** `member` as the API names it (PascalCase); the message uses camelCase, as AWS does. */
  name(member: string, value: string | undefined, min: number, max: number): this {
    if (value === undefined) return this;
    const at = `Value '${value}' at '${member[0]!.toLowerCase()}${member.slice(1)}' failed to satisfy constraint: `;
    if (value.length < min) this.list.push(`${at}Member must have length greater than or equal to ${min}`);
    else if (value.length > max) this.list.push(`${at}Member must have length less than or equal to ${max}`);
    else if (!/^[\w+=,.@-]*$/.test(value)) this.list.push(`${at}Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
    return this;
  }

  range(member: string, value: number | undefined, min: number, max: number): this {
    if (value === undefined) return this;
    const at = `Value '${value}' at '${member[0]!.toLowerCase()}${member.slice(1)}' failed to satisfy constraint: `;
    if (value < min) this.list.push(`${at}Member must have value greater than or equal to ${min}`);
    else if (value > max) this.list.push(`${at}Member must have value less than or equal to ${max}`);
    return this;
  }

  throwIfAny(): void {
    if (this.list.length) throw validationError(this.list, 'ValidationError');
  }
}

export const stsValidation = (message: string): AwsError => new AwsError('ValidationError', message, { status: 400 });

export const accessDenied = (message: string): AwsError => new AwsError('AccessDenied', message, { status: 403 });

export const malformedPolicy = (message: string): AwsError => new AwsError('MalformedPolicyDocument', message, { status: 400 });
