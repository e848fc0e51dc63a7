/**
 * Terminology operations (HealthLake's ExpandValueSetWith{Get,Post} and
 * LookupCodeSystemWith{Get,Post}):
 *   `ValueSet/$expand?url=...`, `ValueSet/{id}/$expand`: the codes of a value set the customer
 *     stored in the datastore (or, by url, one published with R4), with `filter` (a case-blind
 *     substring of code or display), `count` and `offset` over the matches;
 *   `CodeSystem/$lookup?system=...&code=...`: a concept's display, designations and properties.
 * Parameters come in the query, or for POST in a Parameters body. Stored resources win over the
 * published ones with the same URL. A value set is expanded from its compose: enumerated
 * concepts, whole code systems (stored or published, complete content), nested value sets and
 * excludes; one defined by filters (is-a...) is refused with an OperationOutcome rather than
 * expanded wrongly.
 */
import type { CodeSystem, CodeSystemConcept, ValueSet, ValueSetComposeInclude } from '@medplum/fhirtypes';
import type { FhirContext, FhirRequest, FhirResult } from './context.ts';
import type { FhirRoute } from './routes.ts';
import { checkNames, operationParams, wholeNumber } from './operation-params.ts';
import { badRequest, FhirError, notFound } from './errors.ts';
import { executeSearch } from './search/run.ts';
import { coreCodeSystem, coreValueSet } from './terminology.ts';
import { readCurrent } from './writes.ts';

/** Codes an expansion may gather before it is refused as too costly. */
const MAX_EXPANSION = 100_000;
const DEFAULT_COUNT = 1000;

interface Coding { system?: string; code: string; display?: string }

const notSupported = (message: string) => new FhirError(400, message, { issueCode: 'not-supported' });

/** The stored resources of a type with a canonical URL (newest first), parsed. */
function storedByUrl<T>(ctx: FhirContext, type: 'ValueSet' | 'CodeSystem', url: string): T | undefined {
  const { bundle } = executeSearch(ctx, { resourceType: type, params: [['url', url], ['_sort', '-_lastUpdated'], ['_count', '1']] });
  return ((bundle.entry as { resource: T }[] | undefined) ?? [])[0]?.resource;
}

function codeSystem(ctx: FhirContext, url: string): CodeSystem | undefined {
  const bare = url.split('|')[0]!;
  return storedByUrl<CodeSystem>(ctx, 'CodeSystem', bare) ?? coreCodeSystem(bare);
}

function valueSet(ctx: FhirContext, url: string): ValueSet | undefined {
  const bare = url.split('|')[0]!;
  return storedByUrl<ValueSet>(ctx, 'ValueSet', bare) ?? coreValueSet(bare);
}

function flatten(concepts: CodeSystemConcept[] | undefined, system: string, into: Coding[]): void {
  for (const c of concepts ?? []) {
    if (c.code) into.push({ system, code: c.code, ...(c.display ? { display: c.display } : {}) });
    flatten(c.concept, system, into);
  }
}

function findConcept(concepts: CodeSystemConcept[] | undefined, code: string): CodeSystemConcept | undefined {
  for (const c of concepts ?? []) {
    if (c.code === code) return c;
    const nested = findConcept(c.concept, code);
    if (nested) return nested;
  }
  return undefined;
}

/**
 * One $expand's walk over nested value sets: the urls on the current path (a value set met again on
 * its own path includes itself) and the expansions already finished (a value set reached by two paths
 * is expanded once, so a crafted lattice of includes cannot make the walk exponential).
 */
interface Expansion {
  onPath: Set<string>;
  finished: Map<string, Coding[]>;
}

/** The codings one include (or exclude) of a compose selects. */
function selected(ctx: FhirContext, inc: ValueSetComposeInclude, walk: Expansion): Coding[] {
  if (inc.filter && inc.filter.length > 0) throw notSupported(`Value sets defined by filters (${inc.filter[0]!.op} on ${inc.system ?? 'a system'}) cannot be expanded here.`);
  let codes: Coding[] | undefined;
  if (inc.system) {
    const cs = codeSystem(ctx, inc.system);
    if (inc.concept) {
      codes = inc.concept.map((c) => {
        const display = c.display ?? findConcept(cs?.concept, c.code)?.display;
        return { system: inc.system, code: c.code, ...(display ? { display } : {}) };
      });
    } else {
      if (!cs) throw new FhirError(422, `The code system ${inc.system.slice(0, 200)} is not known to this server.`, { issueCode: 'not-found' });
      if (cs.content && cs.content !== 'complete') throw notSupported(`The code system ${inc.system.slice(0, 200)} is not stored complete (content ${cs.content}).`);
      codes = [];
      flatten(cs.concept, inc.system, codes);
    }
  }
  for (const url of inc.valueSet ?? []) {
    const nested = expandNested(ctx, url, walk);
    const keys = new Set(nested.map((c) => `${c.system}|${c.code}`));
    codes = codes === undefined ? nested : codes.filter((c) => keys.has(`${c.system}|${c.code}`));
  }
  return codes ?? [];
}

function expandCompose(ctx: FhirContext, vs: ValueSet, walk: Expansion): Coding[] {
  const out = new Map<string, Coding>();
  for (const inc of vs.compose?.include ?? []) {
    for (const c of selected(ctx, inc, walk)) {
      out.set(`${c.system}|${c.code}`, c);
      if (out.size > MAX_EXPANSION) throw new FhirError(400, `The expansion has more than ${MAX_EXPANSION} codes.`, { issueCode: 'too-costly' });
    }
  }
  for (const exc of vs.compose?.exclude ?? []) for (const c of selected(ctx, exc, walk)) out.delete(`${c.system}|${c.code}`);
  return [...out.values()];
}

function expandNested(ctx: FhirContext, url: string, walk: Expansion): Coding[] {
  const done = walk.finished.get(url);
  if (done) return done;
  if (walk.onPath.has(url)) throw badRequest(`Value set ${url.slice(0, 200)} includes itself.`);
  const vs = valueSet(ctx, url);
  if (!vs) throw new FhirError(422, `The value set ${url.slice(0, 200)} is not known to this server.`, { issueCode: 'not-found' });
  walk.onPath.add(url);
  const codes = expandCompose(ctx, vs, walk);
  walk.onPath.delete(url);
  walk.finished.set(url, codes);
  return codes;
}

export function expandValueSet(ctx: FhirContext, route: FhirRoute, req: FhirRequest): FhirResult {
  const params = operationParams(req);
  checkNames(params, ['url', 'valueSetVersion', 'filter', 'count', 'offset'], 'ValueSet/$expand');
  let vs: ValueSet;
  if (route.id) {
    vs = JSON.parse(readCurrent(ctx, 'ValueSet', route.id).content!) as ValueSet;
  } else {
    const url = params.get('url');
    if (!url) throw badRequest('ValueSet/$expand needs the url of a value set (or use ValueSet/{id}/$expand).');
    const found = valueSet(ctx, url);
    if (!found) throw notFound(`The value set ${url.slice(0, 200)} is not known to this server.`);
    vs = found;
  }
  const count = params.has('count') ? wholeNumber('count', params.get('count')!) : DEFAULT_COUNT;
  const offset = params.has('offset') ? wholeNumber('offset', params.get('offset')!) : 0;
  const filter = params.get('filter')?.toLowerCase();
  let codes = expandCompose(ctx, vs, { onPath: new Set(vs.url ? [vs.url] : []), finished: new Map() });
  if (filter) codes = codes.filter((c) => c.code.toLowerCase().includes(filter) || (c.display ?? '').toLowerCase().includes(filter));
  const parameter = [
    ...(filter !== undefined ? [{ name: 'filter', valueString: params.get('filter') }] : []),
    { name: 'offset', valueInteger: offset },
    { name: 'count', valueInteger: count },
  ];
  const { compose: _compose, text: _text, ...rest } = vs;
  return {
    status: 200,
    body: {
      ...rest,
      expansion: {
        identifier: `urn:uuid:${ctx.ids.uuid()}`,
        timestamp: ctx.now.toISOString(),
        total: codes.length,
        offset,
        parameter,
        contains: codes.slice(offset, offset + count),
      },
    },
  };
}

export function lookupCode(ctx: FhirContext, req: FhirRequest): FhirResult {
  const params = operationParams(req);
  checkNames(params, ['system', 'code', 'version', 'property', 'displayLanguage'], 'CodeSystem/$lookup');
  const system = params.get('system');
  const code = params.get('code');
  if (!system || !code) throw badRequest('CodeSystem/$lookup needs system and code.');
  const cs = codeSystem(ctx, system);
  if (!cs) throw notFound(`The code system ${system.slice(0, 200)} is not known to this server.`);
  const concept = findConcept(cs.concept, code);
  if (!concept) throw notFound(`Code '${code.slice(0, 64)}' is not in the code system ${system.slice(0, 200)}.`);
  const parameter: Record<string, unknown>[] = [
    { name: 'name', valueString: cs.name ?? cs.title ?? system },
    ...(cs.version ? [{ name: 'version', valueString: cs.version }] : []),
    ...(concept.display ? [{ name: 'display', valueString: concept.display }] : []),
    ...(concept.definition ? [{ name: 'definition', valueString: concept.definition }] : []),
  ];
  for (const d of concept.designation ?? []) {
    parameter.push({
      name: 'designation',
      part: [
        ...(d.language ? [{ name: 'language', valueCode: d.language }] : []),
        ...(d.use ? [{ name: 'use', valueCoding: d.use }] : []),
        { name: 'value', valueString: d.value },
      ],
    });
  }
  for (const p of concept.property ?? []) {
    const value = Object.entries(p).find(([k]) => k.startsWith('value'));
    if (value) parameter.push({ name: 'property', part: [{ name: 'code', valueCode: p.code }, { name: 'value', [value[0]]: value[1] }] });
  }
  for (const child of concept.concept ?? []) parameter.push({ name: 'property', part: [{ name: 'code', valueCode: 'child' }, { name: 'value', valueCode: child.code }] });
  return { status: 200, body: { resourceType: 'Parameters', parameter } };
}
