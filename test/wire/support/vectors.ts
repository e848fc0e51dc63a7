/**
 * Loading botocore's protocol test vectors (../shared/protocol-tests/botocore beside the repo)
 * and converting between their conventions (timestamps as epoch seconds, blobs as raw strings,
 * NaN/Infinity as strings) and ours (Date, Buffer, numbers).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { HttpRequest, OperationModel, ServiceModel, ShapeRef } from '../../../src/wire/types.ts';

export const VECTORS_DIR = new URL('../../../../shared/protocol-tests/botocore/', import.meta.url);

export function vectorsAvailable(): boolean {
  return existsSync(fileURLToPath(new URL('input/json.json', VECTORS_DIR)));
}

export interface VectorCase {
  id: string;
  description?: string;
  given: OperationModel;
  params?: Record<string, unknown>;
  serialized?: { method: string; uri: string; headers?: Record<string, string>; body?: string; host?: string };
  result?: Record<string, unknown> | null;
  response?: { status_code: number; headers?: Record<string, string>; body?: string };
  error?: Record<string, unknown>;
  errorCode?: string;
  errorMessage?: string;
}

export interface VectorSuite {
  description: string;
  metadata: ServiceModel['metadata'];
  shapes: ServiceModel['shapes'];
  cases: VectorCase[];
}

export function loadSuites(direction: 'input' | 'output', file: string): VectorSuite[] {
  return JSON.parse(readFileSync(new URL(`${direction}/${file}`, VECTORS_DIR), 'utf8')) as VectorSuite[];
}

export interface IgnoreList {
  general: { input?: { suites?: string[] }; output?: { suites?: string[] } };
  protocols: Record<string, { input?: { cases?: string[] }; output?: { cases?: string[] } }>;
}

export function loadIgnoreList(): IgnoreList {
  return JSON.parse(readFileSync(new URL('protocol-tests-ignore-list.json', VECTORS_DIR), 'utf8')) as IgnoreList;
}

/** A one-operation service model for a case. */
export function modelFor(suite: VectorSuite, c: VectorCase): ServiceModel {
  return {
    metadata: { ...suite.metadata, serviceId: suite.metadata.serviceId ?? 'Vectors', endpointPrefix: suite.metadata.endpointPrefix ?? 'vectors' },
    operations: { [c.given.name]: c.given },
    shapes: suite.shapes,
  };
}

export function requestFor(c: VectorCase): HttpRequest {
  const s = c.serialized!;
  const q = s.uri.indexOf('?');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.headers ?? {})) headers[k.toLowerCase()] = v;
  return {
    method: s.method,
    path: q < 0 ? s.uri : s.uri.slice(0, q),
    query: q < 0 ? '' : s.uri.slice(q + 1),
    headers,
    body: Buffer.from(s.body ?? '', 'utf8'),
  };
}

/** Our values in the vectors' conventions: Date -> epoch seconds, Buffer -> string, NaN -> 'NaN'. */
export function normalize(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (value === Infinity) return 'Infinity';
    if (value === -Infinity) return '-Infinity';
    return value;
  }
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = normalize(v);
    return out;
  }
  return value;
}

/** The vectors' expectations without null members (null means "not set"). */
export function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = dropNulls(v);
    return out;
  }
  return value;
}

/** A vector value in our conventions, driven by the shape (the inverse of normalize). */
export function toParams(model: ServiceModel, ref: ShapeRef, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  const shape = model.shapes[ref.shape]!;
  if (shape.document) return value;
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const member = shape.members?.[k];
        const p = member ? toParams(model, member, v) : v;
        if (p !== undefined) out[k] = p;
      }
      return out;
    }
    case 'list':
      return (value as unknown[]).map((v) => toParams(model, shape.member!, v));
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = toParams(model, shape.value!, v);
      return out;
    }
    case 'timestamp':
      return new Date(Math.round((value as number) * 1000));
    case 'blob':
      return Buffer.from(value as string, 'utf8');
    case 'float': case 'double':
      return typeof value === 'string' ? Number(value) : value;
    default:
      return value;
  }
}
