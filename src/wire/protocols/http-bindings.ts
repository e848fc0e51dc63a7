/**
 * REST bindings shared by rest-json (Omics) and rest-xml (S3): routing a request to an operation
 * by method + requestUri template, and moving members between Params and the URI labels,
 * query string, headers and status code. Bodies and payloads belong to each protocol.
 */
import { AwsError } from '../../core/aws-error.ts';
import type { HttpRequest, OperationModel, ServiceModel, Shape, ShapeRef } from '../types.ts';
import {
  decodeBase64, encodeBase64, formatFloat, formatTimestampText, parseScalarText,
  parseQueryPairs, percentDecode, quoteHeaderItem, setOwn, splitHeaderList, splitHttpDateList, toDate,
  toNumber, type TimestampFormat,
} from './codecs.ts';

type Segment = { literal: string } | { label: string; greedy: boolean };

interface Route {
  op: OperationModel;
  segments: Segment[];
  greedyAt: number;
  /** Literal query parts of the requestUri: name and required value (undefined: any value). */
  query: Array<[string, string | undefined]>;
  literals: number;
  /** Required input members bound to the query string or headers: they tell apart operations
   * sharing a template (S3's PutObject / CopyObject / UploadPart). */
  required: Array<{ location: 'querystring' | 'header'; name: string }>;
}

export interface RouteMatch {
  operation: OperationModel;
  labels: Record<string, string>;
  query: Array<[string, string]>;
}

export type BindingErrorFactory = (message: string) => AwsError;

export const defaultBindingError: BindingErrorFactory = (message) =>
  new AwsError('SerializationException', message, { status: 400 });

const routeTables = new WeakMap<ServiceModel, Map<string, Route[]>>();

function compileRoute(model: ServiceModel, op: OperationModel): Route {
  const uri = op.http.requestUri;
  const q = uri.indexOf('?');
  const pathPart = q < 0 ? uri : uri.slice(0, q);
  const segments: Segment[] = [];
  let greedyAt = -1;
  let literals = 0;
  const trimmed = trimSlashes(pathPart);
  for (const raw of trimmed === '' ? [] : trimmed.split('/')) {
    const m = /^\{([^}]+?)(\+)?\}$/.exec(raw);
    if (m) {
      if (m[2]) greedyAt = segments.length;
      segments.push({ label: m[1]!, greedy: Boolean(m[2]) });
    } else {
      literals++;
      segments.push({ literal: raw });
    }
  }
  const query: Array<[string, string | undefined]> = [];
  if (q >= 0) {
    for (const part of uri.slice(q + 1).split('&')) {
      if (!part) continue;
      const eq = part.indexOf('=');
      query.push(eq < 0 ? [part, undefined] : [part.slice(0, eq), part.slice(eq + 1)]);
    }
  }
  const required: Route['required'] = [];
  const input = op.input ? model.shapes[op.input.shape] : undefined;
  for (const name of input?.required ?? []) {
    const ref = input!.members?.[name];
    if (ref?.location === 'querystring' || ref?.location === 'header') {
      required.push({ location: ref.location, name: (ref.locationName ?? name).toLowerCase() });
    }
  }
  return { op, segments, greedyAt, query, literals, required };
}

function sameTemplateRank(a: Route, b: Route): boolean {
  return a.literals === b.literals && a.greedyAt < 0 === b.greedyAt < 0 && a.query.length === b.query.length
    && a.segments.length === b.segments.length;
}

/** Among routes matching the same template: all required query/header members present first,
 * then the most of them, then not deprecated. */
function score(route: Route, req: HttpRequest, query: Array<[string, string]>): number {
  const present = route.required.every((r) => (r.location === 'header'
    ? req.headers[r.name] !== undefined
    : query.some(([k]) => k.toLowerCase() === r.name)));
  return (present ? 1000 + route.required.length * 10 : 0) + (route.op.deprecated ? 0 : 1);
}

function trimSlashes(path: string): string {
  let s = path.startsWith('/') ? path.slice(1) : path;
  if (s.endsWith('/')) s = s.slice(0, -1);
  return s;
}

function routesFor(model: ServiceModel): Map<string, Route[]> {
  let table = routeTables.get(model);
  if (!table) {
    table = new Map();
    for (const op of Object.values(model.operations)) {
      const method = op.http.method.toUpperCase();
      const list = table.get(method) ?? [];
      list.push(compileRoute(model, op));
      table.set(method, list);
    }
    // Most specific first: more literal segments, no greedy label, more literal query parts.
    for (const list of table.values()) {
      list.sort((a, b) => b.literals - a.literals || (a.greedyAt < 0 ? 0 : 1) - (b.greedyAt < 0 ? 0 : 1)
        || b.query.length - a.query.length || b.segments.length - a.segments.length);
    }
    routeTables.set(model, table);
  }
  return table;
}

function matchSegments(route: Route, raw: string[]): Record<string, string> | undefined {
  const segs = route.segments;
  const labels: Record<string, string> = {};
  if (route.greedyAt < 0) {
    if (raw.length !== segs.length) return undefined;
  } else if (raw.length < segs.length) {
    return undefined;
  }
  const tail = route.greedyAt < 0 ? 0 : segs.length - route.greedyAt - 1;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    if (i === route.greedyAt) {
      const joined = raw.slice(i, raw.length - tail).join('/');
      const value = percentDecode(joined);
      if (!value) return undefined;
      labels[(seg as { label: string }).label] = value;
      continue;
    }
    const idx = route.greedyAt >= 0 && i > route.greedyAt ? raw.length - (segs.length - i) : i;
    const value = percentDecode(raw[idx]!);
    if (value === undefined) return undefined;
    if ('literal' in seg) {
      if (value !== seg.literal) return undefined;
    } else {
      if (value === '') return undefined;
      labels[seg.label] = value;
    }
  }
  return labels;
}

/** Finds the operation for a REST request; undefined when no template matches. */
export function matchRoute(model: ServiceModel, req: HttpRequest, onError = defaultBindingError): RouteMatch | undefined {
  const routes = routesFor(model).get(req.method.toUpperCase());
  if (!routes) return undefined;
  const query = parseQueryPairs(req.query);
  if (!query) throw onError('Malformed query string');
  const trimmed = trimSlashes(req.path);
  const raw = trimmed === '' ? [] : trimmed.split('/');
  const rawKeepTrailing = req.path.length > 1 && req.path.endsWith('/') ? [...raw, ''] : raw;
  let best: { route: Route; labels: Record<string, string>; score: number } | undefined;
  for (const route of routes) {
    if (best && !sameTemplateRank(best.route, route)) break;
    const labels = matchSegments(route, route.greedyAt >= 0 ? rawKeepTrailing : raw);
    if (!labels) continue;
    if (!route.query.every(([k, v]) => query.some(([qk, qv]) => qk === k && (v === undefined || qv === v)))) continue;
    const s = score(route, req, query);
    if (!best || s > best.score) best = { route, labels, score: s };
  }
  return best && { operation: best.route.op, labels: best.labels, query };
}

/** Converts one text value (label, query parameter, header) to the member's type. */
export function fromText(model: ServiceModel, ref: ShapeRef, text: string, tsDefault: TimestampFormat, where: string,
  onError: BindingErrorFactory): unknown {
  const shape = model.shapes[ref.shape]!;
  const v = shape.type === 'string' && ref.jsonvalue
    ? decodeBase64(text)?.toString('utf8')
    : parseScalarText(shape.type, text, ref.timestampFormat ?? shape.timestampFormat ?? tsDefault);
  if (v === undefined) {
    const shown = shape.sensitive ? '***' : text.slice(0, 100);
    throw onError(`Value '${shown}' for ${where} can not be converted to ${shape.type}`);
  }
  return v;
}

function listFromTexts(model: ServiceModel, ref: ShapeRef, texts: string[], tsDefault: TimestampFormat, where: string,
  onError: BindingErrorFactory): unknown[] {
  return texts.map((t) => fromText(model, ref, t, tsDefault, where, onError));
}

/** Reads the members bound to labels, query string and headers into `out` (bodies are the
 * protocol's business). */
export function readBoundMembers(model: ServiceModel, shape: Shape, req: HttpRequest, match: RouteMatch,
  out: Record<string, unknown>, onError = defaultBindingError): void {
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const target = model.shapes[ref.shape]!;
    const wire = ref.locationName ?? name;
    switch (ref.location) {
      case 'uri': {
        const text = match.labels[wire];
        if (text !== undefined) out[name] = fromText(model, ref, text, 'iso8601', `label ${wire}`, onError);
        break;
      }
      case 'querystring': {
        if (target.type === 'map') {
          out[name] = queryMap(model, target, match.query, onError);
          if (Object.keys(out[name] as object).length === 0) delete out[name];
          break;
        }
        const values = match.query.filter(([k]) => k === wire).map(([, v]) => v);
        if (values.length === 0) break;
        out[name] = target.type === 'list'
          ? listFromTexts(model, target.member!, values, 'iso8601', `query parameter ${wire}`, onError)
          : fromText(model, ref, values[0]!, 'iso8601', `query parameter ${wire}`, onError);
        break;
      }
      case 'header': {
        const text = req.headers[wire.toLowerCase()];
        if (text === undefined) break;
        if (target.type === 'list') {
          const member = target.member!;
          const memberShape = model.shapes[member.shape]!;
          const httpDate = memberShape.type === 'timestamp'
            && (member.timestampFormat ?? memberShape.timestampFormat ?? 'rfc822') === 'rfc822';
          const items = text.trim() === '' ? [] : httpDate ? splitHttpDateList(text) : splitHeaderList(text);
          out[name] = listFromTexts(model, member, items, 'rfc822', `header ${wire}`, onError);
        } else {
          out[name] = fromText(model, ref, text, 'rfc822', `header ${wire}`, onError);
        }
        break;
      }
      case 'headers': {
        const prefix = wire.toLowerCase();
        const map: Record<string, unknown> = {};
        for (const [h, v] of Object.entries(req.headers)) {
          if (h.startsWith(prefix)) setOwn(map, h.slice(prefix.length), fromText(model, target.value!, v, 'rfc822', `header ${h}`, onError));
        }
        if (Object.keys(map).length) out[name] = map;
        break;
      }
      default:
        break;
    }
  }
}

/** httpQueryParams: every query parameter, as the map's value type (string or list of strings). */
function queryMap(model: ServiceModel, shape: Shape, pairs: Array<[string, string]>, onError: BindingErrorFactory) {
  const valueShape = model.shapes[shape.value!.shape]!;
  const out: Record<string, unknown> = {};
  for (const [k, v] of pairs) {
    if (valueShape.type === 'list') {
      const list = Object.hasOwn(out, k) ? out[k] as unknown[] : [];
      list.push(fromText(model, valueShape.member!, v, 'iso8601', `query parameter ${k}`, onError));
      setOwn(out, k, list);
    } else if (!Object.hasOwn(out, k)) {
      setOwn(out, k, fromText(model, shape.value!, v, 'iso8601', `query parameter ${k}`, onError));
    }
  }
  return out;
}

/** Header values must be latin-1 without CR/LF: control characters become spaces and other
 * characters travel as their UTF-8 bytes (what a client decoding UTF-8 expects). */
export function safeHeaderValue(text: string): string {
  // eslint-disable-next-line no-control-regex
  let s = /[\x00-\x08\x0a-\x1f\x7f]/.test(text) ? text.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, ' ') : text;
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\xff]/.test(s)) s = Buffer.from(s, 'utf8').toString('latin1');
  return s;
}

function toText(model: ServiceModel, ref: ShapeRef, value: unknown, tsDefault: TimestampFormat): string | undefined {
  const shape = model.shapes[ref.shape]!;
  switch (shape.type) {
    case 'timestamp': {
      const d = toDate(value);
      return d ? formatTimestampText(d, ref.timestampFormat ?? shape.timestampFormat ?? tsDefault) : undefined;
    }
    case 'blob':
      return encodeBase64(value);
    case 'float': case 'double': case 'bigdecimal': {
      const n = toNumber(value);
      return n === undefined ? undefined : String(formatFloat(n));
    }
    case 'string':
      if (ref.jsonvalue) return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64');
      return String(value);
    default:
      return String(value);
  }
}

/**
 * Writes header-, headers- and statusCode-bound members of an output (or error) structure.
 * Returns the status code a statusCode member asks for, if any.
 */
export function writeBoundMembers(model: ServiceModel, shape: Shape, value: Record<string, unknown>,
  headers: Record<string, string>): number | undefined {
  let status: number | undefined;
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const v = value[name];
    if (v === undefined || v === null || !ref.location) continue;
    const target = model.shapes[ref.shape]!;
    const wire = ref.locationName ?? name;
    if (ref.location === 'statusCode') {
      const n = toNumber(v);
      if (n !== undefined && Number.isInteger(n)) status = n;
    } else if (ref.location === 'header') {
      let text: string | undefined;
      if (target.type === 'list' && Array.isArray(v)) {
        const member = target.member!;
        const isString = model.shapes[member.shape]!.type === 'string';
        text = v.map((item) => {
          const t = toText(model, member, item, 'rfc822') ?? '';
          return isString ? quoteHeaderItem(t) : t;
        }).join(', ');
      } else {
        text = toText(model, ref, v, 'rfc822');
      }
      if (text !== undefined) headers[wire.toLowerCase()] = safeHeaderValue(text);
    } else if (ref.location === 'headers' && typeof v === 'object') {
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
        const text = item === undefined || item === null ? undefined : toText(model, target.value!, item, 'rfc822');
        if (text !== undefined) headers[`${wire}${k}`.toLowerCase()] = safeHeaderValue(text);
      }
    }
  }
  return status;
}

/** A blob member the model streams (S3 object bodies, Omics read-set parts). */
export function isStreamingBlob(model: ServiceModel, ref: ShapeRef): boolean {
  const target = model.shapes[ref.shape]!;
  return target.type === 'blob' && (ref.streaming === true || target.streaming === true);
}

/** The payload member of an operation's input when it is a streamed blob. */
export function streamingPayload(model: ServiceModel, op: OperationModel): string | undefined {
  if (!op.input) return undefined;
  const shape = model.shapes[op.input.shape]!;
  if (!shape.payload) return undefined;
  return isStreamingBlob(model, shape.members![shape.payload]!) ? shape.payload : undefined;
}
