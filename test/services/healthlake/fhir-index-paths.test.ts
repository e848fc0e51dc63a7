/**
 * Parity of the indexer's direct path evaluation (index-paths.ts) with FHIRPath: index rows
 * from indexRows (plain-path expressions walked directly) and indexRowsByFhirPath (every
 * expression through @medplum/core's FHIRPath) are identical for every Synthea resource, with
 * its urn:uuid references and with them resolved to Type/id, for every search parameter of
 * its type — and for mutated copies (primitive extensions, nulls, empties, wrong types), where
 * the direct path must give up rather than differ.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evalFhirPathTyped, toTypedValue } from '@medplum/core';
import { indexRows, indexRowsByFhirPath } from '../../../src/services/healthlake/fhir/indexer.ts';
import { BAIL, compilePath } from '../../../src/services/healthlake/fhir/index-paths.ts';
import { searchParamsFor } from '../../../src/services/healthlake/fhir/search-params.ts';
import { fhirDefinitions } from '../../../src/services/healthlake/fhir/definitions.ts';
import {
  mutants, samplePerType, stamped, syntheaResources, syntheaSkip, withResolvedReferences, type Resource,
} from '../../helpers/fhir-mutations.ts';

/** Rows, or the error both ways must throw alike. */
function outcome(fn: (r: never) => unknown, r: Resource): unknown {
  try {
    return fn(r as never);
  } catch (e) {
    return { threw: e instanceof Error ? e.message : String(e) };
  }
}

describe('index fast path', { skip: syntheaSkip }, () => {
  const resources = syntheaSkip ? [] : syntheaResources();

  it('gives FHIRPath\'s rows for every Synthea resource and parameter (urn:uuid and resolved references)', () => {
    let rows = 0;
    for (const r of [...resources, ...withResolvedReferences(resources)].map(stamped)) {
      const direct = indexRows(r as never);
      assert.deepEqual(direct, indexRowsByFhirPath(r as never), `${r.resourceType}/${String(r.id)}`);
      rows += Object.values(direct).reduce((n, list) => n + list.length, 0);
    }
    assert.ok(rows > 50_000, `only ${rows} rows`);
  });

  it('evaluates nearly every parameter of the Synthea resources directly', () => {
    let direct = 0;
    let total = 0;
    for (const r of withResolvedReferences(resources).map(stamped)) {
      const root = [toTypedValue(r)];
      for (const p of searchParamsFor(r.resourceType).values()) {
        if (p.column) continue;
        total++;
        const compiled = compilePath(p.expression, r.resourceType);
        if (compiled && compiled(root) !== BAIL) direct++;
      }
    }
    assert.ok(direct / total > 0.99, `${direct} of ${total} evaluations direct`);
  });

  it('compiles all but a handful of the R4 search-parameter expressions', () => {
    let compiled = 0;
    let total = 0;
    for (const type of fhirDefinitions().resourceTypes) {
      for (const p of searchParamsFor(type).values()) {
        if (p.column) continue;
        total++;
        if (compilePath(p.expression, type)) compiled++;
      }
    }
    assert.ok(total - compiled < 10, `${total - compiled} of ${total} not compiled`);
  });

  it('gives FHIRPath\'s rows for mutated resources', () => {
    const failures: string[] = [];
    let total = 0;
    for (const base of samplePerType(withResolvedReferences(resources), 2)) {
      for (const [label, m] of mutants(stamped(base))) {
        total++;
        const direct = outcome(indexRows, m);
        const reference = outcome(indexRowsByFhirPath, m);
        try {
          assert.deepEqual(direct, reference);
        } catch {
          if (failures.length < 10) failures.push(`${base.resourceType} ${label}: ${JSON.stringify(direct).slice(0, 300)} vs ${JSON.stringify(reference).slice(0, 300)}`);
        }
      }
    }
    assert.deepEqual(failures, []);
    assert.ok(total > 10_000, `only ${total} mutants`);
  });

  it('reproduces resolve() is T, where(system=...), the as operator and unions', () => {
    const patient = {
      resourceType: 'Patient', id: 'p1',
      telecom: [{ system: 'email', value: 'a@b.c' }, { system: 'phone', value: '1' }, { system: 'email', value: 'a@b.c' }],
      generalPractitioner: [{ reference: 'Practitioner/x' }, { reference: 'Organization?identifier=y' }, { reference: 'Organization/y?x=1' }, { type: 'Practitioner', identifier: { value: 'z' } }],
      deceasedDateTime: '2020-01-01',
    } as Resource;
    const obs = {
      resourceType: 'Observation', id: 'o1', status: 'final', code: { text: 'c' },
      subject: { reference: 'Patient/p1' }, valueString: 'v',
      component: [{ code: { text: 'c' }, valueQuantity: { value: 1 } }, { code: { text: 'c' }, valueCodeableConcept: { text: 'cc' } }],
    } as Resource;
    for (const r of [patient, obs]) assert.deepEqual(indexRows(r as never), indexRowsByFhirPath(r as never));
    for (const [expression, type, input] of [
      ["Patient.telecom.where(system='email')", 'Patient', patient],
      ['Patient.generalPractitioner.where(resolve() is Practitioner)', 'Patient', patient],
      ['Patient.generalPractitioner.where(resolve() is Organization)', 'Patient', patient],
      ['(Patient.deceased as dateTime)', 'Patient', patient],
      ['Patient.telecom | Patient.telecom', 'Patient', patient],
      ['(Observation.value as string) | (Observation.value as CodeableConcept).text', 'Observation', obs],
      ['Observation | Observation.component', 'Observation', obs],
      ['Observation.subject.where(resolve() is Patient)', 'Observation', obs],
    ] as [string, string, Resource][]) {
      const compiled = compilePath(expression, type);
      assert.ok(compiled, expression);
      const root = [toTypedValue(input)];
      const got = compiled(root);
      assert.notEqual(got, BAIL, expression);
      assert.ok((got as unknown[]).length > 0, expression);
      assert.deepEqual(got, evalFhirPathTyped(expression, root), expression);
    }
  });
});
