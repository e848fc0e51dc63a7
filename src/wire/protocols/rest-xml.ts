/**
 * restXml (S3): the operation comes from method + requestUri template + literal query parts
 * (`?uploads`, `?list-type=2`) + required query/header members (`uploadId`,
 * `x-amz-copy-source`); members bind to labels, query string, headers, a payload (raw bytes,
 * possibly streamed, or an XML document) or an XML body. Errors are XML documents: S3's bare
 * `<Error><Code/><Message/><RequestId/></Error>`, other services' `<ErrorResponse><Error>...`.
 *
 * Virtual-hosted-style S3 requests (`bucket.host/key`) reach this parser already rewritten to
 * path style by the S3 provider (services/s3/addressing.ts): the Host header is not the wire
 * layer's business.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { AwsError } from '../../core/aws-error.ts';
import type {
  HttpRequest, HttpResponse, ParsedRequest, Protocol, ServiceModel, Shape, ShapeRef, XmlNamespace,
} from '../types.ts';
import { toBuffer, utf8Text } from './codecs.ts';
import { errorInfo } from './errors.ts';
import { matchRoute, readBoundMembers, streamingPayload, writeBoundMembers, type BindingErrorFactory } from './http-bindings.ts';
import { parseXmlDocument, readXmlStructure, readXmlValue, type XmlErrorFactory } from './xml-reader.ts';
import { rootNameFor } from './xml-root-names.ts';
import {
  escapeXml, escapeXmlAttr, safeElementName, xmlAttributes, xmlScalarText, writeXmlValue,
} from './xml-writer.ts';

const XML_TYPE = 'application/xml';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

function isS3(model: ServiceModel): boolean {
  return model.metadata.serviceId === 'S3';
}

/** S3's x-amz-id-2 ("host id"): opaque base64; derived from the request id so the header,
 * the error body and the CloudTrail record agree. */
export function s3HostId(requestId: string): string {
  return createHash('sha256').update(`healthtrail:${requestId}`).digest('base64');
}

function bindingError(model: ServiceModel): BindingErrorFactory {
  return isS3(model)
    ? (message) => new AwsError('InvalidArgument', message, { status: 400 })
    : (message) => new AwsError('SerializationException', message, { status: 400 });
}

const malformed: XmlErrorFactory = (message) => new AwsError('MalformedXML',
  `The XML you provided was not well-formed or did not validate against our published schema: ${message}`, { status: 400 });

function requestIdHeaders(model: ServiceModel, requestId: string): Record<string, string> {
  return isS3(model)
    ? { 'x-amz-request-id': requestId, 'x-amz-id-2': s3HostId(requestId) }
    : { 'x-amzn-requestid': requestId };
}

function nsAttr(ns: XmlNamespace | undefined): string {
  if (!ns) return '';
  if (typeof ns === 'string') return ` xmlns="${escapeXmlAttr(ns)}"`;
  return ns.prefix ? ` xmlns:${ns.prefix}="${escapeXmlAttr(ns.uri)}"` : ` xmlns="${escapeXmlAttr(ns.uri)}"`;
}

function hasBodyMembers(shape: Shape): boolean {
  for (const ref of Object.values(shape.members ?? {})) if (!ref.location) return true;
  return false;
}

function readPayload(model: ServiceModel, shape: Shape, req: HttpRequest, out: Record<string, unknown>): void {
  const name = shape.payload!;
  const ref = shape.members![name]!;
  const target = model.shapes[ref.shape]!;
  // A streamed body stays with the request; the handler reads it (ctx.payload).
  if (req.bodyStream || req.body.length === 0) return;
  if (target.type === 'blob') {
    out[name] = req.body;
    return;
  }
  const text = utf8Text(req.body);
  if (text === undefined) throw malformed('the body is not valid UTF-8');
  if (target.type === 'string') {
    out[name] = text;
    return;
  }
  out[name] = readXmlValue(model, ref, parseXmlDocument(text, malformed).node, malformed, true);
}

/** Output members that travel in the body: everything not bound to headers or the status
 * (label- and query-bound members of an output have no request to live in). */
function isOutputBodyMember(ref: ShapeRef): boolean {
  return ref.location !== 'header' && ref.location !== 'headers' && ref.location !== 'statusCode';
}

function writeDocument(model: ServiceModel, shape: Shape, shapeName: string, value: Record<string, unknown>,
  fallbackName: string, ns: XmlNamespace | undefined): string | undefined {
  const root = rootNameFor(model.metadata.serviceId, shapeName);
  const name = root?.name ?? shape.locationName ?? fallbackName;
  const xmlns = nsAttr(root?.xmlns ?? ns ?? shape.xmlNamespace);
  if (root?.textMember) {
    const ref = shape.members![root.textMember]!;
    const v = value[root.textMember];
    const text = v === undefined || v === null ? '' : xmlScalarText(model, ref, model.shapes[ref.shape]!, v) ?? '';
    return text === '' ? `<${name}${xmlns}/>` : `<${name}${xmlns}>${escapeXml(text)}</${name}>`;
  }
  const out: string[] = [];
  let any = false;
  for (const [member, ref] of Object.entries(shape.members ?? {})) {
    if (ref.xmlAttribute || !isOutputBodyMember(ref)) continue;
    const v = value[member];
    if (v === undefined || v === null) continue;
    any = true;
    writeXmlValue(model, ref, v, ref.locationName ?? member, out);
  }
  const attrs = xmlAttributes(model, shape, value);
  if (!any && !attrs && !root) return undefined;
  return `<${name}${xmlns}${attrs}>${out.join('')}</${name}>`;
}

export const restXmlProtocol: Protocol = {
  parseRequest(model: ServiceModel, req: HttpRequest): ParsedRequest {
    const onError = bindingError(model);
    const match = matchRoute(model, req, onError);
    if (!match) {
      throw isS3(model)
        ? new AwsError('MethodNotAllowed', 'The specified method is not allowed against this resource.', { status: 405 })
        : new AwsError('UnknownOperationException', `No operation matches ${req.method} ${req.path.slice(0, 200)}`, { status: 404 });
    }
    const operation = match.operation;
    if (!operation.input) return { operation, input: {} };
    const shape = model.shapes[operation.input.shape]!;
    const input: Record<string, unknown> = {};
    if (shape.payload) {
      readPayload(model, shape, req, input);
    } else if (req.body.length > 0 && hasBodyMembers(shape)) {
      const text = utf8Text(req.body);
      if (text === undefined) throw malformed('the body is not valid UTF-8');
      Object.assign(input, readXmlStructure(model, shape, parseXmlDocument(text, malformed).node, malformed, true));
    }
    readBoundMembers(model, shape, req, match, input, onError);
    return { operation, input };
  },

  streamsRequestBody(model: ServiceModel, req: HttpRequest): boolean {
    try {
      const match = matchRoute(model, req, bindingError(model));
      return match !== undefined && streamingPayload(model, match.operation) !== undefined;
    } catch {
      return false;
    }
  },

  serializeResponse(model, operation, output, requestId): HttpResponse {
    const headers: Record<string, string> = requestIdHeaders(model, requestId);
    let status = operation.http.responseCode ?? 200;
    if (!operation.output) return { status, headers, body: '' };
    const shapeName = operation.output.shape;
    const shape = model.shapes[shapeName]!;
    const value = output ?? {};
    status = writeBoundMembers(model, shape, value, headers) ?? status;
    let body: string | Buffer = '';
    let stream: Readable | undefined;
    if (shape.payload) {
      const ref = shape.members![shape.payload]!;
      const v = value[shape.payload];
      const target = model.shapes[ref.shape]!;
      if (v === undefined || v === null) {
        body = '';
      } else if (target.type === 'blob') {
        if (v instanceof Readable) stream = v;
        else body = toBuffer(v);
      } else if (target.type === 'string') {
        body = String(v);
      } else if (typeof v === 'object') {
        const doc = writeDocument(model, target, ref.shape, v as Record<string, unknown>,
          ref.locationName ?? ref.shape, ref.xmlNamespace);
        body = doc === undefined ? '' : XML_DECLARATION + doc;
        headers['content-type'] ??= XML_TYPE;
      }
    } else {
      const doc = writeDocument(model, shape, shapeName, value, shapeName, undefined);
      if (doc !== undefined) {
        body = XML_DECLARATION + doc;
        headers['content-type'] ??= XML_TYPE;
      }
    }
    return stream ? { status, headers, body: '', stream } : { status, headers, body };
  },

  serializeError(model, error, requestId): HttpResponse {
    const info = errorInfo(model, error);
    const headers: Record<string, string> = { ...error.headers, ...requestIdHeaders(model, requestId), 'content-type': XML_TYPE };
    const members = info.shape?.members ?? {};
    if (info.shape) writeBoundMembers(model, info.shape, error.fields, headers);
    const fields: string[] = [];
    for (const [key, value] of Object.entries(error.fields)) {
      if (value === undefined || value === null || key === info.messageMember) continue;
      const ref = members[key];
      if (ref?.location) continue;
      if (ref) writeXmlValue(model, ref, value, ref.locationName ?? key, fields);
      else if (typeof value !== 'object') fields.push(`<${safeElementName(key)}>${escapeXml(String(value))}</${safeElementName(key)}>`);
    }
    // 304 Not Modified carries no body (HTTP), only its headers.
    if (info.status === 304) {
      delete headers['content-type'];
      return { status: 304, headers, body: '' };
    }
    const head = `<Code>${escapeXml(info.code)}</Code><Message>${escapeXml(error.message)}</Message>${fields.join('')}`;
    const body = isS3(model)
      ? `${XML_DECLARATION}<Error>${head}<RequestId>${escapeXml(requestId)}</RequestId><HostId>${s3HostId(requestId)}</HostId></Error>`
      : `<ErrorResponse><Error><Type>${info.sender ? 'Sender' : 'Receiver'}</Type>${head}</Error><RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`;
    return { status: info.status, headers, body };
  },
};
