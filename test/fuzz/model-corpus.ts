/**
 * Seed requests for the fuzz test, one per operation, derived from the service model tables in
 * src/wire/models: a minimal input (required members only, each at its smallest valid value)
 * serialized in the service's own protocol (json, query, rest-xml, rest-json). The fuzzer mutates
 * these; starting from valid requests lets mutations reach the handlers, not only the parsers.
 */
import { getServiceModel, shapeOf } from '../../src/wire/models.ts';
import type { OperationModel, ServiceModel, Shape, ShapeRef } from '../../src/wire/types.ts';
import type { FuzzRequest } from './fuzz-request.ts';

type Value = string | number | boolean | Value[] | { [k: string]: Value };

/** Known names the seeds use so calls reach real resources (the test creates them). */
export interface Fixtures {
  bucket: string;
  key: string;
  datastoreId: string;
  topicArn: string;
}

/** Member names whose value the fixtures supply; Delete* operations get placeholders instead,
 * so the fixtures survive the run. */
function fixtureValue(member: string, op: OperationModel, f: Fixtures): string | undefined {
  if (op.name.startsWith('Delete')) return undefined;
  if (member === 'Bucket') return f.bucket;
  if (member === 'Key') return f.key;
  if (/^DatastoreId$/i.test(member)) return f.datastoreId;
  if (member === 'TopicArn') return f.topicArn;
  return undefined;
}

function minimalString(shape: Shape, member: string): string {
  if (shape.enum?.length) return shape.enum[0]!;
  if (/Arn$/i.test(member)) return 'arn:aws:iam::000000000000:role/fuzz';
  const len = Math.min(Math.max(shape.min ?? 1, 4), shape.max ?? 4);
  return 'fuzz'.repeat(len).slice(0, Math.max(len, 1));
}

function minimalValue(model: ServiceModel, ref: ShapeRef, member: string, op: OperationModel, f: Fixtures, depth: number, timestamp: 'epoch' | 'iso'): Value {
  const fixed = fixtureValue(member, op, f);
  if (fixed !== undefined) return fixed;
  const shape = shapeOf(model, ref);
  switch (shape.type) {
    case 'string': return minimalString(shape, member);
    case 'integer': case 'long': case 'short': case 'byte': case 'biginteger': return Math.max(shape.min ?? 1, 1);
    case 'float': case 'double': case 'bigdecimal': return Math.max(shape.min ?? 1, 1);
    case 'boolean': return true;
    case 'timestamp': return timestamp === 'epoch' ? 1700000000 : '2024-01-01T00:00:00Z';
    case 'blob': return 'ZnV6eg==';
    case 'list': return depth > 4 ? [] : [minimalValue(model, shape.member!, member, op, f, depth + 1, timestamp)];
    case 'map': return depth > 4 ? {} : { k: minimalValue(model, shape.value!, member, op, f, depth + 1, timestamp) };
    case 'structure': {
      const out: Record<string, Value> = {};
      if (depth > 4) return out;
      const members = shape.members ?? {};
      const names = shape.union ? Object.keys(members).slice(0, 1) : (shape.required ?? []);
      for (const name of names) out[name] = minimalValue(model, members[name]!, name, op, f, depth + 1, timestamp);
      return out;
    }
  }
}

/** The required members of an operation's input, each at a minimal value. */
function minimalInput(model: ServiceModel, op: OperationModel, f: Fixtures, timestamp: 'epoch' | 'iso'): Record<string, Value> {
  if (!op.input) return {};
  return minimalValue(model, op.input, '', op, f, 0, timestamp) as Record<string, Value>;
}

function jsonSeed(service: string, model: ServiceModel, op: OperationModel, f: Fixtures): FuzzRequest {
  return {
    service, method: 'POST', path: '/', query: [],
    headers: { 'content-type': `application/x-amz-json-${model.metadata.jsonVersion ?? '1.0'}`, 'x-amz-target': `${model.metadata.targetPrefix}.${op.name}` },
    body: Buffer.from(JSON.stringify(minimalInput(model, op, f, 'epoch'))),
    signing: 'signed',
  };
}

/** Query protocol form fields: lists as Name.member.N, maps as Name.entry.N.key/value. */
function queryFields(model: ServiceModel, ref: ShapeRef, value: Value, prefix: string, out: [string, string][]): void {
  const shape = shapeOf(model, ref);
  if (shape.type === 'list' && Array.isArray(value)) {
    value.forEach((v, i) => queryFields(model, shape.member!, v, `${prefix}${shape.flattened ? '' : '.member'}.${i + 1}`, out));
  } else if (shape.type === 'map' && typeof value === 'object' && !Array.isArray(value)) {
    Object.entries(value).forEach(([k, v], i) => {
      out.push([`${prefix}.entry.${i + 1}.key`, k]);
      queryFields(model, shape.value!, v, `${prefix}.entry.${i + 1}.value`, out);
    });
  } else if (shape.type === 'structure' && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) queryFields(model, shape.members![k]!, v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.push([prefix, String(value)]);
  }
}

function querySeed(service: string, model: ServiceModel, op: OperationModel, f: Fixtures): FuzzRequest {
  const fields: [string, string][] = [['Action', op.name], ['Version', model.metadata.apiVersion]];
  if (op.input) queryFields(model, op.input, minimalInput(model, op, f, 'iso'), '', fields);
  return {
    service, method: 'POST', path: '/', query: [],
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: Buffer.from(new URLSearchParams(fields).toString()),
    signing: 'signed',
  };
}

function xmlElement(model: ServiceModel, ref: ShapeRef, name: string, value: Value): string {
  const shape = shapeOf(model, ref);
  if (shape.type === 'list' && Array.isArray(value)) {
    const memberName = shape.member!.locationName ?? 'member';
    const items = value.map((v) => xmlElement(model, shape.member!, shape.flattened ? name : memberName, v)).join('');
    return shape.flattened ? items : `<${name}>${items}</${name}>`;
  }
  if (shape.type === 'structure' && typeof value === 'object' && !Array.isArray(value)) {
    const inner = Object.entries(value).map(([k, v]) => {
      const m = shape.members![k]!;
      return xmlElement(model, m, m.locationName ?? k, v);
    }).join('');
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${String(value)}</${name}>`;
}

/** Fills {Label} and {Label+} in a request URI; returns the path and the literal query part. */
function fillUri(requestUri: string, labels: Record<string, Value>): { path: string; query: [string, string][] } {
  const [pathPart, queryPart] = requestUri.split('?');
  const path = pathPart!.replace(/\{(\w+)(\+?)\}/g, (_, name: string, greedy: string) => {
    const v = String(labels[name] ?? 'fuzz');
    return greedy ? v.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(v);
  });
  const query: [string, string][] = [];
  for (const pair of (queryPart ?? '').split('&').filter(Boolean)) {
    const [k, v] = pair.split('=');
    query.push([k!, v ?? '']);
  }
  return { path, query };
}

/** rest-xml (S3) and rest-json (Omics): members bound to the URI, query, headers or body. */
function restSeed(service: string, model: ServiceModel, op: OperationModel, f: Fixtures): FuzzRequest {
  const input = minimalInput(model, op, f, model.metadata.protocol === 'rest-xml' ? 'iso' : 'epoch');
  const shape = op.input ? shapeOf(model, op.input) : { type: 'structure' as const, members: {} };
  const members = shape.members ?? {};
  const labels: Record<string, Value> = {};
  const headers: Record<string, string> = {};
  const bodyMembers: Record<string, Value> = {};
  const extraQuery: [string, string][] = [];
  for (const [name, ref] of Object.entries(members)) {
    const value = input[name];
    if (ref.location === 'uri') labels[ref.locationName ?? name] = value ?? 'fuzz';
    else if (value === undefined) continue;
    else if (ref.location === 'querystring') extraQuery.push([ref.locationName ?? name, String(value)]);
    else if (ref.location === 'header') headers[(ref.locationName ?? name).toLowerCase()] = String(value);
    else if (ref.location === 'headers') continue;
    else bodyMembers[name] = value;
  }
  const { path, query } = fillUri(op.http.requestUri, labels);
  let body = Buffer.alloc(0);
  if (model.metadata.protocol === 'rest-xml') {
    const payload = shape.payload ? members[shape.payload] : undefined;
    if (payload && shapeOf(model, payload).type === 'structure') {
      const value = input[shape.payload!] ?? {};
      const xml = xmlElement(model, payload, payload.locationName ?? shape.payload!, value)
        .replace(/^<(\w+)>/, `<$1 xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`);
      body = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>${xml}`);
      headers['content-type'] = 'application/xml';
    } else if (payload) {
      body = Buffer.from('fuzz body\n');
      headers['content-type'] = 'application/octet-stream';
    }
  } else if (Object.keys(bodyMembers).length > 0 || op.http.method !== 'GET') {
    body = Buffer.from(JSON.stringify(bodyMembers));
    headers['content-type'] = 'application/json';
  }
  return { service, method: op.http.method, path, query: [...query, ...extraQuery], headers, body, signing: 'signed' };
}

/** One seed request per operation of the service the signing name names. */
export function modelSeeds(service: string, fixtures: Fixtures): FuzzRequest[] {
  const model = getServiceModel(service);
  if (!model) throw new Error(`no model for ${service}`);
  const ops = Object.values(model.operations);
  switch (model.metadata.protocol) {
    case 'json': return ops.map((op) => jsonSeed(service, model, op, fixtures));
    case 'query': return ops.map((op) => querySeed(service, model, op, fixtures));
    case 'rest-xml': case 'rest-json': return ops.map((op) => restSeed(service, model, op, fixtures));
    default: throw new Error(`no seed serializer for protocol ${model.metadata.protocol}`);
  }
}

/** Operation names of a service, for mutations that swap one for another. */
export function operationNames(service: string): string[] {
  return Object.keys(getServiceModel(service)!.operations);
}
