/** Search parameter parsing: values per type, prefixes, modifiers, chains, _has, result parameters, errors. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSearch, splitOr, type Criterion } from '../../../src/services/healthlake/fhir/search/parser.ts';
import { parseDateRange } from '../../../src/services/healthlake/fhir/search/dates.ts';
import { expressionFor, searchParam, splitUnion } from '../../../src/services/healthlake/fhir/search-params.ts';

const parse = (type: string, query: string, strict = false) => parseSearch(type, [...new URLSearchParams(query).entries()], { strict });
const first = (type: string, query: string): Criterion => parse(type, query).criteria[0]!;
const status = (fn: () => unknown): number | undefined => {
  try { fn(); return undefined; } catch (e) { return (e as { status?: number }).status; }
};

describe('FHIR search parameters from the R4 definitions', () => {
  it('cuts multi-resource expressions down to one type', () => {
    assert.deepEqual(splitUnion('A.x | (B.y as Z) | C.z.where(a | b)'), ['A.x', '(B.y as Z)', 'C.z.where(a | b)']);
    assert.equal(expressionFor('Condition.code | Observation.code | (MedicationRequest.medication as CodeableConcept)', 'Observation'), 'Observation.code');
    assert.equal(expressionFor('Resource.meta.tag', 'Patient'), 'Patient.meta.tag');
    assert.equal(searchParam('Observation', 'patient')!.expression, 'Observation.subject.where(resolve() is Patient)');
    assert.equal(searchParam('Observation', 'component-code-value-quantity')!.components!.length, 2);
    assert.equal(searchParam('Location', 'near'), undefined, 'HealthLake does not support Location near');
    assert.equal(searchParam('Patient', '_lastUpdated')!.column, 'updated');
  });
});

describe('FHIR search parsing', () => {
  it('dates denote ranges by precision', () => {
    assert.deepEqual(parseDateRange('2020'), [Date.UTC(2020, 0, 1), Date.UTC(2021, 0, 1) - 1]);
    assert.deepEqual(parseDateRange('2020-02'), [Date.UTC(2020, 1, 1), Date.UTC(2020, 2, 1) - 1]);
    assert.deepEqual(parseDateRange('2020-02-29'), [Date.UTC(2020, 1, 29), Date.UTC(2020, 2, 1) - 1]);
    assert.deepEqual(parseDateRange('2020-01-01T10:00:00+02:00'), [Date.UTC(2020, 0, 1, 8), Date.UTC(2020, 0, 1, 8) + 999]);
    assert.deepEqual(parseDateRange('2020-01-01T10:00:00.123Z'), [Date.UTC(2020, 0, 1, 10, 0, 0, 123), Date.UTC(2020, 0, 1, 10, 0, 0, 123)]);
    for (const bad of ['2020-13', '2021-02-30', '20200101', 'x', '2020-01-01T25:00']) assert.equal(parseDateRange(bad), undefined, bad);
  });

  it('splits OR values on unescaped commas', () => {
    assert.deepEqual(splitOr('a,b\\,c,d'), ['a', 'b\\,c', 'd']);
  });

  it('reads prefixes and number precision', () => {
    const c = first('RiskAssessment', 'probability=ge0.25');
    assert.equal(c.kind, 'param');
    const v = (c as Extract<Criterion, { kind: 'param' }>).values[0]!;
    assert.deepEqual(v, { kind: 'range', prefix: 'ge', value: 0.25, low: 0.245, high: 0.255 });
    const eq = (first('RiskAssessment', 'probability=100') as any).values[0];
    assert.deepEqual([eq.low, eq.high], [99.5, 100.5]);
    const d = (first('Patient', 'birthdate=sa2020') as any).values[0];
    assert.equal(d.prefix, 'sa');
  });

  it('reads token, quantity, reference and composite values', () => {
    assert.deepEqual((first('Patient', 'identifier=urn:x|1') as any).values[0], { kind: 'token', system: 'urn:x', code: '1' });
    assert.deepEqual((first('Patient', 'identifier=|1') as any).values[0], { kind: 'token', system: null, code: '1' });
    assert.deepEqual((first('Patient', 'identifier=urn:x|') as any).values[0], { kind: 'token', system: 'urn:x', code: undefined });
    assert.deepEqual((first('Patient', 'identifier=a\\|b') as any).values[0], { kind: 'token', code: 'a|b' });
    const q = (first('Observation', 'value-quantity=lt5.4|http://unitsofmeasure.org|mg') as any).values[0];
    assert.equal(q.prefix, 'lt');
    assert.equal(q.system, 'http://unitsofmeasure.org');
    assert.equal(q.code, 'mg');
    assert.deepEqual((first('Observation', 'subject=Patient/123') as any).values[0], { kind: 'reference', type: 'Patient', id: '123' });
    assert.deepEqual((first('Observation', 'patient=123') as any).values[0], { kind: 'reference', type: 'Patient', id: '123' });
    const comp = (first('Observation', 'component-code-value-quantity=http://loinc.org|8480-6$gt130') as any).values[0];
    assert.equal(comp.kind, 'composite');
    assert.equal(comp.a.code, '8480-6');
    assert.equal(comp.b.prefix, 'gt');
  });

  it('reads chains and _has', () => {
    const chain = first('Observation', 'subject:Patient.name=peter');
    assert.equal(chain.kind, 'chain');
    assert.equal((chain as any).targetType, 'Patient');
    assert.equal((chain as any).inner.param.code, 'name');
    const deep = first('Observation', 'patient.organization.name=acme');
    assert.equal((deep as any).inner.kind, 'chain');
    const has = first('Patient', '_has:Observation:patient:code=1234');
    assert.equal(has.kind, 'has');
    assert.equal((has as any).sourceType, 'Observation');
    assert.equal((has as any).refParam.code, 'patient');
  });

  it('reads result parameters', () => {
    const q = parse('Observation', '_count=10&_sort=-date,code&_total=accurate&_include=Observation:patient&_revinclude:iterate=Provenance:target&_elements=id,code');
    assert.equal(q.count, 10);
    assert.deepEqual(q.sort.map((s) => [s.param.code, s.descending]), [['date', true], ['code', false]]);
    assert.equal(q.total, 'accurate');
    assert.equal(q.include[0]!.param.code, 'patient');
    assert.equal(q.revinclude[0]!.iterate, true);
    assert.deepEqual(q.elements, ['id', 'code']);
    assert.deepEqual(q.names, ['_count', '_sort', '_total', '_include', '_revinclude:iterate', '_elements']);
  });

  it('refuses what HealthLake refuses, with 400s', () => {
    for (const query of ['_count=101', '_count=0', '_count=x', '_total=estimate', 'birthdate=2020-99', 'name:below=x', 'gender:missing=maybe',
      '_sort=-nonsense', 'general-practitioner.name=x', '_include=Patient:name', '_has:Nope:patient:code=1', '_summary=text&_include=Patient:organization',
      '_summary=true&_elements=id', 'general-practitioner:Spaceship=1']) {
      assert.equal(status(() => parse('Patient', query)), 400, query);
    }
    assert.equal(parse('Patient', 'nonsense=1').criteria.length, 0, 'lenient: unknown parameters are ignored');
    assert.equal(status(() => parse('Patient', 'nonsense=1', true)), 400, 'strict: they are errors');
  });
});
