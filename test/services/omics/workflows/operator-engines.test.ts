/**
 * The WDL and Nextflow adapters (src/services/omics/workflows/engines/wdl-engine.ts,
 * nextflow-engine.ts) and the engine registry. No WDL or Nextflow engine can be installed on this
 * project's machines, so:
 *   - without one, a run ends FAILED naming the missing engine and the setting (the real path);
 *   - the adapters' contract (the command line they build, the inputs file, how outputs are
 *     published, failure reasons, cancel) is tested against stand-in executables written below,
 *     which record their argv and write outputs the way miniwdl's/nextflow's documentation
 *     describes. That shows the adapter keeps its side of the contract, NOT that real
 *     miniwdl/nextflow behave as documented.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WdlEngine, WDL_NOT_CONFIGURED } from '../../../../src/services/omics/workflows/engines/wdl-engine.ts';
import { NextflowEngine, NEXTFLOW_NOT_CONFIGURED } from '../../../../src/services/omics/workflows/engines/nextflow-engine.ts';
import { createEngineRegistry, engineSettingsFromEnv } from '../../../../src/services/omics/workflows/engines/registry.ts';
import type { EngineRunListener } from '../../../../src/services/omics/workflows/engines/engine.ts';
import { livePids } from '../../../../src/services/omics/workflows/engines/process-group.ts';

const quiet: EngineRunListener = { task() {}, taskLog() {}, engineLog() {} };
let root: string;
let def: string;

const FAKE_MINIWDL = `#!/bin/sh
# Stand-in for miniwdl: records argv in its working directory, then acts as documented.
printf '%s\\n' "$@" > argv.txt
case "$1" in
  check) if grep -q BROKEN "$2"; then echo "(main.wdl Ln 2 Col 1) Unknown type BROKEN" >&2; exit 2; fi; exit 0 ;;
  run)
    if grep -q SLEEP "$2"; then sleep 60; fi
    if grep -q FAIL "$2"; then echo "2026-01-01 wdl.w:call-t ERROR task failed: exit status 1" >&2; exit 2; fi
    dir="$6"; dir="\${dir%/.}"
    printf 'total\\n' > "$dir/total.txt"; printf 'a\\n' > "$dir/a.txt"; printf 'b\\n' > "$dir/b.txt"
    printf '{"dir": "%s", "outputs": {"w.total": "%s/total.txt", "w.parts": ["%s/a.txt", "%s/b.txt"], "w.n": 3}}\\n' "$dir" "$dir" "$dir" "$dir"
    ;;
esac
`;

const FAKE_NEXTFLOW = `#!/bin/sh
# Stand-in for nextflow: records argv, writes a result into the outdir param.
printf '%s\\n' "$@" > argv.txt
params="$4"
outdir=$(sed -n 's/.*"outdir":"\\([^"]*\\)".*/\\1/p' "$params")
echo "N E X T F L O W  ~  version 23.10.0"
printf 'done\\n' > "$outdir/result.txt"
`;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'healthtrail-engines-'));
  def = join(root, 'def');
  mkdirSync(def);
  writeFileSync(join(def, 'main.wdl'), 'version 1.0\nworkflow w { input { File f } }\n');
  writeFileSync(join(def, 'broken.wdl'), 'version 1.0\nBROKEN\n');
  writeFileSync(join(def, 'fail.wdl'), 'version 1.0\n# FAIL\nworkflow w {}\n');
  writeFileSync(join(def, 'sleep.wdl'), 'version 1.0\n# SLEEP\nworkflow w {}\n');
  writeFileSync(join(def, 'main.nf'), 'params.reads = null\n');
  for (const [name, text] of [['miniwdl', FAKE_MINIWDL], ['nextflow', FAKE_NEXTFLOW]] as const) {
    writeFileSync(join(root, name), text);
    chmodSync(join(root, name), 0o755);
  }
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('WDL engine', () => {
  it('without an engine, a run ends FAILED naming the missing engine and the setting; validation is skipped', async () => {
    const engine = new WdlEngine('WDL', { path: join(root, 'empty-path') });
    const result = await engine.run({ definitionDir: def, main: 'main.wdl', inputs: {}, workDir: join(root, 'w0'), outputDir: join(root, 'o0'), listener: quiet }).done;
    assert.deepEqual(result, { status: 'FAILED', failureReason: WDL_NOT_CONFIGURED });
    assert.equal(WDL_NOT_CONFIGURED, 'No WDL engine is configured: set HEALTHTRAIL_WDL_ENGINE to a miniwdl executable or put miniwdl on PATH');
    assert.deepEqual(await engine.validate(def, 'main.wdl'), { ok: true, checked: false });
    const configuredButMissing = new WdlEngine('WDL', { command: join(root, 'no-such-miniwdl'), path: root });
    assert.equal((await configuredButMissing.run({ definitionDir: def, main: 'main.wdl', inputs: {}, workDir: join(root, 'w1'), outputDir: join(root, 'o1'), listener: quiet }).done).failureReason, WDL_NOT_CONFIGURED);
  });

  it('(stand-in miniwdl) runs `miniwdl run <main> -i inputs.json --dir <dir>/.` and publishes outputs as <name>/[<index>/]<file>', async () => {
    const engine = new WdlEngine('WDL', { path: root });
    const workDir = join(root, 'w2');
    const outputDir = join(root, 'o2');
    const result = await engine.run({ definitionDir: def, main: 'main.wdl', inputs: { f: '/data/in.txt' }, workDir, outputDir, listener: quiet }).done;
    assert.equal(result.status, 'COMPLETED', result.failureReason);
    assert.deepEqual(readFileSync(join(workDir, 'argv.txt'), 'utf8').trim().split('\n'),
      ['run', join(def, 'main.wdl'), '-i', join(workDir, 'inputs.json'), '--dir', `${join(workDir, 'run')}/.`, '--no-cache']);
    assert.deepEqual(JSON.parse(readFileSync(join(workDir, 'inputs.json'), 'utf8')), { f: '/data/in.txt' });
    assert.deepEqual(result.outputs, {
      'w.total': join(outputDir, 'total', 'total.txt'),
      'w.parts': [join(outputDir, 'parts', '0', 'a.txt'), join(outputDir, 'parts', '1', 'b.txt')],
      'w.n': 3,
    });
    assert.equal(readFileSync(join(outputDir, 'parts', '1', 'b.txt'), 'utf8'), 'b\n');
  });

  it('(stand-in miniwdl) validation reports `miniwdl check`\'s error; a failed run reports the engine\'s error line', async () => {
    const engine = new WdlEngine('WDL_LENIENT', { command: join(root, 'miniwdl') });
    assert.deepEqual(await engine.validate(def, 'broken.wdl'), { ok: false, statusMessage: '(main.wdl Ln 2 Col 1) Unknown type BROKEN' });
    assert.deepEqual(await engine.validate(def, 'main.wdl'), { ok: true, checked: true });
    const result = await engine.run({ definitionDir: def, main: 'fail.wdl', inputs: {}, workDir: join(root, 'w3'), outputDir: join(root, 'o3'), listener: quiet }).done;
    assert.deepEqual(result, { status: 'FAILED', failureReason: '2026-01-01 wdl.w:call-t ERROR task failed: exit status 1' });
  });

  it('(stand-in miniwdl) cancel ends the engine\'s process group', async () => {
    const engine = new WdlEngine('WDL', { path: root });
    const handle = engine.run({ definitionDir: def, main: 'sleep.wdl', inputs: {}, workDir: join(root, 'w4'), outputDir: join(root, 'o4'), listener: quiet });
    let pgid: number | undefined;
    for (let i = 0; i < 200 && !(pgid !== undefined && livePids(pgid).length >= 2); i++) { await new Promise((r) => setTimeout(r, 25)); pgid = handle.processGroup(); }
    assert.ok(pgid !== undefined && livePids(pgid).length >= 2, 'the stand-in and its sleep are running');
    await handle.cancel();
    assert.deepEqual(await handle.done, { status: 'CANCELLED' });
    assert.deepEqual(livePids(pgid), []);
  });
});

describe('Nextflow engine', () => {
  it('without an engine, a run ends FAILED naming the missing engine and the setting', async () => {
    const result = await new NextflowEngine({ path: '' }).run({ definitionDir: def, main: 'main.nf', inputs: {}, workDir: join(root, 'n0'), outputDir: join(root, 'no0'), listener: quiet }).done;
    assert.deepEqual(result, { status: 'FAILED', failureReason: NEXTFLOW_NOT_CONFIGURED });
    assert.match(NEXTFLOW_NOT_CONFIGURED, /HEALTHTRAIL_NEXTFLOW_ENGINE/);
  });

  it('(stand-in nextflow) runs `nextflow run <main> -params-file … -work-dir … -ansi-log false` with outdir = the output directory', async () => {
    const workDir = join(root, 'n1');
    const outputDir = join(root, 'no1');
    const lines: string[] = [];
    const result = await new NextflowEngine({ command: join(root, 'nextflow') }).run({
      definitionDir: def, main: 'main.nf', inputs: { reads: '/data/r.fq' }, workDir, outputDir, listener: { ...quiet, engineLog: (l) => lines.push(l) },
    }).done;
    assert.deepEqual(result, { status: 'COMPLETED', outputs: {} });
    assert.deepEqual(readFileSync(join(workDir, 'argv.txt'), 'utf8').trim().split('\n'),
      ['run', join(def, 'main.nf'), '-params-file', join(workDir, 'inputs.json'), '-work-dir', join(workDir, 'work'), '-ansi-log', 'false']);
    assert.deepEqual(JSON.parse(readFileSync(join(workDir, 'inputs.json'), 'utf8')), { outdir: outputDir, reads: '/data/r.fq' });
    assert.equal(readFileSync(join(outputDir, 'result.txt'), 'utf8'), 'done\n');
    assert.deepEqual(lines, ['N E X T F L O W  ~  version 23.10.0']);
  });
});

describe('engine registry', () => {
  it('has one engine per HealthOmics engine name, configured from HEALTHTRAIL_* settings', () => {
    const registry = createEngineRegistry(engineSettingsFromEnv({ PATH: '', HEALTHTRAIL_WDL_ENGINE: '/opt/miniwdl' }));
    assert.deepEqual([...registry.keys()].sort(), ['CWL', 'NEXTFLOW', 'WDL', 'WDL_LENIENT']);
    for (const [name, engine] of registry) assert.equal(engine.name, name);
  });
});
