/**
 * The CWL adapter (src/services/omics/workflows/engines/cwl-engine.ts) running the real cwltool:
 * a two-step workflow with a scatter over a File[] input validated then run to COMPLETED (reusing the
 * packed document validation kept), outputs checked byte
 * for byte, one task per job (scatter shards included) with statuses, times, declared resources
 * and images, logs per task and for the engine; a failing tool; and cancel mid-run leaving no
 * process of the run's process group.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CwlEngine, packedCachePath } from '../../../../src/services/omics/workflows/engines/cwl-engine.ts';
import type { EngineRunListener, EngineTaskEvent } from '../../../../src/services/omics/workflows/engines/engine.ts';
import { livePids } from '../../../../src/services/omics/workflows/engines/process-group.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'count-lines');

interface Recorded { tasks: EngineTaskEvent[]; taskLogs: Map<string, string[]>; engineLog: string[]; listener: EngineRunListener }

function recorder(onTask?: (e: EngineTaskEvent) => void): Recorded {
  const r: Recorded = {
    tasks: [], taskLogs: new Map(), engineLog: [],
    listener: {
      task: (e) => { r.tasks.push(e); onTask?.(e); },
      taskLog: (name, line) => r.taskLogs.set(name, [...(r.taskLogs.get(name) ?? []), line]),
      engineLog: (line) => r.engineLog.push(line),
    },
  };
  return r;
}

let root: string;
before(() => { root = mkdtempSync(join(tmpdir(), 'healthtrail-cwl-')); });
after(() => rmSync(root, { recursive: true, force: true }));

describe('CWL engine (cwltool)', () => {
  it('runs a two-step workflow with a scatter to COMPLETED, outputs byte for byte, a task per job', async () => {
    const staged = join(root, 'staged');
    mkdirSync(staged);
    const contents = ['alpha\nbeta\ngamma\n', '1\n2\n3\n4\n', 'one line\n', ''];
    const paths = contents.map((text, i) => { const p = join(staged, `in${i}.txt`); writeFileSync(p, text); return p; });
    const outputDir = join(root, 'out');
    // As CreateWorkflow then StartRun do: validate (which keeps the packed document), then run.
    const definitionDir = join(root, 'def');
    cpSync(FIXTURE, definitionDir, { recursive: true });
    assert.deepEqual(await new CwlEngine().validate(definitionDir, 'main.cwl'), { ok: true, checked: true });
    assert.ok(existsSync(packedCachePath(definitionDir, 'main.cwl')));
    const rec = recorder();
    const handle = new CwlEngine().run({
      definitionDir, main: 'main.cwl', inputs: { files: paths },
      workDir: join(root, 'work'), outputDir, listener: rec.listener,
    });
    const result = await handle.done;
    assert.equal(result.status, 'COMPLETED', `${result.failureReason}\n${rec.engineLog.join('\n')}`);

    // Outputs: the counts (3, 4, 1, 0) and total.txt = "8\n", in outputDir.
    const outputs = result.outputs as { counts: number[]; total: { path: string; basename: string; size: number } };
    assert.deepEqual(outputs.counts, [3, 4, 1, 0]);
    assert.equal(outputs.total.path, join(outputDir, 'total.txt'));
    assert.deepEqual(readFileSync(join(outputDir, 'total.txt')), Buffer.from('8\n'));
    assert.equal(outputs.total.size, 2);

    // Tasks: one per job, each PENDING → RUNNING → COMPLETED, in cwltool's (serial) order.
    const names = [...new Set(rec.tasks.map((t) => t.name))];
    assert.deepEqual(names, ['count_lines', 'count_lines_2', 'count_lines_3', 'count_lines_4', 'sum']);
    for (const name of names) {
      const events = rec.tasks.filter((t) => t.name === name);
      assert.deepEqual(events.map((e) => e.status), ['PENDING', 'RUNNING', 'COMPLETED'], name);
      assert.ok(events[0]!.time <= events[1]!.time && events[1]!.time <= events[2]!.time, name);
    }
    const first = (name: string) => rec.tasks.find((t) => t.name === name)!;
    // Declared resources: count.cwl coresMin 2, ramMin 512 MiB (→ 1 GiB); sum.cwl ramMin 3000 MiB (→ 3 GiB), cores default 1.
    assert.deepEqual([first('count_lines_3').cpus, first('count_lines_3').memoryGiB], [2, 1]);
    assert.deepEqual([first('sum').cpus, first('sum').memoryGiB], [1, 3]);
    assert.equal(first('count_lines').image, 'public.ecr.aws/docker/library/debian:bookworm-slim');
    assert.equal(first('sum').image, 'public.ecr.aws/docker/library/python:3.11-slim');
    // Jobs run one after another: each ends before the next starts.
    const stops = names.map((n) => rec.tasks.find((t) => t.name === n && t.status === 'COMPLETED')!.time);
    const starts = names.map((n) => rec.tasks.find((t) => t.name === n && t.status === 'RUNNING')!.time);
    for (let i = 1; i < names.length; i++) assert.ok(stops[i - 1]! <= starts[i]!);

    // Logs: each job's own lines (its command, with the file it read), and the engine's.
    assert.ok(rec.taskLogs.get('count_lines_2')!.some((l) => l.includes('wc')), rec.taskLogs.get('count_lines_2')!.join('\n'));
    assert.ok(rec.taskLogs.get('count_lines_2')!.some((l) => l.includes('in1.txt')));
    assert.ok(rec.taskLogs.get('sum')!.some((l) => l.includes("'echo 8'")));
    assert.ok(rec.engineLog.includes('INFO Final process status is success'), rec.engineLog.join('\n'));
    // The packed document from validation was used: cwltool started once, on it.
    assert.equal(rec.engineLog.filter((l) => /^INFO \S*cwltool \d/.test(l)).length, 1);
    assert.ok(rec.engineLog.some((l) => l.includes("Resolved '") && l.includes('packed.json')));
    assert.equal(handle.processGroup(), undefined);
  });

  it('a run of the same definition unpacked elsewhere reuses the packed document kept in packCacheDir, files of the definition included', async () => {
    const created = join(root, 'created');
    mkdirSync(created);
    writeFileSync(join(created, 'main.cwl'), `cwlVersion: v1.2
class: CommandLineTool
baseCommand: cat
inputs:
  greeting:
    type: File
    default: {class: File, location: greeting.txt}
    inputBinding: {position: 1}
stdout: copy.txt
outputs:
  copy: {type: File, outputBinding: {glob: copy.txt}}
`);
    writeFileSync(join(created, 'greeting.txt'), 'hello from the definition\n');
    const packCacheDir = join(root, 'pack-cache');
    assert.deepEqual(await new CwlEngine({ packCacheDir }).validate(created, 'main.cwl'), { ok: true, checked: true });
    const runDef = join(root, 'run-def');
    cpSync(created, runDef, { recursive: true });
    rmSync(created, { recursive: true });
    const rec = recorder();
    const result = await new CwlEngine({ packCacheDir }).run({ definitionDir: runDef, main: 'main.cwl', inputs: {}, workDir: join(root, 'reuse-work'), outputDir: join(root, 'reuse-out'), listener: rec.listener }).done;
    assert.equal(result.status, 'COMPLETED', `${result.failureReason}\n${rec.engineLog.join('\n')}`);
    assert.equal(readFileSync(join(root, 'reuse-out', 'copy.txt'), 'utf8'), 'hello from the definition\n');
    assert.equal(rec.engineLog.filter((l) => /^INFO \S*cwltool \d/.test(l)).length, 1, rec.engineLog.join('\n'));
    // A changed definition is not mistaken for the one that was packed.
    writeFileSync(join(runDef, 'greeting.txt'), 'changed\n');
    assert.equal(existsSync(packedCachePath(runDef, 'main.cwl', packCacheDir)), false);
  });

  it('without cwltool, validation and runs fail naming it and the setting', async () => {
    const engine = new CwlEngine({ command: join(root, 'no-such-cwltool') });
    const reason = `The CWL engine (${join(root, 'no-such-cwltool')}) could not be started: install cwltool or set HEALTHTRAIL_CWLTOOL to its path`;
    assert.deepEqual(await engine.validate(FIXTURE, 'main.cwl'), { ok: false, statusMessage: reason });
    assert.deepEqual(await engine.run({ definitionDir: FIXTURE, main: 'main.cwl', inputs: {}, workDir: join(root, 'nocwl'), outputDir: join(root, 'nocwl-out'), listener: recorder().listener }).done,
      { status: 'FAILED', failureReason: reason });
  });

  it('fails with the failing task and its exit status as the reason', async () => {
    const def = join(root, 'fail-def');
    mkdirSync(def);
    writeFileSync(join(def, 'main.cwl'), `cwlVersion: v1.2
class: Workflow
inputs: {}
outputs: {}
steps:
  boom:
    run:
      class: CommandLineTool
      baseCommand: [sh, -c, "echo going down >&2; exit 3"]
      inputs: {}
      outputs: {}
    in: {}
    out: []
`);
    const rec = recorder();
    const result = await new CwlEngine().run({ definitionDir: def, main: 'main.cwl', inputs: {}, workDir: join(root, 'fail-work'), outputDir: join(root, 'fail-out'), listener: rec.listener }).done;
    assert.deepEqual(result, { status: 'FAILED', failureReason: 'Task boom failed: exited with status: 3' });
    assert.deepEqual(rec.tasks.map((t) => t.status), ['PENDING', 'RUNNING', 'FAILED']);
    assert.equal(rec.tasks[2]!.failureReason, 'exited with status: 3');
    assert.ok(rec.taskLogs.get('boom')!.includes('going down'));
  });

  it('fails with cwltool\'s error for inputs that do not fit the workflow', async () => {
    const rec = recorder();
    const result = await new CwlEngine().run({ definitionDir: FIXTURE, main: 'main.cwl', inputs: {}, workDir: join(root, 'bad-in'), outputDir: join(root, 'bad-out'), listener: rec.listener }).done;
    assert.equal(result.status, 'FAILED');
    assert.match(result.failureReason!, /files/);
    assert.deepEqual(rec.tasks, []);
  });

  it('cancel mid-run ends cwltool and the running step (sleep 60): no process of the group is left', async () => {
    const def = join(root, 'sleep-def');
    mkdirSync(def);
    writeFileSync(join(def, 'main.cwl'), `cwlVersion: v1.2
class: Workflow
inputs: {}
outputs: {}
steps:
  nap:
    run:
      class: CommandLineTool
      baseCommand: [sh, -c, "sleep 60; echo woke"]
      inputs: {}
      outputs: {}
    in: {}
    out: []
`);
    let running!: () => void;
    const started = new Promise<void>((resolve) => { running = resolve; });
    const rec = recorder((e) => { if (e.status === 'RUNNING') running(); });
    const handle = new CwlEngine().run({ definitionDir: def, main: 'main.cwl', inputs: {}, workDir: join(root, 'sleep-work'), outputDir: join(root, 'sleep-out'), listener: rec.listener });
    await started;
    const pgid = handle.processGroup()!;
    assert.ok(pgid > 1);
    // Wait until the step's `sleep` is running in the group (cwltool logs the job just before starting it).
    let members: number[] = [];
    for (let i = 0; i < 200; i++) {
      members = livePids(pgid);
      if (members.some((pid) => readFileSync(`/proc/${pid}/cmdline`, 'latin1').startsWith('sleep'))) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const sleeper = members.find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'latin1').startsWith('sleep'));
    assert.ok(sleeper !== undefined, `no sleep in group ${pgid}: ${members}`);

    await handle.cancel();
    assert.deepEqual(await handle.done, { status: 'CANCELLED' });
    assert.deepEqual(livePids(pgid), []);
    // ps agrees: nothing of the group is left except, at most, exited processes not yet reaped.
    const group = execFileSync('ps', ['-e', '-o', 'pid=,pgid=,stat='], { encoding: 'utf8' }).split('\n')
      .map((l) => l.trim().split(/\s+/)).filter((f) => f[1] === String(pgid));
    assert.ok(group.every((f) => f[2]!.startsWith('Z')), JSON.stringify(group));
    assert.ok(!existsSync(`/proc/${sleeper}`) || readFileSync(`/proc/${sleeper}/stat`, 'latin1').split(') ')[1]!.startsWith('Z'));
    assert.deepEqual(rec.tasks.map((t) => [t.name, t.status]), [['nap', 'PENDING'], ['nap', 'RUNNING'], ['nap', 'CANCELLED']]);
  });
});
