/**
 * Parity of the validation fast path (validation-fast.ts) with the full validator: every
 * Synthea resource and systematically mutated copies (test/helpers/fhir-mutations.ts) get the
 * same findings from validationIssues (fast path first) as from fullValidationIssues
 * (validateResource + the binding walk). The fast path must also actually take the common
 * case, or it would be parity by always falling back.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkResourceShape, fullValidationIssues, validationIssues } from '../../../src/services/healthlake/fhir/validation.ts';
import { fastValidationIssues } from '../../../src/services/healthlake/fhir/validation-fast.ts';
import { mutants, samplePerType, stamped, syntheaResources, syntheaSkip, type Resource } from '../../helpers/fhir-mutations.ts';

function accepted(r: Resource): boolean {
  try {
    checkResourceShape(r);
    return true;
  } catch {
    return false; // refused before validation (bad id, too deep): validationIssues never sees it
  }
}

describe('validation fast path', { skip: syntheaSkip }, () => {
  const resources = syntheaSkip ? [] : syntheaResources();

  it('gives the full validator\'s findings for every Synthea resource, and takes them all', () => {
    let fast = 0;
    for (const r of [...resources, ...resources.map(stamped)]) {
      const full = fullValidationIssues(r as never);
      assert.deepEqual(validationIssues(r as never), full, `${r.resourceType}/${String(r.id)}`);
      if (fastValidationIssues(r as never)) fast++;
    }
    // Synthea is the common case: every resource of it must be decided without validateResource.
    assert.equal(fast, resources.length * 2);
  });

  it('gives the full validator\'s findings for mutated resources (wrong types, unknown keys, bad formats, empties, invariants)', () => {
    let total = 0;
    let invalid = 0;
    let fastValid = 0;
    let bindingOnly = 0;
    const failures: string[] = [];
    for (const base of samplePerType(resources, 2)) {
      for (const [label, m] of mutants(stamped(base))) {
        if (!accepted(m)) continue;
        total++;
        const full = fullValidationIssues(m as never);
        const got = validationIssues(m as never);
        if (full.length > 0) invalid++;
        const decided = fastValidationIssues(m as never);
        if (decided) {
          fastValid++;
          if (decided.length > 0) bindingOnly++;
        }
        try {
          assert.deepEqual(got, full);
        } catch {
          if (failures.length < 10) failures.push(`${base.resourceType} ${label}: fast ${JSON.stringify(got).slice(0, 300)} vs full ${JSON.stringify(full).slice(0, 300)}`);
        }
      }
    }
    assert.deepEqual(failures, []);
    // The mutations must exercise both verdicts, or the comparison proves little.
    assert.ok(invalid > total / 2, `only ${invalid} of ${total} mutants invalid`);
    assert.ok(fastValid > 500, `only ${fastValid} of ${total} mutants decided by the fast path`);
    assert.ok(bindingOnly > 0, 'no mutant with only a required-binding finding went through the fast path');
  });

  it('falls back to the full validator for what it does not check, keeping its messages', () => {
    const obs = stamped(resources.find((r) => r.resourceType === 'Observation')!);
    const cases: Resource[] = [
      { ...obs, status: 'not-a-status' },
      { ...obs, issued: 'yesterday' },
      { ...obs, bogus: true },
      { ...obs, dataAbsentReason: { text: 'x' } },
      { ...obs, _status: { extension: [{ url: 'http://e.org/x', valueString: 'y' }] } },
    ];
    for (const m of cases) {
      assert.equal(fastValidationIssues(m as never) === undefined || fastValidationIssues(m as never)!.length > 0, true);
      assert.deepEqual(validationIssues(m as never), fullValidationIssues(m as never));
      assert.ok(validationIssues(m as never).length > 0 || m._status !== undefined);
    }
  });
});
