/**
 * An import line prepared apart from the database (import-prepare.ts, in a worker thread or
 * inline) and then applied (writes.ts updatePrepared) leaves exactly what a REST PUT of the same
 * body leaves: stored JSON, versions, history and index rows, and the same refusals in the same
 * order of checks. The worker pool answers what the inline function answers.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { INDEX_TABLES } from '../../../src/services/healthlake/fhir/repository.ts';
import type { FhirContext } from '../../../src/services/healthlake/fhir/context.ts';
import { isFhirError } from '../../../src/services/healthlake/fhir/errors.ts';
import { updatePrepared, updateResource } from '../../../src/services/healthlake/fhir/writes.ts';
import { prepareLines, refusalError, type PreparedLine } from '../../../src/services/healthlake/jobs/import-prepare.ts';
import { PreparePool } from '../../../src/services/healthlake/jobs/import-prepare-pool.ts';
import { mapKeys } from '../../../src/services/healthlake/fhir/packed-rows.ts';
import { memoryFhirContext } from '../../helpers/fhir-context.ts';

const LINES = [
  { resourceType: 'Patient', id: 'p1', gender: 'male', meta: { source: 'src', versionId: '77', tag: [{ code: 't' }] } },
  { resourceType: 'Observation', id: 'o1', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8302-2' }, { system: 'http://loinc.org', code: '8302-2' }] },
    subject: { reference: 'Patient/p1' }, valueQuantity: { value: 5, system: 'http://unitsofmeasure.org', code: 'mg' } },
  { resourceType: 'Patient', id: 'p5', gender: 'robot' },
  { resourceType: 'Patient', id: 'p1', gender: 'female', name: [{ family: 'Again', given: ['é "q"'] }] },
  { resourceType: 'AuditEvent', id: 'a1', type: { code: 'rest' }, recorded: '2024-01-01T00:00:00Z', agent: [{ requestor: true }], source: { observer: { display: 'x' } } },
  { resourceType: 'AuditEvent', id: 'a1', type: { code: 'rest' }, recorded: 'not a date', agent: [{ requestor: true }], source: { observer: { display: 'x' } } },
  { resourceType: 'Patient', id: 'bad id!' },
  { resourceType: 'Unknown', id: 'u1' },
  { resourceType: 'Patient', id: 'p1', gender: 'other' },
].map((l) => JSON.stringify(l));

type Outcome = { ok: true; status: number; version: number } | { ok: false; status: number; outcome: unknown };

function viaRest(ctx: FhirContext): Outcome[] {
  return LINES.map((text) => {
    const body = JSON.parse(text);
    try {
      const w = ctx.repo.db.transaction(() => updateResource(ctx, body, body.resourceType, String(body.id)));
      return { ok: true, status: w.status, version: w.version };
    } catch (e) {
      if (!isFhirError(e)) throw e;
      return { ok: false, status: e.status ?? 400, outcome: e.outcome };
    }
  });
}

function viaPrepared(ctx: FhirContext, prepared: PreparedLine[]): Outcome[] {
  return prepared.map((line) => {
    if (line.kind === 'refused') return { ok: false, status: line.refusal.status, outcome: line.refusal.outcome };
    assert.equal(line.kind, 'update');
    if (line.kind !== 'update') throw new Error('unreachable');
    try {
      const w = ctx.repo.db.transaction(() => updatePrepared(ctx, line.rtype, line.id, line.prepared ?? refusalError(line.invalid!)));
      return { ok: true, status: w.status, version: w.version };
    } catch (e) {
      if (!isFhirError(e)) throw e;
      return { ok: false, status: e.status ?? 400, outcome: e.outcome };
    }
  });
}

function state(ctx: FhirContext): unknown {
  const all = (sql: string) => ctx.repo.db.sql.prepare(sql).all();
  return {
    resources: all('SELECT rid, rtype, id, version, updated, method, deleted, content FROM fhir_resources ORDER BY rid'),
    history: all('SELECT rtype, id, version, updated, method, deleted, content FROM fhir_history ORDER BY rtype, id, version'),
    index: Object.fromEntries(INDEX_TABLES.map((t) => [t, all(`SELECT * FROM fhir_idx_${t} ORDER BY rid, key, n`)])),
  };
}

describe('import lines prepared apart from the database', () => {
  const pool = new PreparePool(1);
  after(() => pool.close());

  for (const level of ['strict', 'minimal'] as const) {
    it(`leave what REST PUT leaves, refusals included (${level})`, () => {
      const rest = memoryFhirContext({ validationLevel: level });
      const imported = memoryFhirContext({ validationLevel: level });
      const now = rest.now.getTime();
      const prepared = prepareLines(LINES.map((text, i) => ({ lineId: i + 1, text })), level, now);
      assert.deepEqual(viaPrepared(imported, prepared), viaRest(rest));
      assert.deepEqual(state(imported), state(rest));
    });
  }

  it('hold the check order of an update: an existing AuditEvent is 405 before its validation', () => {
    const ctx = memoryFhirContext();
    const prepared = prepareLines([4, 5].map((i) => ({ lineId: i + 1, text: LINES[i]! })), 'strict', ctx.now.getTime());
    assert.ok(prepared[1]!.kind === 'update' && prepared[1]!.invalid, 'the second AuditEvent fails validation');
    const out = viaPrepared(ctx, prepared);
    assert.equal(out[0]!.status, 201);
    assert.equal(out[1]!.status, 405);
  });

  it('come back the same from a worker thread as inline', async () => {
    const lines = [...LINES, '', '{"resourceType":', '[1]', '{"resourceType":"Patient"}'].map((text, i) => ({ lineId: i + 1, text }));
    const now = Date.UTC(2024, 4, 1);
    // Until the worker says it is ready the pool prepares inline: wait for it.
    await pool.whenReady();
    assert.equal(pool.size, 1, 'the worker thread started (it loads TypeScript through tsx)');
    const before = { ...pool.batches };
    // Rows come back with the repository's key integers in place of the names.
    const repo = memoryFhirContext().repo;
    const inline = prepareLines(lines, 'strict', now);
    for (const l of inline) if (l.kind === 'update' && l.prepared) mapKeys(l.prepared.rows, (name) => repo.key(name as string));
    assert.deepEqual(await pool.prepare(lines, 'strict', now, (name) => repo.key(name)), inline);
    // Applied, the worker's lines leave what REST PUT leaves.
    const rest = memoryFhirContext();
    const target = memoryFhirContext();
    const pooled = await pool.prepare(LINES.map((text, i) => ({ lineId: i + 1, text })), 'strict', rest.now.getTime(), (name) => target.repo.key(name));
    assert.deepEqual(viaPrepared(target, pooled), viaRest(rest));
    assert.deepEqual(state(target), state(rest));
    assert.deepEqual(pool.batches, { thread: before.thread + 2, inline: before.inline });
  });
});
