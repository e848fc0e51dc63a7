/**
 * Shape-driven JSON values, shared by the json and rest-json protocols: reading a parsed JSON
 * document into Params (type-checked, Coral-style SerializationException on a wrong type) and
 * writing Params as a JSON-ready value (absent members omitted, timestamps as epoch seconds
 * unless the model says otherwise, blobs as base64, NaN/Infinity as strings).
 */
import { AwsError } from '../../core/aws-error.ts';
import type { ServiceModel, Shape, ShapeRef } from '../types.ts';
import {
  decodeBase64, encodeBase64, epochSeconds, epochToDate, formatFloat, formatTimestamp, parseFloatText,
  parseTimestamp, setOwn, toDate, toNumber, utf8Text, type TimestampFormat,
} from './codecs.ts';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * How a JSON document names members. The wire (json, rest-json bodies) uses locationName and
 * leaves out members bound to headers, URI or query; `byMemberName` is the SDKs' own view (the
 * web console's calls): every member under its model name, timestamps written as ISO 8601.
 */
export interface JsonStyle {
  byMemberName: boolean;
}

const WIRE: JsonStyle = { byMemberName: false };

/** JSON key -> member name for a structure (jsonName/locationName aware), body members only. */
const wireNames = new WeakMap<Shape, Map<string, string>>();
const modelNames = new WeakMap<Shape, Map<string, string>>();

function memberTable(shape: Shape, style: JsonStyle): Map<string, string> {
  if (!style.byMemberName) return jsonMemberTable(shape);
  let table = modelNames.get(shape);
  if (!table) {
    table = new Map(Object.keys(shape.members ?? {}).map((name) => [name, name]));
    modelNames.set(shape, table);
  }
  return table;
}

export function jsonMemberTable(shape: Shape): Map<string, string> {
  let table = wireNames.get(shape);
  if (!table) {
    table = new Map();
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      if (ref.location) continue;
      table.set(ref.locationName ?? name, name);
    }
    wireNames.set(shape, table);
  }
  return table;
}

export function serializationError(message: string): AwsError {
  return new AwsError('SerializationException', message, { status: 400 });
}

/** Parses a JSON body into a JS value (empty body: {}); malformed JSON or UTF-8 is a
 * SerializationException. */
export function parseJsonBody(body: Buffer): unknown {
  const text = utf8Text(body);
  if (text === undefined) throw serializationError('Request body is not valid UTF-8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw serializationError('Request body is not valid JSON');
  }
}

function tokenOf(value: unknown): string {
  if (value === null) return 'NULL_VALUE';
  if (Array.isArray(value)) return 'START_ARRAY';
  switch (typeof value) {
    case 'string': return 'STRING_VALUE';
    case 'number': return 'NUMBER_VALUE';
    case 'boolean': return value ? 'TRUE_VALUE' : 'FALSE_VALUE';
    default: return 'START_OBJECT';
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a String', integer: 'an Integer', long: 'a Long', short: 'a Short', byte: 'a Byte',
  float: 'a Float', double: 'a Double', boolean: 'a Boolean', timestamp: 'a Date', blob: 'a Blob',
  bigdecimal: 'a BigDecimal', biginteger: 'a BigInteger', structure: 'a Structure', list: 'a List', map: 'a Map',
};

/** A wrong JSON type deep in a document. The path is assembled while the error unwinds, so
 * the happy path builds no path strings. */
class JsonTypeError extends Error {
  readonly segments: string[] = [];

  constructor(readonly value: unknown, readonly shape: Shape) {
    super('JSON type mismatch');
  }

  toAwsError(base: string): AwsError {
    const path = [base, ...this.segments.reverse()].filter(Boolean).join('.');
    const at = path ? ` at '${path}'` : '';
    const v = this.value;
    if (Array.isArray(v)) return serializationError(`Start of list found where not expected${at}`);
    if (v !== null && typeof v === 'object') return serializationError(`Start of structure or map found where not expected${at}`);
    return serializationError(`${tokenOf(v)} can not be converted to ${TYPE_NAMES[this.shape.type] ?? this.shape.type}${at}`);
  }
}

function within(e: unknown, segment: string): unknown {
  if (e instanceof JsonTypeError) e.segments.push(segment);
  return e;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function tsFormat(ref: ShapeRef, shape: Shape, fallback: TimestampFormat): TimestampFormat {
  return ref.timestampFormat ?? shape.timestampFormat ?? fallback;
}

/** Reads the members of a JSON object into a structure's Params; `path` prefixes error paths. */
export function readJsonStructure(model: ServiceModel, shape: Shape, value: unknown, path = '', style: JsonStyle = WIRE): Record<string, unknown> {
  try {
    return readStructure(model, shape, value, style);
  } catch (e) {
    throw e instanceof JsonTypeError ? e.toAwsError(path) : e;
  }
}

/** Reads one JSON value as the shape `ref` points at; `path` prefixes error paths. */
export function readJsonValue(model: ServiceModel, ref: ShapeRef, value: unknown, path = ''): unknown {
  try {
    return readValue(model, ref, value, WIRE);
  } catch (e) {
    throw e instanceof JsonTypeError ? e.toAwsError(path) : e;
  }
}

function readStructure(model: ServiceModel, shape: Shape, value: unknown, style: JsonStyle): Record<string, unknown> {
  if (!isPlainObject(value)) throw new JsonTypeError(value, shape);
  const table = memberTable(shape, style);
  const members = shape.members!;
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const name = table.get(key);
    if (name === undefined) continue; // unknown members (and a union's __type) are ignored
    const v = value[key];
    if (v === null || v === undefined) continue;
    try {
      out[name] = readValue(model, members[name]!, v, style);
    } catch (e) {
      throw within(e, name);
    }
  }
  return out;
}

function readValue(model: ServiceModel, ref: ShapeRef, value: unknown, style: JsonStyle): unknown {
  const shape = model.shapes[ref.shape]!;
  if (shape.document) return value;
  switch (shape.type) {
    case 'structure':
      return readStructure(model, shape, value, style);
    case 'list': {
      if (!Array.isArray(value)) throw new JsonTypeError(value, shape);
      const out: unknown[] = [];
      const member = shape.member!;
      for (let i = 0; i < value.length; i++) {
        const item = value[i];
        if (item === null) continue;
        try {
          out.push(readValue(model, member, item, style));
        } catch (e) {
          throw within(e, `${i + 1}.member`);
        }
      }
      return out;
    }
    case 'map': {
      if (!isPlainObject(value)) throw new JsonTypeError(value, shape);
      const out: Record<string, unknown> = {};
      const valueRef = shape.value!;
      for (const key in value) {
        const item = value[key];
        if (item === null) continue;
        try {
          setOwn(out, key, readValue(model, valueRef, item, style));
        } catch (e) {
          throw within(e, key);
        }
      }
      return out;
    }
    case 'string':
      if (typeof value !== 'string') throw new JsonTypeError(value, shape);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw new JsonTypeError(value, shape);
      return value;
    case 'integer': case 'short': case 'byte':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
        throw new JsonTypeError(value, shape);
      }
      return value;
    case 'long': case 'biginteger':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw new JsonTypeError(value, shape);
      return value;
    case 'float': case 'double': case 'bigdecimal': {
      if (typeof value === 'number') return value;
      const special = typeof value === 'string' ? parseFloatText(value) : undefined;
      if (special === undefined || Number.isFinite(special)) throw new JsonTypeError(value, shape);
      return special;
    }
    case 'timestamp': {
      const d = typeof value === 'number' ? epochToDate(value)
        : typeof value === 'string' ? parseTimestamp(value, tsFormat(ref, shape, 'unixTimestamp')) : undefined;
      if (!d) throw new JsonTypeError(value, shape);
      return d;
    }
    case 'blob': {
      const b = typeof value === 'string' ? decodeBase64(value) : undefined;
      if (!b) throw new JsonTypeError(value, shape);
      return b;
    }
    default:
      return value;
  }
}

/** Writes a structure's Params as a JSON-ready object; members bound elsewhere (headers...) skipped
 * unless `style` names members by model name. */
export function writeJsonStructure(model: ServiceModel, shape: Shape, value: Record<string, unknown>, style: JsonStyle = WIRE): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const members = shape.members ?? {};
  for (const name in members) {
    const v = value[name];
    if (v === undefined || v === null) continue;
    const ref = members[name]!;
    if (ref.location && !style.byMemberName) continue;
    const w = writeJsonValue(model, ref, v, style);
    if (w !== undefined) out[style.byMemberName ? name : ref.locationName ?? name] = w;
  }
  return out;
}

export function writeJsonValue(model: ServiceModel, ref: ShapeRef, value: unknown, style: JsonStyle = WIRE): unknown {
  if (value === undefined || value === null) return undefined;
  const shape = model.shapes[ref.shape]!;
  if (shape.document) return value;
  switch (shape.type) {
    case 'structure':
      return isPlainObject(value) ? writeJsonStructure(model, shape, value, style) : undefined;
    case 'list': {
      if (!Array.isArray(value)) return undefined;
      const out: unknown[] = [];
      for (const item of value) {
        const w = writeJsonValue(model, shape.member!, item, style);
        if (w !== undefined) out.push(w);
      }
      return out;
    }
    case 'map': {
      if (!isPlainObject(value)) return undefined;
      const out: Record<string, unknown> = {};
      for (const key in value) {
        const w = writeJsonValue(model, shape.value!, value[key], style);
        if (w !== undefined) setOwn(out, key, w);
      }
      return out;
    }
    case 'timestamp': {
      const d = toDate(value);
      if (!d) return undefined;
      const fmt = style.byMemberName ? 'iso8601' : tsFormat(ref, shape, 'unixTimestamp');
      return fmt === 'unixTimestamp' ? epochSeconds(d) : formatTimestamp(d, fmt);
    }
    case 'blob':
      return encodeBase64(value);
    case 'float': case 'double': case 'bigdecimal': {
      const n = toNumber(value);
      return n === undefined ? undefined : formatFloat(n);
    }
    case 'integer': case 'long': case 'short': case 'byte': case 'biginteger':
      return toNumber(value);
    case 'boolean':
      return typeof value === 'boolean' ? value : value === 'true';
    default:
      return typeof value === 'string' ? value : String(value);
  }
}
