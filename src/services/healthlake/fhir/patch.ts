/**
 * PATCH bodies: JSON Patch (RFC 6902, applied with fast-json-patch) and FHIRPath Patch (a
 * Parameters resource; paths evaluated with @medplum/core's FHIRPath). Both work on a copy;
 * a malformed patch is 400, one that cannot be applied (failed test, missing target) is 422.
 */
import jsonpatch from 'fast-json-patch';
import { evalFhirPathTyped, getDataType, toTypedValue } from '@medplum/core';
import { badRequest, FhirError } from './errors.ts';
import { jsonBytes, PatchBudget, type PatchRequest } from './patch-budget.ts';

const unprocessable = (message: string) => new FhirError(422, message, { issueCode: 'processing' });

export function applyJsonPatch(resource: Record<string, unknown>, ops: unknown, request: PatchRequest): Record<string, unknown> {
  if (!Array.isArray(ops)) throw badRequest('A JSON Patch body must be an array of operations.');
  const error = jsonpatch.validate(ops as jsonpatch.Operation[]);
  if (error) throw badRequest(`Invalid JSON Patch: ${error.message.split('\n')[0]}`);
  let doc: unknown = structuredClone(resource);
  const budget = new PatchBudget(() => doc, request);
  try {
    (ops as jsonpatch.Operation[]).forEach((op, i) => {
      chargeJsonPatchOp(budget, doc, op, i);
      doc = jsonpatch.applyOperation(doc, op, validateAgainst, true, true, i).newDocument;
    });
  } catch (e) {
    if (e instanceof FhirError) throw e;
    const name = (e as { name?: string }).name ?? '';
    const message = (e as Error).message?.split('\n')[0] ?? 'patch failed';
    if (name === 'TEST_OPERATION_FAILED') throw unprocessable(`JSON Patch test operation failed: ${message}`);
    if (/^(OPERATION_PATH_UNRESOLVABLE|OPERATION_PATH_ILLEGAL_ARRAY_INDEX|OPERATION_FROM_UNRESOLVABLE|OPERATION_PATH_CANNOT_ADD|OPERATION_VALUE_OUT_OF_BOUNDS)$/.test(name)) {
      throw unprocessable(`JSON Patch cannot be applied: ${message}`);
    }
    throw badRequest(`Invalid JSON Patch: ${message}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw unprocessable('A JSON Patch must leave a resource (a JSON object).');
  return doc as Record<string, unknown>;
}

/** The value a JSON Pointer names, or `missing` (walking costs only the pointer's length). */
const missing = Symbol('missing');
function atPointer(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  let node = doc;
  for (const raw of pointer.slice(1).split('/')) {
    if (!node || typeof node !== 'object') return missing;
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!Object.hasOwn(node, key)) return missing;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** What an operation is about to add or copy, charged before it runs. */
function chargeJsonPatchOp(budget: PatchBudget, doc: unknown, op: jsonpatch.Operation, index: number): void {
  switch (op.op) {
    case 'add':
    case 'replace':
      budget.grow(jsonBytes(op.value));
      break;
    case 'copy': {
      const value = atPointer(doc, op.from);
      if (value === missing) throw new jsonpatch.JsonPatchError('Cannot perform the operation from a path that does not exist', 'OPERATION_FROM_UNRESOLVABLE', index, op, doc);
      budget.grow(jsonBytes(value));
      break;
    }
    case 'move': {
      // fast-json-patch clones whatever sits at the target first.
      const target = atPointer(doc, op.path);
      if (target !== missing) budget.charge(jsonBytes(target));
      break;
    }
    default:
      budget.charge(jsonBytes((op as { value?: unknown }).value));
  }
}

/**
 * fast-json-patch's own checks against the document, except that a move's or copy's `from` is
 * looked up directly: its validator clones the whole document for that, once per operation.
 */
function validateAgainst(op: jsonpatch.Operation, index: number, doc: unknown, existingPath: string): void {
  jsonpatch.validator(op, index);
  if (op.op === 'add') {
    const depth = op.path.split('/').length;
    const existing = existingPath.split('/').length;
    if (depth !== existing + 1 && depth !== existing) throw new jsonpatch.JsonPatchError('Cannot perform an `add` operation at the desired path', 'OPERATION_PATH_CANNOT_ADD', index, op, doc);
  } else if (op.op === 'replace' || op.op === 'remove' || op.op === '_get') {
    if (op.path !== existingPath) throw new jsonpatch.JsonPatchError('Cannot perform the operation at a path that does not exist', 'OPERATION_PATH_UNRESOLVABLE', index, op, doc);
  } else if ((op.op === 'move' || op.op === 'copy') && atPointer(doc, op.from) === missing) {
    throw new jsonpatch.JsonPatchError('Cannot perform the operation from a path that does not exist', 'OPERATION_FROM_UNRESOLVABLE', index, op, doc);
  }
}

interface Part {
  name?: string;
  part?: Part[];
  [value: string]: unknown;
}

function valueOf(part: Part): unknown {
  for (const [k, v] of Object.entries(part)) if (k.startsWith('value')) return v;
  if (part.part) {
    const out: Record<string, unknown> = {};
    for (const p of part.part) {
      if (!p.name) continue;
      const v = valueOf(p);
      if (out[p.name] === undefined) out[p.name] = v;
      else out[p.name] = [...(Array.isArray(out[p.name]) ? out[p.name] as unknown[] : [out[p.name]]), v];
    }
    return out;
  }
  return undefined;
}

interface Operation { type: string; path: string; name?: string; value?: unknown; index?: number; source?: number; destination?: number }

function readOperations(params: unknown): Operation[] {
  const p = params as { resourceType?: string; parameter?: Part[] };
  if (p?.resourceType !== 'Parameters' || !Array.isArray(p.parameter)) throw badRequest('A FHIRPath Patch body must be a Parameters resource.');
  return p.parameter.map((param, i) => {
    if (param.name !== 'operation' || !Array.isArray(param.part)) throw badRequest(`Parameters.parameter[${i}] must be an 'operation' with parts.`);
    const get = (n: string) => param.part!.find((x) => x.name === n);
    const op: Operation = {
      type: String(valueOf(get('type') ?? {}) ?? ''),
      path: String(valueOf(get('path') ?? {}) ?? ''),
    };
    if (get('name')) op.name = String(valueOf(get('name')!));
    if (get('value')) op.value = valueOf(get('value')!);
    for (const n of ['index', 'source', 'destination'] as const) if (get(n)) op[n] = Number(valueOf(get(n)!));
    if (!['add', 'insert', 'delete', 'replace', 'move'].includes(op.type)) throw badRequest(`Unknown FHIRPath Patch operation type '${op.type.slice(0, 32)}'.`);
    if (!op.path) throw badRequest(`FHIRPath Patch operation ${i} has no path.`);
    return op;
  });
}

function evaluate(resource: Record<string, unknown>, path: string) {
  try {
    return evalFhirPathTyped(path, [toTypedValue(resource)]);
  } catch (e) {
    throw badRequest(`Invalid FHIRPath '${path.slice(0, 200)}': ${(e as Error).message}`);
  }
}

/** Splits 'A.b.c[2]' into ['A.b', 'c', 2]; undefined when the last step is not a plain name. */
function lastStep(path: string): [string, string, number | undefined] | undefined {
  const m = /^(.*)\.([A-Za-z][A-Za-z0-9_]*)(?:\[(\d+)\])?$/.exec(path);
  if (!m || m[1]!.split('(').length !== m[1]!.split(')').length) return undefined;
  return [m[1]!, m[2]!, m[3] === undefined ? undefined : Number(m[3])];
}

function single(resource: Record<string, unknown>, path: string): Record<string, unknown> {
  const found = evaluate(resource, path);
  if (found.length !== 1 || !found[0]!.value || typeof found[0]!.value !== 'object') {
    throw unprocessable(`FHIRPath Patch path '${path.slice(0, 200)}' must select exactly one element (found ${found.length}).`);
  }
  return found[0]!.value as Record<string, unknown>;
}

/** Where an element lives: its container and the key or index in it. */
type Slot = { container: Record<string, unknown> | unknown[]; key: string | number };

function findByIdentity(root: unknown, target: unknown): Slot | undefined {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!node || typeof node !== 'object') continue;
    for (const [k, v] of Object.entries(node)) {
      if (v === target) return { container: node as Record<string, unknown>, key: Array.isArray(node) ? Number(k) : k };
      if (v && typeof v === 'object') stack.push(v);
    }
  }
  return undefined;
}

function locate(resource: Record<string, unknown>, path: string, allowNone: boolean): Slot | undefined {
  const step = lastStep(path);
  if (step) {
    const [parentPath, name, index] = step;
    const parents = evaluate(resource, parentPath);
    if (parents.length !== 1 || typeof parents[0]!.value !== 'object') {
      if (allowNone && parents.length === 0) return undefined;
      throw unprocessable(`FHIRPath Patch path '${path.slice(0, 200)}' must select exactly one element.`);
    }
    const parent = parents[0]!.value as Record<string, unknown>;
    const current = parent[name];
    if (index !== undefined) {
      if (!Array.isArray(current) || index >= current.length) {
        if (allowNone) return undefined;
        throw unprocessable(`FHIRPath Patch path '${path.slice(0, 200)}' selects nothing.`);
      }
      return { container: current, key: index };
    }
    if (Array.isArray(current)) {
      if (current.length !== 1) {
        if (allowNone && current.length === 0) return undefined;
        throw unprocessable(`FHIRPath Patch path '${path.slice(0, 200)}' must select exactly one element (found ${current.length}).`);
      }
      return { container: current, key: 0 };
    }
    if (current === undefined) {
      if (allowNone) return undefined;
      throw unprocessable(`FHIRPath Patch path '${path.slice(0, 200)}' selects nothing.`);
    }
    return { container: parent, key: name };
  }
  const found = evaluate(resource, path);
  if (found.length === 0 && allowNone) return undefined;
  if (found.length !== 1) throw unprocessable(`FHIRPath Patch path '${path.slice(0, 200)}' must select exactly one element (found ${found.length}).`);
  const slot = findByIdentity(resource, found[0]!.value);
  if (!slot) throw unprocessable(`FHIRPath Patch path '${path.slice(0, 200)}' does not select an element that can be changed.`);
  return slot;
}

function removeAt(slot: Slot): void {
  if (Array.isArray(slot.container)) {
    slot.container.splice(slot.key as number, 1);
  } else delete slot.container[slot.key as string];
}

function isArrayElement(resource: Record<string, unknown>, path: string, name: string): boolean {
  try {
    const typed = evaluate(resource, path)[0];
    const schema = typed && getDataType(typed.type);
    const el = schema?.elements[name] ?? Object.entries(schema?.elements ?? {}).find(([k]) => k.endsWith('[x]') && name.startsWith(k.slice(0, -3)))?.[1];
    return Boolean(el && (el.isArray || el.max > 1));
  } catch {
    return false;
  }
}

function listAt(resource: Record<string, unknown>, path: string): unknown[] {
  const step = lastStep(path);
  if (!step || step[2] !== undefined) throw badRequest(`FHIRPath Patch path '${path.slice(0, 200)}' must name a list.`);
  const parent = single(resource, step[0]);
  const list = parent[step[1]];
  if (list === undefined) return (parent[step[1]] = []) as unknown[];
  if (!Array.isArray(list)) throw unprocessable(`'${path.slice(0, 200)}' is not a list.`);
  return list;
}

export function applyFhirPathPatch(resource: Record<string, unknown>, params: unknown, request: PatchRequest): Record<string, unknown> {
  const doc = structuredClone(resource);
  const budget = new PatchBudget(() => doc, request);
  for (const op of readOperations(params)) {
    // Each operation evaluates its path over the whole document, then may add its value.
    budget.charge(budget.documentBytes);
    if (op.value !== undefined) budget.grow(jsonBytes(op.value));
    switch (op.type) {
      case 'add': {
        if (!op.name || op.value === undefined) throw badRequest('FHIRPath Patch add needs name and value.');
        const parent = single(doc, op.path);
        if (Array.isArray(parent[op.name]) || (parent[op.name] === undefined && isArrayElement(doc, op.path, op.name))) {
          parent[op.name] = [...((parent[op.name] as unknown[] | undefined) ?? []), op.value];
        } else if (parent[op.name] !== undefined) {
          throw unprocessable(`FHIRPath Patch add: ${op.path}.${op.name} already has a value.`);
        } else parent[op.name] = op.value;
        break;
      }
      case 'insert': {
        if (op.value === undefined || op.index === undefined || !Number.isInteger(op.index)) throw badRequest('FHIRPath Patch insert needs value and index.');
        const list = listAt(doc, op.path);
        if (op.index < 0 || op.index > list.length) throw unprocessable(`FHIRPath Patch insert index ${op.index} is out of range.`);
        list.splice(op.index, 0, op.value);
        break;
      }
      case 'delete': {
        const slot = locate(doc, op.path, true);
        if (slot) removeAt(slot);
        break;
      }
      case 'replace': {
        if (op.value === undefined) throw badRequest('FHIRPath Patch replace needs a value.');
        const slot = locate(doc, op.path, false)!;
        (slot.container as Record<string | number, unknown>)[slot.key] = op.value;
        break;
      }
      case 'move': {
        const list = listAt(doc, op.path);
        const { source, destination } = op;
        if (source === undefined || destination === undefined || !Number.isInteger(source) || !Number.isInteger(destination)
          || source < 0 || source >= list.length || destination < 0 || destination >= list.length) {
          throw unprocessable('FHIRPath Patch move: source and destination must be positions in the list.');
        }
        const [item] = list.splice(source, 1);
        list.splice(destination, 0, item);
        break;
      }
    }
  }
  // Empty arrays and objects are not valid FHIR; drop the ones deletes leave behind.
  return prune(doc) as Record<string, unknown>;
}

function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune).filter((v) => v !== undefined);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const p = prune(v);
      if (p === undefined || (Array.isArray(p) && p.length === 0) || (p && typeof p === 'object' && !Array.isArray(p) && Object.keys(p).length === 0)) continue;
      out[k] = p;
    }
    return out;
  }
  return value;
}
