/**
 * Inputs for the FHIR fast-path parity tests: the Synthea bundles' resources (read in place
 * from ../shared/testdata/fhir/synthea) and systematically mutated copies of them — wrong JSON
 * types, unknown keys, bad formats, missing elements, too many values, empty and null values,
 * two choices of one value[x], primitive extensions, and invariant violations.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SYNTHEA_DIR = join(import.meta.dirname, '..', '..', '..', 'shared', 'testdata', 'fhir', 'synthea');
export const syntheaPresent = existsSync(SYNTHEA_DIR) && readdirSync(SYNTHEA_DIR).some((f) => f.endsWith('.json'));
export const syntheaSkip = syntheaPresent ? false : `Synthea bundles not found at ${SYNTHEA_DIR} (../shared/testdata absent): skipped`;

type Json = unknown;
type Obj = Record<string, Json>;
export type Resource = Obj & { resourceType: string };

/** Every resource of every bundle, as in the files (references are urn:uuid:...). */
export function syntheaResources(): Resource[] {
  const out: Resource[] = [];
  for (const f of readdirSync(SYNTHEA_DIR).filter((name) => name.endsWith('.json')).sort()) {
    const bundle = JSON.parse(readFileSync(join(SYNTHEA_DIR, f), 'utf8')) as { entry?: { resource?: Resource }[] };
    for (const e of bundle.entry ?? []) if (e.resource) out.push(e.resource);
  }
  return out;
}

/** The resource as the write path stores it: meta.versionId and meta.lastUpdated stamped. */
export function stamped(r: Resource): Resource {
  return { ...r, meta: { ...((r.meta as Obj | undefined) ?? {}), versionId: '1', lastUpdated: '2024-05-01T00:00:00.000Z' } };
}

/** urn:uuid references rewritten to Type/id, as a transaction resolves them. */
export function withResolvedReferences(resources: Resource[]): Resource[] {
  const types = new Map<string, string>();
  for (const r of resources) if (typeof r.id === 'string') types.set(`urn:uuid:${r.id}`, `${r.resourceType}/${r.id}`);
  const rewrite = (v: Json): Json => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (!v || typeof v !== 'object') return v;
    const o: Obj = {};
    for (const [k, x] of Object.entries(v)) o[k] = k === 'reference' && typeof x === 'string' && types.has(x) ? types.get(x) : rewrite(x);
    return o;
  };
  return resources.map((r) => rewrite(r) as Resource);
}

/** Up to `perType` resources of each type, the first ones in file order. */
export function samplePerType(resources: Resource[], perType: number): Resource[] {
  const counts = new Map<string, number>();
  return resources.filter((r) => {
    const n = counts.get(r.resourceType) ?? 0;
    counts.set(r.resourceType, n + 1);
    return n < perType;
  });
}

const clone = <T>(v: T): T => structuredClone(v);
type Path = (string | number)[];

/** Every object and array position in the resource, with the value there. */
function positions(v: Json, path: Path = [], out: [Path, Json][] = []): [Path, Json][] {
  if (path.length > 0) out.push([path, v]);
  if (Array.isArray(v)) v.forEach((x, i) => positions(x, [...path, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) positions(x, [...path, k], out);
  return out;
}

function setAt(root: Json, path: Path, fn: (parent: Obj | Json[], key: string | number) => void): Json {
  const copy = clone(root);
  let parent = copy as Obj | Json[];
  for (const k of path.slice(0, -1)) parent = (parent as Obj)[k as string] as Obj | Json[];
  fn(parent, path[path.length - 1]!);
  return copy;
}

const STRINGS = ['', ' ', 'a  b', ' leading', '2020-13-40', '2020-02-30T25:61:00Z', 'not a date', 'bad id!', 'x\u0001y', 'urn:uuid:NOT-A-UUID'];
const NUMBERS = [-1, 0, 1.5, 2 ** 53];

/** Mutants of one resource: [description, mutated resource]. */
export function mutants(resource: Resource): [string, Resource][] {
  const out: [string, Json][] = [];
  for (const [path, value] of positions(resource)) {
    const at = path.join('.');
    const last = path[path.length - 1];
    if (last === 'resourceType' && path.length === 1) continue;
    const put = (label: string, v: Json) => out.push([`${at}: ${label}`, setAt(resource, path, (p, k) => { (p as Obj)[k as string] = v; })]);
    if (typeof last === 'string') out.push([`${at}: deleted`, setAt(resource, path, (p, k) => { delete (p as Obj)[k as string]; })]);
    put('null', null);
    if (typeof value === 'string') {
      for (const s of STRINGS) put(JSON.stringify(s), s);
      put('number', 42);
      put('boolean', true);
      put('object', { value });
      put('array', [value]);
    } else if (typeof value === 'number') {
      for (const n of NUMBERS) put(String(n), n);
      put('string', String(value));
    } else if (typeof value === 'boolean') {
      put('string', String(value));
    } else if (Array.isArray(value)) {
      put('empty array', []);
      put('unwrapped', value[0]);
      put('duplicated item', [...value, value[0]]);
      put('with null item', [...value, null]);
    } else if (value && typeof value === 'object') {
      put('empty object', {});
      put('string', 'x');
      put('wrapped in array', [value]);
      put('number', 7);
      out.push([`${at}: unknown key`, setAt(resource, path, (p, k) => { ((p as Obj)[k as string] as Obj).bogusElement = 'x'; })]);
      out.push([`${at}: nested resourceType`, setAt(resource, path, (p, k) => { ((p as Obj)[k as string] as Obj).resourceType = 'Patient'; })]);
    }
    if (typeof last === 'string' && typeof value !== 'object') {
      out.push([`${at}: primitive extension`, setAt(resource, path, (p, k) => {
        (p as Obj)[`_${k}`] = { extension: [{ url: 'http://example.org/x', valueString: 'y' }] };
      })]);
      out.push([`${at}: primitive extension without the value`, setAt(resource, path, (p, k) => {
        (p as Obj)[`_${k}`] = { id: 'e1', extension: [{ url: 'http://example.org/x', valueString: 'y' }] };
        delete (p as Obj)[k as string];
      })]);
    }
    if (typeof last === 'string' && /^value[A-Z]/.test(last)) {
      out.push([`${at}: second value[x] choice`, setAt(resource, path, (p) => { (p as Obj).valueString = 'second'; })]);
      out.push([`${at}: second value[x] choice of wrong type`, setAt(resource, path, (p) => { (p as Obj).valueBoolean = 'nope'; })]);
    }
  }
  out.push(['root: unknown key', { ...resource, bogusElement: 1 }]);
  out.push(['root: empty key', { ...resource, '': 1 }]);
  out.push(...invariantMutants(resource));
  return out as [string, Resource][];
}

/** Mutants that break (or narrowly keep) the invariants validateResource evaluates. */
function invariantMutants(r: Resource): [string, Json][] {
  const out: [string, Json][] = [];
  const code = { coding: [{ system: 'http://loinc.org', code: '1234-5' }] };
  const contained = { resourceType: 'Organization', id: 'org1', name: 'Org' };
  out.push(['dom-2: contained in contained', { ...r, contained: [{ ...contained, contained: [{ resourceType: 'Organization', id: 'o2', name: 'x' }] }] }]);
  out.push(['dom-4: contained with versionId', { ...r, contained: [{ ...contained, meta: { versionId: '1' } }] }]);
  out.push(['dom-4: contained with lastUpdated', { ...r, contained: [{ ...contained, meta: { lastUpdated: '2024-01-01T00:00:00Z' } }] }]);
  out.push(['dom-5: contained with security', { ...r, contained: [{ ...contained, meta: { security: [{ code: 'R' }] } }] }]);
  out.push(['contained: valid', { ...r, contained: [contained] }]);
  out.push(['contained: unknown type', { ...r, contained: [{ resourceType: 'Nope', id: 'x' }] }]);
  out.push(['contained: invalid inside', { ...r, contained: [{ ...contained, name: 5 }] }]);
  out.push(['ext-1: value and extension', { ...r, extension: [{ url: 'http://e.org/a', valueString: 'x', extension: [{ url: 'b', valueString: 'y' }] }] }]);
  out.push(['ext-1: neither value nor extension', { ...r, extension: [{ url: 'http://e.org/a' }] }]);
  out.push(['ext-1: valid extension', { ...r, extension: [{ url: 'http://e.org/a', valueCode: 'x' }] }]);
  out.push(['ext-1: nested', { ...r, extension: [{ url: 'http://e.org/a', extension: [{ url: 'b' }] }] }]);
  out.push(['modifierExtension', { ...r, modifierExtension: [{ url: 'http://e.org/m', valueBoolean: true }] }]);
  out.push(['txt: narrative', { ...r, text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' } }]);
  out.push(['txt: narrative without div', { ...r, text: { status: 'generated' } }]);
  if (r.resourceType === 'Observation') {
    const noValue = Object.fromEntries(Object.entries(r).filter(([k]) => !/^value[A-Z]/.test(k)));
    out.push(['obs-6: value and dataAbsentReason', { ...noValue, dataAbsentReason: { text: 'x' }, valueBoolean: true }]);
    out.push(['obs-6: dataAbsentReason alone', { ...noValue, dataAbsentReason: { text: 'unknown' } }]);
    out.push(['obs-7: value and component with the same code', { ...noValue, code, valueString: 'v', component: [{ code, valueString: 'c' }] }]);
    out.push(['obs-7: value and component with another code', { ...noValue, code, valueString: 'v', component: [{ code: { text: 'other' }, valueString: 'c' }] }]);
    out.push(['obs-3: referenceRange with type only', { ...r, referenceRange: [{ type: { text: 't' } }] }]);
    out.push(['obs-3: referenceRange with text', { ...r, referenceRange: [{ text: 'normal' }] }]);
  }
  if (r.resourceType === 'Condition') {
    out.push(['con-4: abatement while active', { ...r, abatementDateTime: '2020-01-01', clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] } }]);
    out.push(['con-4: abatement when resolved', { ...r, abatementDateTime: '2020-01-01', clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'resolved' }] } }]);
    out.push(['con-5: entered-in-error with clinicalStatus', { ...r, verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'entered-in-error' }] } }]);
  }
  if (r.resourceType === 'Patient') {
    out.push(['pat-1: contact with gender only', { ...r, contact: [{ gender: 'male' }] }]);
    out.push(['pat-1: contact with a name', { ...r, contact: [{ name: { family: 'X' } }] }]);
  }
  if (r.resourceType === 'Organization') {
    out.push(['org-3: home telecom', { ...r, telecom: [{ system: 'phone', value: '1', use: 'home' }] }]);
    out.push(['org-2: home address', { ...r, address: [{ city: 'X', use: 'home' }] }]);
  }
  if (r.resourceType === 'AllergyIntolerance') {
    const { clinicalStatus: _cs, ...noStatus } = r as Obj;
    out.push(['ait-1: no clinicalStatus', noStatus]);
  }
  return out.map(([label, v]) => [label, JSON.parse(JSON.stringify(v))]);
}
