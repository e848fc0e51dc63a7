/**
 * Publish's MessageAttributes: AWS's naming and type rules, and the {Type, Value} form they take
 * in the notification document (binary values base64-encoded).
 */
import { AwsError } from '../../core/aws-error.ts';
import type { NotificationAttribute } from './store/outbox-store.ts';

export const MAX_MESSAGE_ATTRIBUTES = 10;

interface AttributeValue {
  DataType?: string;
  StringValue?: string;
  BinaryValue?: Buffer;
}

const invalidValue = (message: string): AwsError => new AwsError('ParameterValueInvalid', message, { status: 400 });

function checkName(name: string): void {
  const ok = /^[A-Za-z0-9_.-]{1,256}$/.test(name) && !name.startsWith('.') && !name.endsWith('.') && !name.includes('..')
    && !/^(aws|amazon)\./i.test(name);
  if (!ok) throw invalidValue(`Message attribute name '${name.slice(0, 256)}' is invalid.`);
}

function checkValue(name: string, v: AttributeValue): NotificationAttribute {
  const type = v.DataType ?? '';
  const base = /^(String\.Array|String|Number|Binary)(\.[\x20-\x7E]+)?$/.exec(type)?.[1];
  if (!base) {
    throw invalidValue(`The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`);
  }
  if (base === 'Binary') {
    if (!v.BinaryValue) throw invalidValue(`The message attribute '${name}' with type 'Binary' must use field 'Binary'.`);
    return { Type: type, Value: v.BinaryValue.toString('base64') };
  }
  if (v.StringValue === undefined) throw invalidValue(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
  if (base === 'Number' && !/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(v.StringValue.trim())) {
    throw invalidValue(`Could not cast message attribute '${name}' value to number.`);
  }
  if (base === 'String.Array') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(v.StringValue);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed)) throw invalidValue(`The message attribute '${name}' with type 'String.Array' must be a JSON array.`);
  }
  return { Type: type, Value: v.StringValue };
}

/** The attributes as the notification carries them, and their size toward the 256 KiB limit. */
export function readMessageAttributes(raw: unknown): { attributes?: Record<string, NotificationAttribute>; bytes: number } {
  if (!raw || typeof raw !== 'object') return { bytes: 0 };
  const entries = Object.entries(raw as Record<string, AttributeValue>);
  if (entries.length === 0) return { bytes: 0 };
  if (entries.length > MAX_MESSAGE_ATTRIBUTES) {
    throw invalidValue(`Number of message attributes [${entries.length}] exceeds the allowed maximum [${MAX_MESSAGE_ATTRIBUTES}].`);
  }
  const attributes: Record<string, NotificationAttribute> = {};
  let bytes = 0;
  for (const [name, value] of entries) {
    checkName(name);
    attributes[name] = checkValue(name, value);
    bytes += Buffer.byteLength(name) + Buffer.byteLength(attributes[name].Type)
      + (value.BinaryValue ? value.BinaryValue.length : Buffer.byteLength(value.StringValue ?? ''));
  }
  return { attributes, bytes };
}
