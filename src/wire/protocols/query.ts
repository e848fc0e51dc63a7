/**
 * awsQuery (IAM, STS, SNS): form-encoded `Action=...&Version=...&A.member.1=...` requests (POST
 * body, or the query string of a GET), XML responses wrapped in
 * `<OpResponse><OpResult>...</OpResult><ResponseMetadata>` and `<ErrorResponse>` errors.
 */
import { AwsError } from '../../core/aws-error.ts';
import type { HttpRequest, HttpResponse, OperationModel, ParsedRequest, Protocol, ServiceModel, Shape, ShapeRef } from '../types.ts';
import {
  mediaType, parseQueryPairs, parseScalarText, setOwn,
  utf8Text,
} from './codecs.ts';
import { errorInfo } from './errors.ts';
import { escapeXml, safeElementName, writeXmlMembers, writeXmlValue } from './xml-writer.ts';

/** Flat `A.B.1.C` keys folded into a tree, so lists and maps are read by walking it. */
interface QueryNode {
  v?: string;
  c?: Record<string, QueryNode>;
}

function malformedQuery(message: string): AwsError {
  return new AwsError('MalformedQueryString', message, { status: 404 });
}

function invalidValue(message: string): AwsError {
  return new AwsError('InvalidParameterValue', message, { status: 400 });
}

/** All request parameters: the query string, then (for form POSTs) the body on top. */
export function queryParams(req: HttpRequest): Map<string, string> {
  const params = new Map<string, string>();
  const fromUri = parseQueryPairs(req.query);
  if (!fromUri) throw malformedQuery('The query string is not properly percent-encoded');
  for (const [k, v] of fromUri) params.set(k, v);
  const type = mediaType(req.headers['content-type']);
  if (req.body.length > 0 && (type === '' || type === 'application/x-www-form-urlencoded')) {
    const text = utf8Text(req.body);
    const fromBody = text === undefined ? undefined : parseQueryPairs(text);
    if (!fromBody) throw malformedQuery('The request body is not a valid form-urlencoded string');
    for (const [k, v] of fromBody) params.set(k, v);
  }
  return params;
}

/**
 * More '.'-separated parts than any member path of a query model has (the deepest, e.g.
 * SNS's MessageAttributes.entry.N.Value.StringListValues.member.N, has 7): such a key names no
 * member and is ignored, as unknown parameters are, without building a node per part.
 */
const MAX_KEY_PARTS = 32;

function buildTree(params: Map<string, string>): QueryNode {
  const root: QueryNode = {};
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version') continue;
    const parts = key.split('.', MAX_KEY_PARTS + 1);
    if (parts.length > MAX_KEY_PARTS) continue;
    let node = root;
    for (const part of parts) {
      node.c ??= Object.create(null) as Record<string, QueryNode>;
      node = node.c[part] ??= {};
    }
    node.v = value;
  }
  return root;
}

/** Children with numeric names (1, 2, ...), in numeric order. */
function indexed(node: QueryNode | undefined): QueryNode[] {
  if (!node?.c) return [];
  return Object.keys(node.c)
    .filter((k) => /^\d+$/.test(k))
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => node.c![k]!);
}

function readQueryStructure(model: ServiceModel, shape: Shape, node: QueryNode, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!node.c) return out;
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const key = ref.locationName ?? name;
    const child = node.c[key];
    if (child === undefined) continue;
    const v = readQueryValue(model, ref, child, path ? `${path}.${key}` : key);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

function readQueryValue(model: ServiceModel, ref: ShapeRef, node: QueryNode, key: string): unknown {
  const shape = model.shapes[ref.shape]!;
  switch (shape.type) {
    case 'structure':
      return readQueryStructure(model, shape, node, key);
    case 'list': {
      const member = shape.member!;
      // Accept both the wrapped (A.member.N) and flattened (A.N) forms whatever the model says.
      const wrapped = node.c?.[member.locationName ?? 'member'];
      const items = wrapped ? indexed(wrapped) : indexed(node);
      if (items.length === 0) return node.v !== undefined && !node.c ? [] : undefined;
      return items.map((item, i) => readQueryValue(model, member, item, `${key}.member.${i + 1}`));
    }
    case 'map': {
      const keyName = shape.key!.locationName ?? 'key';
      const valueName = shape.value!.locationName ?? 'value';
      const out: Record<string, unknown> = {};
      for (const entry of indexed(node.c?.entry ?? node)) {
        const k = entry.c?.[keyName]?.v;
        const v = entry.c?.[valueName];
        if (k === undefined || v === undefined) continue;
        setOwn(out, k, readQueryValue(model, shape.value!, v, `${key}.${k}`));
      }
      return out;
    }
    default:
      return node.v === undefined ? undefined : queryScalar(ref, shape, node.v, key);
  }
}

function queryScalar(ref: ShapeRef, shape: Shape, text: string, key: string): unknown {
  const v = parseScalarText(shape.type, text, ref.timestampFormat ?? shape.timestampFormat ?? 'iso8601');
  if (v === undefined) {
    const shown = shape.sensitive ? '***' : text.slice(0, 100);
    throw invalidValue(`Value '${shown}' for parameter ${key} is invalid: expected ${shape.type}`);
  }
  return v;
}

function findOperation(model: ServiceModel, params: Map<string, string>): OperationModel {
  const action = params.get('Action');
  if (!action) throw new AwsError('MissingAction', 'Missing Action', { status: 400 });
  const op = Object.hasOwn(model.operations, action) ? model.operations[action] : undefined;
  if (!op) {
    const version = params.get('Version') ?? model.metadata.apiVersion;
    throw new AwsError('InvalidAction', `Could not find operation ${action.slice(0, 100)} for version ${version.slice(0, 20)}`, { status: 400 });
  }
  return op;
}

function xmlns(model: ServiceModel): string {
  const ns = model.metadata.xmlNamespace;
  return ns ? ` xmlns="${escapeXml(ns)}"` : '';
}

function xmlResponse(status: number, requestId: string, body: string, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: { ...headers, 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
}

export const queryProtocol: Protocol = {
  parseRequest(model: ServiceModel, req: HttpRequest): ParsedRequest {
    const params = queryParams(req);
    const operation = findOperation(model, params);
    if (!operation.input) return { operation, input: {} };
    const input = readQueryStructure(model, model.shapes[operation.input.shape]!, buildTree(params), '');
    return { operation, input };
  },

  serializeResponse(model, operation, output, requestId): HttpResponse {
    const name = operation.name;
    const out: string[] = [`<${name}Response${xmlns(model)}>`];
    if (operation.output) {
      const wrapper = operation.output.resultWrapper ?? `${name}Result`;
      out.push(`<${wrapper}>`);
      writeXmlMembers(model, model.shapes[operation.output.shape]!, output ?? {}, out);
      out.push(`</${wrapper}>`);
    }
    out.push(`<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${name}Response>`);
    return xmlResponse(200, requestId, out.join(''));
  },

  serializeError(model, error, requestId): HttpResponse {
    const info = errorInfo(model, error);
    const out: string[] = [
      `<ErrorResponse${xmlns(model)}><Error><Type>${info.sender ? 'Sender' : 'Receiver'}</Type>`,
      `<Code>${escapeXml(info.code)}</Code><Message>${escapeXml(error.message)}</Message>`,
    ];
    const members = info.shape?.members ?? {};
    for (const [key, value] of Object.entries(error.fields)) {
      if (value === undefined || value === null || key === info.messageMember) continue;
      const ref = members[key];
      if (ref) writeXmlValue(model, ref, value, ref.locationName ?? key, out);
      else if (typeof value !== 'object') out.push(`<${safeElementName(key)}>${escapeXml(String(value))}</${safeElementName(key)}>`);
    }
    out.push(`</Error><RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`);
    return xmlResponse(info.status, requestId, out.join(''), error.headers);
  },
};
