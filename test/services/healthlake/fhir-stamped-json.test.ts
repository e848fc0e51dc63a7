import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderStamped, stampedJson, stampedMeta } from '../../../src/services/healthlake/fhir/stamped-json.ts';

/** What writes.ts stored before the template: the stamped resource, serialized in one go. */
function reference(resource: Record<string, unknown>, id: string, version: number, updated: number): string {
  const { resourceType, id: _id, meta, ...rest } = resource;
  return JSON.stringify({ resourceType, id, meta: stampedMeta(meta, version, updated), ...rest });
}

const cases: Record<string, unknown>[] = [
  { resourceType: 'Patient', id: 'p1' },
  { resourceType: 'Patient' },
  { id: 'x', resourceType: 'Observation', status: 'final', code: { text: 'a "quoted" \\ value \u2028 é' } },
  { resourceType: 'Patient', meta: { versionId: '9', source: 'src', lastUpdated: 'old' }, active: true },
  { resourceType: 'Patient', meta: { lastUpdated: 'old', tag: [{ code: 't' }], versionId: '9' }, name: [{ family: 'F' }] },
  { resourceType: 'Patient', meta: { profile: ['http://x'], security: [] }, extension: [{ url: 'u', valueInteger: 3 }] },
  { resourceType: 'Patient', meta: null, birthDate: '2000-01-01' },
  { resourceType: 'Patient', meta: { 'ke"y': 1, '': 2, '\u0000': null } },
  { resourceType: 'Patient', meta: 'not an object' },
  { resourceType: 'Patient', meta: { source: undefined, x: 1 }, y: undefined, z: [undefined, 1] },
  JSON.parse('{"resourceType":"Patient","__proto__":{"a":1},"meta":{"__proto__":2}}') as Record<string, unknown>,
];

test('the stamped JSON template renders exactly the stamped resource serialized in one go', () => {
  for (const r of cases) {
    for (const [version, updated] of [[1, 0], [12, Date.UTC(2026, 11, 3, 12, 0, 0, 7)], [123456, 253402300799999]] as const) {
      const id = 'the-id';
      assert.equal(renderStamped(stampedJson(r, id), version, updated), reference(r, id, version, updated), JSON.stringify(r));
    }
  }
});

test('one template renders any version and time', () => {
  const r = { resourceType: 'Observation', id: 'o', meta: { versionId: '1' }, status: 'final' };
  const t = stampedJson(r, 'o');
  assert.equal(JSON.parse(renderStamped(t, 1, 0)).meta.versionId, '1');
  assert.deepEqual(JSON.parse(renderStamped(t, 7, 1000)), { resourceType: 'Observation', id: 'o', meta: { versionId: '7', lastUpdated: '1970-01-01T00:00:01.000Z' }, status: 'final' });
});
