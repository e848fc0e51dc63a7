/**
 * The client side of the wire, for tests: reads an HttpResponse back into output Params (or an
 * error code and members) the way an SDK would, driven by the same model. Used to round-trip
 * what our serializers write and, as a check on this parser itself, the vectors' own responses.
 */
import type { HttpResponse, OperationModel, ServiceModel, Shape, ShapeRef } from '../../../src/wire/types.ts';
import { readBoundMembers } from '../../../src/wire/protocols/http-bindings.ts';
import { readJsonStructure, readJsonValue } from '../../../src/wire/protocols/json-body.ts';
import { parseXmlDocument, readXmlStructure, readXmlValue, xmlChild, xmlText } from '../../../src/wire/protocols/xml-reader.ts';

function bodyText(res: HttpResponse): string {
  return typeof res.body === 'string' ? res.body : res.body.toString('utf8');
}

function lowerHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

function jsonDoc(res: HttpResponse): unknown {
  const text = bodyText(res);
  return text.trim() === '' ? {} : JSON.parse(text);
}

/** Members bound to headers and the status code (rest protocols). */
function readResponseBindings(model: ServiceModel, shape: Shape, res: HttpResponse, out: Record<string, unknown>): void {
  const headers = lowerHeaders(res.headers);
  const fake = { method: 'GET', path: '/', query: '', headers, body: Buffer.alloc(0) };
  readBoundMembers(model, shape, fake, { operation: {} as OperationModel, labels: {}, query: [] }, out);
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    if (ref.location === 'statusCode') out[name] = res.status;
    // A prefix-less headers map sees every header: drop the ones the protocol itself sends.
    if (ref.location === 'headers' && !ref.locationName && out[name]) {
      const map = out[name] as Record<string, unknown>;
      for (const h of ['content-type', 'content-length', 'x-amzn-requestid']) delete map[h];
    }
  }
}

export function parseJsonOutput(model: ServiceModel, op: OperationModel, res: HttpResponse): Record<string, unknown> {
  if (!op.output) return {};
  return readJsonStructure(model, model.shapes[op.output.shape]!, jsonDoc(res), '');
}

export function parseRestJsonOutput(model: ServiceModel, op: OperationModel, res: HttpResponse): Record<string, unknown> {
  if (!op.output) return {};
  const shape = model.shapes[op.output.shape]!;
  const out: Record<string, unknown> = {};
  const body = typeof res.body === 'string' ? Buffer.from(res.body, 'utf8') : res.body;
  if (shape.payload) {
    const ref = shape.members![shape.payload]!;
    const type = model.shapes[ref.shape]!.type;
    if (body.length > 0) {
      if (type === 'blob') out[shape.payload] = body;
      else if (type === 'string') out[shape.payload] = body.toString('utf8');
      else out[shape.payload] = readJsonValue(model, ref, JSON.parse(body.toString('utf8')), shape.payload);
    }
  } else if (body.length > 0) {
    Object.assign(out, readJsonStructure(model, shape, JSON.parse(body.toString('utf8')), ''));
  }
  readResponseBindings(model, shape, res, out);
  return out;
}

export function parseQueryOutput(model: ServiceModel, op: OperationModel, res: HttpResponse): Record<string, unknown> {
  const text = bodyText(res);
  if (!op.output || text.trim() === '') return {};
  const { name, node } = parseXmlDocument(text);
  if (name !== `${op.name}Response`) throw new Error(`unexpected root element ${name}`);
  const result = xmlChild(node, op.output.resultWrapper ?? `${op.name}Result`);
  return result === undefined ? {} : readXmlStructure(model, model.shapes[op.output.shape]!, result);
}

/** rest-xml: headers, status, a payload or the root element's children. Label- and
 * query-bound members of an output are read from the body (botocore's IgnoreQueryParamsInResponse). */
export function parseRestXmlOutput(model: ServiceModel, op: OperationModel, res: HttpResponse): Record<string, unknown> {
  if (!op.output) return {};
  const shape = model.shapes[op.output.shape]!;
  const out: Record<string, unknown> = {};
  const body = typeof res.body === 'string' ? Buffer.from(res.body, 'utf8') : res.body;
  if (shape.payload) {
    const ref = shape.members![shape.payload]!;
    const type = model.shapes[ref.shape]!.type;
    if (body.length > 0) {
      if (type === 'blob') out[shape.payload] = body;
      else if (type === 'string') out[shape.payload] = body.toString('utf8');
      else out[shape.payload] = readXmlValue(model, ref, parseXmlDocument(body.toString('utf8')).node);
    }
  } else if (body.length > 0) {
    const members: Record<string, ShapeRef> = {};
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      members[name] = ref.location === 'uri' || ref.location === 'querystring' ? { ...ref, location: undefined } : ref;
    }
    Object.assign(out, readXmlStructure(model, { ...shape, members }, parseXmlDocument(body.toString('utf8')).node));
  }
  readResponseBindings(model, shape, res, out);
  // botocore gives a prefix-headers map even when no header matched.
  for (const [name, ref] of Object.entries(shape.members ?? {})) if (ref.location === 'headers') out[name] ??= {};
  return out;
}

export interface ParsedError {
  code: string | undefined;
  members: Record<string, unknown>;
}

/** The error code where clients look for it (namespace and URI suffix stripped) and the
 * modelled members. */
export function parseError(protocol: string, model: ServiceModel, res: HttpResponse): ParsedError {
  const headers = lowerHeaders(res.headers);
  if (protocol === 'query' || protocol === 'rest-xml') {
    const { name, node } = parseXmlDocument(bodyText(res));
    const error = name === 'Error' ? node : xmlChild(node, 'Error');
    const code = xmlText(xmlChild(error, 'Code'));
    const shape = findErrorShape(model, code);
    const members = shape && error !== undefined ? readXmlStructure(model, shape, error) : {};
    if (shape && protocol === 'rest-xml') readResponseBindings(model, shape, res, members);
    return { code, members };
  }
  const doc = jsonDoc(res) as Record<string, unknown>;
  const raw = headers['x-amzn-errortype'] ?? (doc.code as string | undefined) ?? (doc.__type as string | undefined);
  const code = raw?.split(':')[0]!.split('#').pop();
  const shape = code === undefined ? undefined : findErrorShape(model, code);
  const members: Record<string, unknown> = {};
  if (shape) {
    Object.assign(members, readJsonStructure(model, shape, doc, ''));
    if (protocol === 'rest-json') readResponseBindings(model, shape, res, members);
  }
  return { code, members };
}

function findErrorShape(model: ServiceModel, code: string): Shape | undefined {
  for (const [name, shape] of Object.entries(model.shapes)) {
    if (shape.exception && (name === code || shape.error?.code === code)) return shape;
  }
  return undefined;
}
