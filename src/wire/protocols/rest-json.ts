/**
 * restJson1 (Omics): the operation comes from method + requestUri template; members bind to
 * labels, query string, headers, a payload or the JSON body. Errors carry the code in the
 * `x-amzn-ErrorType` header and `{"message": ...}` in the body, with the modelled status.
 * Streamed blobs (UploadReadSetPart's part, GetReadSet's and GetReference's bytes) stay streams:
 * the request's body is left for the handler to read, a Readable output is sent as it comes.
 */
import { Readable } from 'node:stream';
import { AwsError } from '../../core/aws-error.ts';
import type { HttpRequest, HttpResponse, ParsedRequest, Protocol, ServiceModel, Shape } from '../types.ts';
import { toBuffer, utf8Text } from './codecs.ts';
import { errorInfo } from './errors.ts';
import { matchRoute, readBoundMembers, streamingPayload, writeBoundMembers } from './http-bindings.ts';
import {
  parseJsonBody, readJsonStructure, readJsonValue, serializationError, writeJsonStructure, writeJsonValue,
} from './json-body.ts';

const JSON_TYPE = 'application/json';

function hasBodyMembers(shape: Shape): boolean {
  for (const ref of Object.values(shape.members ?? {})) if (!ref.location) return true;
  return false;
}

/** Reads a payload-bound member: raw bytes, text, or a JSON document for structures. */
function readPayload(model: ServiceModel, shape: Shape, req: HttpRequest, out: Record<string, unknown>): void {
  const name = shape.payload!;
  const ref = shape.members![name]!;
  const body = req.body;
  // A streamed body stays with the request; the handler reads it (ctx.http.body). The member
  // holds the stream, so a required payload (UploadReadSetPart) is present to validation.
  if (req.bodyStream) {
    out[name] = req.bodyStream;
    return;
  }
  if (body.length === 0) return;
  const target = model.shapes[ref.shape]!;
  if (target.type === 'blob') {
    out[name] = body;
  } else if (target.type === 'string') {
    const text = utf8Text(body);
    if (text === undefined) throw serializationError('Request body is not valid UTF-8');
    out[name] = text;
  } else {
    out[name] = readJsonValue(model, ref, parseJsonBody(body), name);
  }
}

export const restJsonProtocol: Protocol = {
  parseRequest(model: ServiceModel, req: HttpRequest): ParsedRequest {
    const match = matchRoute(model, req);
    if (!match) {
      throw new AwsError('UnknownOperationException', `No operation matches ${req.method} ${req.path.slice(0, 200)}`, { status: 404 });
    }
    const operation = match.operation;
    if (!operation.input) return { operation, input: {} };
    const shape = model.shapes[operation.input.shape]!;
    const input: Record<string, unknown> = {};
    if (shape.payload) {
      readPayload(model, shape, req, input);
    } else if (req.body.length > 0 && hasBodyMembers(shape)) {
      Object.assign(input, readJsonStructure(model, shape, parseJsonBody(req.body), ''));
    }
    readBoundMembers(model, shape, req, match, input);
    return { operation, input };
  },

  streamsRequestBody(model: ServiceModel, req: HttpRequest): boolean {
    try {
      const match = matchRoute(model, req);
      return match !== undefined && streamingPayload(model, match.operation) !== undefined;
    } catch {
      return false;
    }
  },

  serializeResponse(model, operation, output, requestId): HttpResponse {
    const headers: Record<string, string> = { 'x-amzn-requestid': requestId };
    let status = operation.http.responseCode ?? 200;
    if (!operation.output) {
      headers['content-type'] = JSON_TYPE;
      return { status, headers, body: '{}' };
    }
    const shape = model.shapes[operation.output.shape]!;
    const value = output ?? {};
    status = writeBoundMembers(model, shape, value, headers) ?? status;
    let body: string | Buffer;
    let stream: Readable | undefined;
    if (shape.payload) {
      const ref = shape.members![shape.payload]!;
      const v = value[shape.payload];
      const target = model.shapes[ref.shape]!;
      if (v === undefined || v === null) {
        body = '';
      } else if (target.type === 'blob') {
        if (v instanceof Readable) {
          stream = v;
          body = '';
        } else {
          body = toBuffer(v);
        }
        headers['content-type'] ??= 'application/octet-stream';
      } else if (target.type === 'string') {
        body = String(v);
        headers['content-type'] ??= 'text/plain';
      } else {
        body = JSON.stringify(writeJsonValue(model, ref, v) ?? null);
        headers['content-type'] ??= JSON_TYPE;
      }
    } else {
      body = JSON.stringify(writeJsonStructure(model, shape, value));
      headers['content-type'] ??= JSON_TYPE;
    }
    // 204/304 carry no body (Omics' TagResource answers 204).
    if (status === 204 || status === 304) {
      delete headers['content-type'];
      body = '';
    }
    return stream ? { status, headers, body, stream } : { status, headers, body };
  },

  serializeError(model, error, requestId): HttpResponse {
    const info = errorInfo(model, error);
    const headers: Record<string, string> = { ...error.headers };
    let body: Record<string, unknown>;
    if (info.shape) {
      const value: Record<string, unknown> = { ...error.fields };
      if (error.message) value[info.messageMember] = error.message;
      writeBoundMembers(model, info.shape, value, headers);
      body = writeJsonStructure(model, info.shape, value);
      for (const [k, v] of Object.entries(error.fields)) if (!info.shape.members?.[k] && v !== undefined) body[k] = v;
      // The message travels even when the modelled shape does not declare one.
      if (error.message && !(info.shape.members && info.messageMember in info.shape.members)) body.message = error.message;
    } else {
      body = { ...error.fields };
      if (error.message) body.message = error.message;
    }
    headers['content-type'] = JSON_TYPE;
    headers['x-amzn-requestid'] = requestId;
    headers['x-amzn-errortype'] = info.code;
    return { status: info.status, headers, body: JSON.stringify(body) };
  },
};
