/**
 * The slim copy of the R4 StructureDefinition bundles (src/services/healthlake/fhir/
 * definition-cache.ts): the same bundle without narratives whether it comes from the published
 * file or from the cache, written once, rebuilt when unreadable, and not required at all.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWithoutNarratives, type DefinitionSource } from '../../../src/services/healthlake/fhir/definition-cache.ts';

const published = {
  resourceType: 'Bundle',
  entry: [
    { resource: { resourceType: 'StructureDefinition', id: 'A', text: { status: 'generated', div: '<div>long narrative</div>' }, snapshot: { element: [{ id: 'A', path: 'A', min: 0 }] } } },
    { resource: { resourceType: 'StructureDefinition', id: 'B', snapshot: { element: [{ id: 'B.x', path: 'B.x', min: 1, definition: 'kept' }] } } },
  ],
};
const expected = {
  resourceType: 'Bundle',
  entry: [
    { resource: { resourceType: 'StructureDefinition', id: 'A', snapshot: { element: [{ id: 'A', path: 'A', min: 0 }] } } },
    published.entry[1],
  ],
};

function setUp(): { source: DefinitionSource; done(): void } {
  const root = mkdtempSync(join(tmpdir(), 'healthtrail-definitions-'));
  const dir = join(root, 'r4');
  mkdirSync(dir);
  writeFileSync(join(dir, 'profiles.json'), JSON.stringify(published, null, 2));
  return { source: { dir, version: '9.9.9', cacheDir: join(root, 'cache') }, done: () => rmSync(root, { recursive: true, force: true }) };
}

describe('R4 definitions without narratives', () => {
  it('drops only the narratives, and reads the cached copy from then on', () => {
    const { source, done } = setUp();
    try {
      assert.deepEqual(readWithoutNarratives(source, 'profiles.json'), expected);
      assert.deepEqual(readdirSync(source.cacheDir), ['r4-9.9.9-profiles.json'], 'one file, no leftovers');
      rmSync(join(source.dir, 'profiles.json'));
      assert.deepEqual(readWithoutNarratives(source, 'profiles.json'), expected, 'the published file is no longer needed');
    } finally {
      done();
    }
  });

  it('makes the copy again when the cached one is unreadable', () => {
    const { source, done } = setUp();
    try {
      mkdirSync(source.cacheDir);
      writeFileSync(join(source.cacheDir, 'r4-9.9.9-profiles.json'), '{"resourceType": "Bund');
      assert.deepEqual(readWithoutNarratives(source, 'profiles.json'), expected);
      assert.deepEqual(readWithoutNarratives({ ...source, dir: join(source.dir, 'gone') }, 'profiles.json'), expected, 'rewritten whole');
    } finally {
      done();
    }
  });

  it('works without a writable cache folder', () => {
    const { source, done } = setUp();
    try {
      writeFileSync(source.cacheDir, 'a file where the folder would go');
      assert.deepEqual(readWithoutNarratives(source, 'profiles.json'), expected);
      assert.deepEqual(readWithoutNarratives(source, 'profiles.json'), expected);
      assert.ok(existsSync(join(source.dir, 'profiles.json')));
    } finally {
      done();
    }
  });
});
