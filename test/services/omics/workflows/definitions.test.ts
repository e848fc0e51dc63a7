/**
 * Workflow definitions (src/services/omics/workflows/definitions): unpacking zips safely, engine
 * and main detection as HealthOmics documents it, the digest, and validation with the real
 * cwltool at creation time.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { prepareWorkflowDefinition } from '../../../../src/services/omics/workflows/definitions/prepare-definition.ts';
import { unpackDefinition, INVALID_ZIP } from '../../../../src/services/omics/workflows/definitions/unpack.ts';
import { selectEngineAndMain } from '../../../../src/services/omics/workflows/definitions/select-main.ts';
import { DEFAULT_UNPACK_LIMITS } from '../../../../src/services/omics/workflows/definitions/limits.ts';
import { createEngineRegistry } from '../../../../src/services/omics/workflows/engines/registry.ts';

const TOOL = `cwlVersion: v1.2
class: CommandLineTool
baseCommand: echo
inputs:
  message:
    type: string
    label: What to say
    inputBinding: {position: 1}
outputs: {}
`;

let root: string;
let n = 0;
const dir = () => join(root, `d${n++}`);
const zip = (files: Record<string, string>) => zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strToU8(v)])));

before(() => { root = mkdtempSync(join(tmpdir(), 'healthtrail-defs-')); });
after(() => rmSync(root, { recursive: true, force: true }));

describe('unpacking a definition', () => {
  it('refuses a zip with a ../ entry and writes nothing outside the directory', () => {
    const dest = dir();
    const result = unpackDefinition({ bytes: zip({ 'main.cwl': TOOL, '../escaped.cwl': TOOL }), destDir: dest });
    assert.equal(result.ok, false);
    assert.match((result as { statusMessage: string }).statusMessage, /^Invalid zip file: entry '\.\.\/escaped\.cwl' would be extracted outside/);
    assert.equal(existsSync(join(dest, '..', 'escaped.cwl')), false);
    assert.equal(existsSync(join(dest, 'main.cwl')), false);
  });

  it('refuses absolute and backslash-climbing entries', () => {
    for (const name of ['/etc/evil.cwl', 'a\\..\\..\\evil.cwl', 'C:/evil.cwl']) {
      const result = unpackDefinition({ bytes: zip({ [name]: TOOL }), destDir: dir() });
      assert.equal(result.ok, false, name);
    }
  });

  it('gives AWS\'s "Invalid zip file" for bytes that are not a zip, even a bare .wdl sent as definitionZip', () => {
    const result = unpackDefinition({ bytes: strToU8('version 1.0\nworkflow w {}\n'), destDir: dir() });
    assert.deepEqual(result, { ok: false, statusMessage: INVALID_ZIP });
    const truncated = zip({ 'main.cwl': TOOL }).slice(0, 40);
    assert.deepEqual(unpackDefinition({ bytes: truncated, destDir: dir() }), { ok: false, statusMessage: INVALID_ZIP });
  });

  it('accepts a bare single definition file when the caller allows one', () => {
    const dest = dir();
    const result = unpackDefinition({ bytes: strToU8(TOOL), destDir: dest, bareFileName: 'defs/echo.cwl' });
    assert.deepEqual(result, { ok: true, files: ['echo.cwl'] });
    assert.equal(readFileSync(join(dest, 'echo.cwl'), 'utf8'), TOOL);
  });

  it('bounds entry count and declared uncompressed size', () => {
    const many = zip(Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`f${i}.txt`, 'x'])));
    const limits = { ...DEFAULT_UNPACK_LIMITS, maxEntries: 10 };
    assert.match((unpackDefinition({ bytes: many, destDir: dir(), limits }) as { statusMessage: string }).statusMessage, /more than 10 entries/);
    const big = zipSync({ 'main.cwl': new Uint8Array(5000) });
    const small = { ...DEFAULT_UNPACK_LIMITS, maxTotalBytes: 4096 };
    assert.match((unpackDefinition({ bytes: big, destDir: dir(), limits: small }) as { statusMessage: string }).statusMessage, /more than 4096 bytes uncompressed/);
  });

  it('unpacks nested folders in batches, byte for byte', () => {
    const dest = dir();
    const files = { 'wf/main.cwl': TOOL, 'wf/tools/a.cwl': 'a'.repeat(3000), 'wf/tools/b.cwl': 'b'.repeat(3000) };
    const result = unpackDefinition({ bytes: zip(files), destDir: dest, limits: { ...DEFAULT_UNPACK_LIMITS, batchBytes: 1024 } });
    assert.deepEqual(result, { ok: true, files: Object.keys(files).sort() });
    for (const [name, text] of Object.entries(files)) assert.equal(readFileSync(join(dest, name), 'utf8'), text);
  });
});

describe('engine and main detection', () => {
  it('takes the only definition file, whatever its name', () => {
    assert.deepEqual(selectEngineAndMain(['flow/run-me.wdl', 'flow/README.md']), { ok: true, engine: 'WDL', main: 'flow/run-me.wdl' });
  });
  it('takes main.<ext> among several at the level nearest the root, ignoring deeper and hidden files', () => {
    assert.deepEqual(selectEngineAndMain(['main.nf', 'lib.nf', 'modules/x.nf', '.hidden/y.nf']), { ok: true, engine: 'NEXTFLOW', main: 'main.nf' });
    assert.deepEqual(selectEngineAndMain(['top.cwl', 'tools/a.cwl', 'tools/b.cwl', '.x.cwl']), { ok: true, engine: 'CWL', main: 'top.cwl' });
  });
  it('fails a multi-file definition without main with a message that says to specify main', () => {
    const result = selectEngineAndMain(['count.cwl', 'sum.cwl']);
    assert.deepEqual(result, { ok: false, statusMessage: 'The definition has 2 .cwl files at its top level (count.cwl, sum.cwl) and none is named main.cwl: specify main' });
  });
  it('requires engine when several languages are present, and uses it when given', () => {
    assert.deepEqual(selectEngineAndMain(['main.wdl', 'main.cwl']), { ok: false, statusMessage: 'The definition contains workflow files of more than one language (CWL, WDL): specify the engine' });
    assert.deepEqual(selectEngineAndMain(['main.wdl', 'main.cwl'], 'WDL_LENIENT'), { ok: true, engine: 'WDL_LENIENT', main: 'main.wdl' });
  });
  it('takes the engine from a given main when several languages are present, and refuses a main of another language', () => {
    assert.deepEqual(selectEngineAndMain(['main.wdl', 'flow.cwl'], undefined, 'flow.cwl'), { ok: true, engine: 'CWL', main: 'flow.cwl' });
    assert.deepEqual(selectEngineAndMain(['main.wdl', 'flow.cwl'], 'WDL', 'flow.cwl'), { ok: false, statusMessage: "The main file 'flow.cwl' is not a .wdl file for engine WDL" });
  });
  it('checks a given main exists', () => {
    assert.deepEqual(selectEngineAndMain(['a.cwl', 'b.cwl'], undefined, 'b.cwl'), { ok: true, engine: 'CWL', main: 'b.cwl' });
    assert.equal(selectEngineAndMain(['a.cwl'], undefined, 'nope.cwl').ok, false);
  });
  it('fails a definition with no workflow file', () => {
    assert.equal(selectEngineAndMain(['README.md']).ok, false);
  });
});

describe('prepareWorkflowDefinition', () => {
  const engines = createEngineRegistry({ path: '' });

  it('is ACTIVE with engine, main, files, template and AWS-form digest for a valid CWL zip (validated by cwltool)', async () => {
    const bytes = zip({ 'main.cwl': TOOL });
    const prepared = await prepareWorkflowDefinition({ bytes, destDir: dir(), engines });
    assert.deepEqual(prepared, {
      status: 'ACTIVE', engine: 'CWL', main: 'main.cwl', files: ['main.cwl'], validated: true,
      digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
      parameterTemplate: { message: { description: 'What to say', optional: false } },
    });
  });

  it('is FAILED with cwltool\'s first validation error when cwltool --validate rejects the definition', async () => {
    const bad = TOOL.replace('type: string', 'type: Strin');
    const prepared = await prepareWorkflowDefinition({ bytes: zip({ 'main.cwl': bad }), destDir: dir(), engines });
    assert.equal(prepared.status, 'FAILED');
    const message = (prepared as { statusMessage: string }).statusMessage;
    assert.match(message, /^Tool definition failed validation: .*Field `type` references unknown identifier `Strin`/);
    assert.doesNotMatch(message, new RegExp(root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'no server directories in the message');
  });

  it('is FAILED "Invalid zip file" for a non-zip, with the digest of what was sent', async () => {
    const bytes = strToU8('version 1.0\nworkflow w {}\n');
    const prepared = await prepareWorkflowDefinition({ bytes, destDir: dir(), engines });
    assert.deepEqual(prepared, { status: 'FAILED', statusMessage: 'Invalid zip file', digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}` });
  });

  it('is FAILED for a multi-file zip without main', async () => {
    const prepared = await prepareWorkflowDefinition({ bytes: zip({ 'a.cwl': TOOL, 'b.cwl': TOOL }), destDir: dir(), engines });
    assert.equal(prepared.status, 'FAILED');
    assert.match((prepared as { statusMessage: string }).statusMessage, /none is named main\.cwl: specify main/);
  });

  it('keeps a given parameterTemplate over the extracted one', async () => {
    const parameterTemplate = { message: { description: 'given', optional: true } };
    const prepared = await prepareWorkflowDefinition({ bytes: zip({ 'main.cwl': TOOL }), destDir: dir(), parameterTemplate });
    assert.deepEqual(prepared.status === 'ACTIVE' && prepared.parameterTemplate, parameterTemplate);
  });

  it('extracts a Nextflow template from nextflow_schema.json beside main.nf', async () => {
    const schema = JSON.stringify({ properties: { reads: { type: 'string', description: 'FASTQ reads' } }, required: ['reads'] });
    const prepared = await prepareWorkflowDefinition({ bytes: zip({ 'pipe/main.nf': 'params.reads = null\n', 'pipe/nextflow_schema.json': schema, 'pipe/modules/x.nf': '' }), destDir: dir(), engines });
    assert.deepEqual(prepared.status === 'ACTIVE' && [prepared.engine, prepared.main, prepared.parameterTemplate, prepared.validated],
      ['NEXTFLOW', 'pipe/main.nf', { reads: { description: 'FASTQ reads', optional: false } }, false]);
  });

  it('accepts WDL unchecked when no WDL engine is configured', async () => {
    const prepared = await prepareWorkflowDefinition({ bytes: zip({ 'main.wdl': 'version 1.0\nworkflow w { input { File f } }\n' }), destDir: dir(), engines });
    assert.equal(prepared.status, 'ACTIVE');
    assert.equal(prepared.status === 'ACTIVE' && prepared.validated, false);
  });
});
