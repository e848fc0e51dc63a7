/**
 * Validation fast path: decides "the full validator would find no error" for the common
 * resource by walking only the keys the resource has, against @medplum/core's parsed schemas,
 * and gives up (undefined: run validateResource) on anything it does not fully understand.
 *
 * Written by hand because validateResource's crawler visits every schema element of every
 * object (getNestedProperty, choice-name building) and costs ~100 µs per Observation; this
 * walk checks the same rules over the keys present: known element, JSON type, array vs
 * single, cardinality, primitive formats (medplum's own regexes and number rules), required
 * elements, the invariants validateResource evaluates (validation-invariants.ts). It refuses,
 * rather than judging: unknown keys, primitive extensions (_x), null, empty strings, arrays or
 * objects, two keys of one choice element, whitespace-only strings, 'resourceType' inside a
 * non-resource, elements with slicing / pattern / fixed values, nested resources of unknown
 * type, and any rule that fails (so every invalid resource gets the full validator's message).
 * Pure: no I/O, safe in a worker thread.
 */
import {
  capitalize, fhirTypeToJsType, getDataType, toTypedValue, validationRegexes,
  type InternalSchemaElement, type InternalTypeSchema,
} from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { fhirDefinitions } from './definitions.ts';
import type { OutcomeIssue } from './errors.ts';
import { checkBinding, elementFor } from './validation-bindings.ts';
import { holds, invariantsOf, type Invariant, type Presence, type ResourceScope } from './validation-invariants.ts';

type JsType = 'string' | 'number' | 'boolean';

interface ElementPlan {
  el: InternalSchemaElement;
  choice: boolean;
  isArray: boolean;
  min: number;
  max: number;
  /** The JSON keys that carry the element: its name, or one per choice type. */
  keys: string[];
  invariants: Invariant[];
}

interface KeyPlan {
  element: ElementPlan;
  type: string;
  /** Primitive: the JSON type it must have. */
  js?: JsType;
  regex?: RegExp;
  /** Type Resource: a nested resource (contained, Bundle.entry.resource). */
  resource: boolean;
  /** A required binding the binding walk checks. */
  bound: boolean;
}

interface TypePlan {
  keys: Map<string, KeyPlan>;
  required: ElementPlan[];
  /** The type's own constraints; validateResource evaluates them at the validated resource only. */
  invariants: Invariant[];
  has: Presence;
}

const INTEGER_TYPES = new Set(['integer', 'positiveInt', 'unsignedInt']);
const MAX_STRING = 1024 * 1024;
const plans = new Map<string, TypePlan | null>();

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

/** Keys and rules for one type, or null when the fast path does not handle the type at all. */
function buildPlan(schema: InternalTypeSchema): TypePlan | null {
  const keys = new Map<string, KeyPlan>();
  const byName = new Map<string, ElementPlan>();
  const required: ElementPlan[] = [];
  for (const [name, el] of Object.entries(schema.elements)) {
    if (name.includes('.')) return null;
    const choice = name.endsWith('[x]');
    const supported = !el.slicing && !el.pattern && !el.fixed && el.type.length > 0 && (choice || el.type.length === 1)
      && lastSegment(el.path) === name;
    const ep: ElementPlan = {
      el, choice, isArray: !!el.isArray, min: el.min, max: el.max, keys: [], invariants: invariantsOf(el.constraints),
    };
    for (const t of el.type) {
      const key = choice ? name.replace('[x]', capitalize(t.code)) : name;
      ep.keys.push(key);
      // The binding walk must see the same element and type for the key, or the fast path would report differently.
      const found = elementFor(schema, key);
      if (!supported || found?.el !== el || found.type !== t.code) continue;
      const js = (fhirTypeToJsType as Record<string, JsType | undefined>)[t.code];
      if (!js && !/^[A-Z]/.test(t.code)) continue;
      keys.set(key, {
        element: ep, type: t.code, js, regex: js === 'string' ? validationRegexes[t.code] : undefined,
        resource: t.code === 'Resource', bound: el.binding?.strength === 'required' && !!el.binding.valueSet,
      });
    }
    byName.set(name, ep);
    if (el.min > 0) required.push(ep);
  }
  const has: Presence = (obj, name) => byName.get(name)?.keys.some((k) => obj[k] !== undefined) ?? false;
  return { keys, required, invariants: invariantsOf(schema.constraints), has };
}

function planFor(type: string): TypePlan | null {
  let plan = plans.get(type);
  if (plan === undefined) {
    let schema: InternalTypeSchema | undefined;
    try { schema = getDataType(type); } catch { schema = undefined; }
    plan = schema ? buildPlan(schema) : null;
    plans.set(type, plan);
  }
  return plan;
}

interface Walk {
  scope: ResourceScope;
  bindings: OutcomeIssue[];
  resourceTypes: Set<string>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One value of an element: its own rules, its invariants, its binding, then its children. */
function checkItem(kp: KeyPlan, item: unknown, path: string, w: Walk): boolean {
  if (item === null || item === undefined) return false;
  if (kp.bound) checkBinding(kp.element.el, kp.type, item, path, w.bindings);
  const invariants = kp.element.invariants;
  if (kp.js) {
    if (typeof item !== kp.js) return false;
    if (kp.js === 'string') {
      const s = item as string;
      if (s.length > MAX_STRING || s.trim() === '' || (kp.regex && !kp.regex.test(s))) return false;
    } else if (kp.js === 'number') {
      const n = item as number;
      if (!Number.isFinite(n)) return false;
      if (INTEGER_TYPES.has(kp.type) && !Number.isInteger(n)) return false;
      if (kp.type === 'positiveInt' && n <= 0) return false;
      if (kp.type === 'unsignedInt' && n < 0) return false;
    }
    for (const inv of invariants) if (!holds(inv, { type: kp.type, value: item }, alwaysAbsent, w.scope)) return false;
    return true;
  }
  if (!isObject(item)) return false;
  if (kp.resource) {
    const type = item.resourceType;
    if (typeof type !== 'string' || !w.resourceTypes.has(type)) return false;
    const plan = planFor(type);
    if (!plan) return false;
    w.scope.current.push(item);
    const ok = checkObject(item, plan, path, true, w);
    w.scope.current.pop();
    return ok && invariants.every((inv) => holds(inv, { type, value: item }, plan.has, w.scope));
  }
  const plan = planFor(kp.type);
  // Invariants after the children: the hand-written predicates hold only for a value the walk accepted.
  if (!plan || !checkObject(item, plan, path, false, w)) return false;
  return invariants.every((inv) => holds(inv, { type: kp.type, value: item }, plan.has, w.scope));
}

const alwaysAbsent: Presence = () => false;

function checkObject(obj: Record<string, unknown>, plan: TypePlan, path: string, isResource: boolean, w: Walk): boolean {
  let count = 0;
  for (const key of Object.keys(obj)) {
    count++;
    if (key === 'resourceType') {
      if (!isResource) return false;
      continue;
    }
    const kp = plan.keys.get(key);
    if (!kp) return false;
    const raw = obj[key];
    const ep = kp.element;
    if (ep.choice && ep.keys.some((k) => k !== key && obj[k] !== undefined)) return false;
    if (ep.isArray) {
      if (!Array.isArray(raw)) return false;
      const n = raw.length;
      if (n === 0 || n < ep.min || n > ep.max) return false;
      for (let i = 0; i < n; i++) if (!checkItem(kp, raw[i], `${path}.${key}[${i}]`, w)) return false;
    } else {
      if (Array.isArray(raw) || ep.min > 1 || ep.max < 1) return false;
      if (!checkItem(kp, raw, `${path}.${key}`, w)) return false;
    }
  }
  if (count === 0) return false;
  for (const ep of plan.required) if (!ep.keys.some((k) => obj[k] !== undefined)) return false;
  return true;
}

/**
 * The findings of validationIssues when the fast path can vouch the full validator finds no
 * error: the required-binding findings (possibly none). Undefined: run the full validator.
 */
export function fastValidationIssues(resource: Resource): OutcomeIssue[] | undefined {
  const defs = fhirDefinitions();
  const plan = planFor(resource.resourceType);
  if (!plan) return undefined;
  const root = resource as unknown as Record<string, unknown>;
  const w: Walk = { scope: { root: toTypedValue(resource), current: [root] }, bindings: [], resourceTypes: defs.resourceTypeSet };
  if (!checkObject(root, plan, resource.resourceType, true, w)) return undefined;
  return plan.invariants.every((inv) => holds(inv, w.scope.root, plan.has, w.scope)) ? w.bindings : undefined;
}
