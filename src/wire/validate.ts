/**
 * Input validation against the model's constraints (required, length, range, pattern, enum,
 * union), worded the way AWS's Coral framework words it, so ValidationException messages match:
 *
 *   1 validation error detected: Value 'x y' at 'datastoreName' failed to satisfy constraint:
 *   Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]*
 *
 * Paths are lowerCamelCase member names joined with '.', list items as 'tags.1.member.key'.
 * Values of sensitive shapes are shown as '***'.
 */
import type { OperationModel, ServiceModel, Shape, ShapeRef } from './types.ts';

export interface Violation {
  path: string;
  message: string;
}

type Patterns = Map<string, RegExp | null>;
const patterns: Patterns = new Map();

/** Java regex (whole-value match) as a JS RegExp with the `u` flag; null if JS cannot compile it. */
export function compilePattern(pattern: string): RegExp | null {
  const hit = patterns.get(pattern);
  if (hit !== undefined) return hit;
  let source = pattern;
  let flags = 'u';
  // Leading inline flags, e.g. (?s).* — JS takes them as RegExp flags instead.
  const inline = /^\(\?([imsx]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    for (const f of inline[1]!) if (f !== 'x' && !flags.includes(f)) flags += f;
  }
  // Java tolerates escaping any punctuation (\:); `u` mode only allows syntax characters.
  source = source.replace(/\\(.)/gsu, (all, c: string) => (/[A-Za-z0-9^$\\.*+?()[\]{}|/-]/.test(c) ? all : c));
  let re: RegExp | null;
  try {
    re = new RegExp(`^(?:${source})$`, flags);
  } catch {
    re = null;
  }
  patterns.set(pattern, re);
  return re;
}

function lowerCamel(name: string): string {
  return name.length === 0 ? name : name[0]!.toLowerCase() + name.slice(1);
}

function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Java's toString() of the value, as Coral echoes it. */
function show(value: unknown): string {
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    return `java.nio.HeapByteBuffer[pos=0 lim=${value.byteLength} cap=${value.byteLength}]`;
  }
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${k}=${show(v)}`).join(', ')}}`;
  }
  return String(value);
}

/** A value echoed in a message is cut short: a list of 20,000 tags is echoed whole otherwise. */
const MAX_SHOWN = 1000;
const shorten = (text: string) => (text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}...` : text);

class Checker {
  readonly out: Violation[] = [];

  constructor(private readonly model: ServiceModel) {}

  private fail(path: string, value: unknown, sensitive: boolean, constraint: string): void {
    const shown = value === null ? 'null' : `'${sensitive ? '***' : shorten(show(value))}'`;
    this.out.push({ path, message: `Value ${shown} at '${path}' failed to satisfy constraint: ${constraint}` });
  }

  structure(shape: Shape, value: Record<string, unknown>, path: string, sensitive: boolean): void {
    const members = shape.members ?? {};
    const required = shape.required;
    let set = 0;
    for (const name in members) {
      const v = value[name];
      const memberPath = path ? `${path}.${lowerCamel(name)}` : lowerCamel(name);
      if (v === undefined || v === null) {
        if (required?.includes(name)) this.fail(memberPath, null, false, 'Member must not be null');
        continue;
      }
      set++;
      this.value(members[name]!, v, memberPath, sensitive);
    }
    if (shape.union && set !== 1) {
      this.fail(path, value, sensitive, `Member must have exactly one member set, but ${set} ${set === 1 ? 'was' : 'were'} set`);
    }
  }

  value(ref: ShapeRef, value: unknown, path: string, parentSensitive: boolean): void {
    const shape = this.model.shapes[ref.shape];
    if (!shape) return;
    const sensitive = parentSensitive || shape.sensitive === true;
    switch (shape.type) {
      case 'structure':
        if (value !== null && typeof value === 'object' && !shape.document) {
          this.structure(shape, value as Record<string, unknown>, path, sensitive);
        }
        return;
      case 'string':
        if (typeof value === 'string') this.string(shape, value, path, sensitive);
        return;
      case 'list':
        if (!Array.isArray(value)) return;
        this.length(shape, value.length, value, path, sensitive);
        for (let i = 0; i < value.length; i++) {
          if (value[i] !== undefined && value[i] !== null) this.value(shape.member!, value[i], `${path}.${i + 1}.member`, sensitive);
        }
        return;
      case 'map':
        if (value === null || typeof value !== 'object') return;
        this.map(shape, value as Record<string, unknown>, path, sensitive);
        return;
      case 'blob':
        if (Buffer.isBuffer(value) || value instanceof Uint8Array) this.length(shape, value.byteLength, value, path, sensitive);
        else if (typeof value === 'string') this.length(shape, Buffer.byteLength(value), value, path, sensitive);
        return;
      case 'integer': case 'long': case 'short': case 'byte': case 'float': case 'double':
      case 'bigdecimal': case 'biginteger':
        if (typeof value !== 'number' || Number.isNaN(value)) return;
        if (shape.min !== undefined && value < shape.min) {
          this.fail(path, value, sensitive, `Member must have value greater than or equal to ${shape.min}`);
        }
        if (shape.max !== undefined && value > shape.max) {
          this.fail(path, value, sensitive, `Member must have value less than or equal to ${shape.max}`);
        }
        return;
      default:
        return;
    }
  }

  private string(shape: Shape, value: string, path: string, sensitive: boolean): void {
    if (shape.min !== undefined || shape.max !== undefined) this.length(shape, codePointLength(value), value, path, sensitive);
    if (shape.pattern !== undefined) {
      const re = compilePattern(shape.pattern);
      if (re && !re.test(value)) {
        this.fail(path, value, sensitive, `Member must satisfy regular expression pattern: ${shape.pattern}`);
      }
    }
    if (shape.enum && !shape.enum.includes(value)) {
      this.fail(path, value, sensitive, `Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
    }
  }

  private length(shape: Shape, n: number, value: unknown, path: string, sensitive: boolean): void {
    if (shape.min !== undefined && n < shape.min) {
      this.fail(path, value, sensitive, `Member must have length greater than or equal to ${shape.min}`);
    }
    if (shape.max !== undefined && n > shape.max) {
      this.fail(path, value, sensitive, `Member must have length less than or equal to ${shape.max}`);
    }
  }

  private map(shape: Shape, value: Record<string, unknown>, path: string, sensitive: boolean): void {
    const keys = Object.keys(value);
    this.length(shape, keys.length, value, path, sensitive);
    for (const key of keys) {
      // Coral reports key and scalar value failures against the map, wrapped like this.
      const keyIssues = this.sub(shape.key!, key, path, sensitive);
      if (keyIssues.length) {
        this.fail(path, key, sensitive, `Map keys must satisfy constraint: [${keyIssues.join(', ')}]`);
      }
      const v = value[key];
      if (v === undefined || v === null) continue;
      const valueShape = this.model.shapes[shape.value!.shape];
      if (valueShape && (valueShape.type === 'structure' || valueShape.type === 'list' || valueShape.type === 'map')) {
        this.value(shape.value!, v, `${path}.${key}`, sensitive);
      } else {
        const valueIssues = this.sub(shape.value!, v, path, sensitive);
        if (valueIssues.length) this.fail(path, v, sensitive, `Map value must satisfy constraint: [${valueIssues.join(', ')}]`);
      }
    }
  }

  /** The bare constraint texts a scalar fails (for map keys and values). */
  private sub(ref: ShapeRef, value: unknown, path: string, sensitive: boolean): string[] {
    const nested = new Checker(this.model);
    nested.value(ref, value, path, sensitive);
    return nested.out.map((v) => v.message.slice(v.message.indexOf('failed to satisfy constraint: ') + 30));
  }
}

/** Every constraint the operation's input breaks; empty when it is valid. */
export function validateInput(model: ServiceModel, operation: OperationModel, input: Record<string, unknown>): Violation[] {
  if (!operation.input) return [];
  const shape = model.shapes[operation.input.shape];
  if (!shape) return [];
  const checker = new Checker(model);
  checker.structure(shape, input ?? {}, '', false);
  return checker.out;
}

/** Violations spelled out in one message: a request can break thousands (one per list item),
 * and the message is sent and recorded (errorMessage) whole. The count stays exact. */
const MAX_LISTED = 10;

/** "1 validation error detected: ...", "2 validation errors detected: ...; ..." */
export function formatValidationMessage(violations: Violation[]): string {
  const n = violations.length;
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${violations.slice(0, MAX_LISTED).map((v) => v.message).join('; ')}`;
}
