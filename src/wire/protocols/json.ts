/**
 * awsJson1_0 / awsJson1_1 (HealthLake, CloudTrail): POST /, operation named by
 * `X-Amz-Target: <targetPrefix>.<Operation>`, input and output as JSON bodies, errors as
 * `{"__type": code, "message": ...}` plus the `x-amzn-ErrorType` header.
 */
import { AwsError } from '../../core/aws-error.ts';
import type { HttpRequest, HttpResponse, OperationModel, ParsedRequest, Protocol, ServiceModel } from '../types.ts';
import { mediaType } from './codecs.ts';
import { errorInfo } from './errors.ts';
import { parseJsonBody, readJsonStructure, serializationError, writeJsonStructure, writeJsonValue } from './json-body.ts';

interface TargetTable {
  /** The target prefix and every dot-separated suffix of it (CloudTrail_20131101 for CloudTrail). */
  prefixes: Set<string>;
  contentType: string;
}

const tables = new WeakMap<ServiceModel, TargetTable>();

function targetTable(model: ServiceModel): TargetTable {
  let t = tables.get(model);
  if (!t) {
    const prefix = model.metadata.targetPrefix ?? '';
    const prefixes = new Set<string>([prefix]);
    const parts = prefix.split('.');
    for (let i = 1; i < parts.length; i++) prefixes.add(parts.slice(i).join('.'));
    t = { prefixes, contentType: `application/x-amz-json-${model.metadata.jsonVersion ?? '1.0'}` };
    tables.set(model, t);
  }
  return t;
}

const JSON_MEDIA_TYPES = new Set(['application/x-amz-json-1.0', 'application/x-amz-json-1.1']);

function unknownOperation(message: string): AwsError {
  return new AwsError('UnknownOperationException', message, { status: 400 });
}

const resolved = new WeakMap<ServiceModel, Map<string, OperationModel>>();

/** Resolves the operation named by X-Amz-Target, or throws UnknownOperationException. */
export function jsonOperation(model: ServiceModel, target: string | undefined): OperationModel {
  if (!target) throw unknownOperation('Missing X-Amz-Target header');
  let cache = resolved.get(model);
  if (!cache) resolved.set(model, (cache = new Map()));
  const hit = cache.get(target);
  if (hit) return hit;
  const dot = target.lastIndexOf('.');
  const prefix = dot < 0 ? '' : target.slice(0, dot);
  const name = target.slice(dot + 1);
  const op = Object.hasOwn(model.operations, name) ? model.operations[name] : undefined;
  if (!op || !targetTable(model).prefixes.has(prefix)) {
    throw unknownOperation(`Unknown operation ${target.slice(0, 200)}`);
  }
  cache.set(target, op); // only valid targets: bounded by operations x prefixes
  return op;
}

export const jsonProtocol: Protocol = {
  parseRequest(model: ServiceModel, req: HttpRequest): ParsedRequest {
    const operation = jsonOperation(model, req.headers['x-amz-target']);
    const type = mediaType(req.headers['content-type']);
    if (!JSON_MEDIA_TYPES.has(type)) {
      throw unknownOperation(
        `Unsupported Content-Type '${(req.headers['content-type'] ?? '').slice(0, 100)}'; expected ${targetTable(model).contentType}`,
      );
    }
    const doc = parseJsonBody(req.body);
    if (!operation.input) {
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw serializationError('Request body must be a JSON object');
      return { operation, input: {} };
    }
    const input = readJsonStructure(model, model.shapes[operation.input.shape]!, doc, '');
    return { operation, input };
  },

  serializeResponse(model, operation, output, requestId): HttpResponse {
    const body = operation.output ? writeJsonStructure(model, model.shapes[operation.output.shape]!, output ?? {}) : {};
    return {
      status: 200,
      headers: { 'content-type': targetTable(model).contentType, 'x-amzn-requestid': requestId },
      body: JSON.stringify(body),
    };
  },

  serializeError(model, error, requestId): HttpResponse {
    const info = errorInfo(model, error);
    const body: Record<string, unknown> = { __type: info.code };
    const members = info.shape?.members ?? {};
    for (const [key, value] of Object.entries(error.fields)) {
      const ref = members[key];
      const w = ref ? writeJsonValue(model, ref, value) : value;
      if (w !== undefined) body[ref?.locationName ?? key] = w;
    }
    if (error.message) body[info.messageMember] = error.message;
    return {
      status: info.status,
      headers: {
        ...error.headers,
        'content-type': targetTable(model).contentType,
        'x-amzn-requestid': requestId,
        'x-amzn-errortype': info.code,
      },
      body: JSON.stringify(body),
    };
  },
};
