/**
 * requestParameters / responseElements from the service model, the way CloudTrail writes them:
 * member names in lowerCamelCase, members the model marks sensitive left out, timestamps in the
 * Java form AWS services log ("Jan 2, 2024, 3:04:05 PM"), blobs left out (never payloads).
 */
import type { ServiceModel, ShapeRef } from '../wire/types.ts';

/** CloudTrail caps each of requestParameters and responseElements at 100 KB. */
export const PARAMETERS_LIMIT_BYTES = 100 * 1024;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function javaDate(d: Date): string {
  const h = d.getUTCHours();
  const hour12 = h % 12 === 0 ? 12 : h % 12;
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  const ss = String(d.getUTCSeconds()).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${hour12}:${mm}:${ss} ${h < 12 ? 'AM' : 'PM'}`;
}

export function lowerCamel(name: string): string {
  return name.length === 0 ? name : name[0]!.toLowerCase() + name.slice(1);
}

function convert(model: ServiceModel, ref: ShapeRef, value: unknown): unknown {
  const shape = model.shapes[ref.shape];
  if (!shape || value === undefined || value === null) return undefined;
  if (shape.sensitive) return undefined;
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object') return undefined;
      const out: Record<string, unknown> = {};
      for (const [member, memberRef] of Object.entries(shape.members ?? {})) {
        const v = convert(model, memberRef, (value as Record<string, unknown>)[member]);
        if (v !== undefined) out[lowerCamel(member)] = v;
      }
      return out;
    }
    case 'list':
      return Array.isArray(value) ? value.map((v) => convert(model, shape.member!, v) ?? null) : undefined;
    case 'map': {
      if (typeof value !== 'object') return undefined;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = convert(model, shape.value!, v) ?? null;
      return out;
    }
    case 'timestamp':
      return value instanceof Date ? javaDate(value) : value;
    case 'blob':
      return undefined;
    default:
      return value;
  }
}

/** The structure as CloudTrail logs it, or null when nothing is left to log. */
export function toEventParameters(model: ServiceModel, ref: ShapeRef | undefined, value: unknown): Record<string, unknown> | null {
  if (!ref || value === undefined || value === null) return null;
  const out = convert(model, ref, value) as Record<string, unknown> | undefined;
  if (!out || Object.keys(out).length === 0) return null;
  if (JSON.stringify(out).length > PARAMETERS_LIMIT_BYTES) return { omitted: true };
  return out;
}
