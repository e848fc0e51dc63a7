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

/** A structure's members as the converter walks them: name, logged name, shape. */
type MemberList = [member: string, logged: string, ref: ShapeRef][];

/** Member lists per structure shape, built once per model (Object.entries and lowerCamel on every
 * call were a fifth of an audited call's record cost). */
const memberLists = new WeakMap<ServiceModel, Map<string, MemberList>>();

function membersOf(model: ServiceModel, shapeName: string, members: Record<string, ShapeRef>): MemberList {
  let perModel = memberLists.get(model);
  if (!perModel) memberLists.set(model, (perModel = new Map()));
  let list = perModel.get(shapeName);
  if (!list) {
    list = Object.entries(members).map(([member, ref]) => [member, lowerCamel(member), ref]);
    perModel.set(shapeName, list);
  }
  return list;
}

/**
 * The walk's output size bound: JSON text of a string is at most 6 bytes per UTF-16 unit
 * (\u escapes) plus quotes; everything else is counted generously per value. Only when the
 * bound passes the limit is the output serialized to measure it exactly.
 */
interface SizeBound {
  bytes: number;
}

function convert(model: ServiceModel, ref: ShapeRef, value: unknown, size: SizeBound): unknown {
  const shape = model.shapes[ref.shape];
  if (!shape || value === undefined || value === null) return undefined;
  if (shape.sensitive) return undefined;
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object') return undefined;
      const out: Record<string, unknown> = {};
      for (const [member, logged, memberRef] of membersOf(model, ref.shape, shape.members ?? {})) {
        const v = convert(model, memberRef, (value as Record<string, unknown>)[member], size);
        if (v !== undefined) {
          out[logged] = v;
          size.bytes += logged.length + 4;
        }
      }
      size.bytes += 2;
      return out;
    }
    case 'list':
      if (!Array.isArray(value)) return undefined;
      size.bytes += 2 + value.length * 5;
      return value.map((v) => convert(model, shape.member!, v, size) ?? null);
    case 'map': {
      if (typeof value !== 'object') return undefined;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        out[k] = convert(model, shape.value!, v, size) ?? null;
        size.bytes += 6 * k.length + 8;
      }
      size.bytes += 2;
      return out;
    }
    case 'timestamp': {
      const logged = value instanceof Date ? javaDate(value) : value;
      size.bytes += typeof logged === 'string' ? 6 * logged.length + 2 : 32;
      return logged;
    }
    case 'blob':
      return undefined;
    default:
      // Anything but a string or a scalar (never in these models' scalar shapes) is measured exactly.
      size.bytes += typeof value === 'string' ? 6 * value.length + 2 : typeof value === 'object' ? Infinity : 32;
      return value;
  }
}

/** The structure as CloudTrail logs it, or null when nothing is left to log. */
export function toEventParameters(model: ServiceModel, ref: ShapeRef | undefined, value: unknown): Record<string, unknown> | null {
  if (!ref || value === undefined || value === null) return null;
  const size: SizeBound = { bytes: 0 };
  const out = convert(model, ref, value, size) as Record<string, unknown> | undefined;
  if (!out || Object.keys(out).length === 0) return null;
  if (size.bytes > PARAMETERS_LIMIT_BYTES && JSON.stringify(out).length > PARAMETERS_LIMIT_BYTES) return { omitted: true };
  return out;
}
