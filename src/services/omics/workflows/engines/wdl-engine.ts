/**
 * WDL through an engine the operator supplies: miniwdl (HEALTHTRAIL_WDL_ENGINE, else `miniwdl` on
 * PATH). No WDL engine can be installed on this project's machines (omics-formats.md §2.3), and
 * Debian's toil-wdl-runner gave a wrong answer on a two-way scatter, so it is never used. The
 * command lines follow miniwdl's documentation and are tested only against a stand-in executable:
 *   miniwdl check <main>                                  (CreateWorkflow validation)
 *   miniwdl run <main> -i inputs.json --dir <workDir>/run/. [--no-cache]
 * stdout is {"dir": …, "outputs": {"<workflow>.<name>": …}}. Output files are copied to
 * <outputDir>/<name>/… (array members to <name>/<index>/…), HealthOmics's layout for WDL runs.
 * miniwdl's per-task log format is not verified here, so no tasks are reported from its output.
 */
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { writeFileSync } from 'node:fs';
import { withAbsoluteDirs, type EngineRunResult, type EngineRunSpec, type EngineValidation, type RunHandle, type WorkflowEngine } from './engine.ts';
import type { WorkflowEngineName } from '../definitions/languages.ts';
import { EngineProcesses } from './engine-processes.ts';
import { findExecutable } from './find-executable.ts';
import { notConfiguredRun, TailLines } from './operator-engine.ts';

export interface OperatorEngineOptions {
  /** The configured command (a path or a name on PATH); undefined: the default name on PATH. */
  command?: string;
  /** PATH to search (the server's environment). */
  path?: string;
}

export const WDL_NOT_CONFIGURED = 'No WDL engine is configured: set HEALTHTRAIL_WDL_ENGINE to a miniwdl executable or put miniwdl on PATH';

/** Copies the files an output value names into outputDir/<name>[/<index>], returning the value with the new paths. */
function publish(value: unknown, dir: string): unknown {
  if (typeof value === 'string' && value.startsWith('/') && existsSync(value) && statSync(value).isFile()) {
    mkdirSync(dir, { recursive: true });
    const target = join(dir, basename(value));
    copyFileSync(value, target);
    return target;
  }
  if (Array.isArray(value)) return value.map((member, i) => publish(member, join(dir, String(i))));
  return value;
}

export class WdlEngine implements WorkflowEngine {
  readonly name: WorkflowEngineName;
  private readonly options: OperatorEngineOptions;

  constructor(name: 'WDL' | 'WDL_LENIENT', options: OperatorEngineOptions = {}) {
    this.name = name;
    this.options = options;
  }

  private executable(): string | undefined {
    return findExecutable(this.options.command, 'miniwdl', this.options.path);
  }

  async validate(definitionDir: string, main: string): Promise<EngineValidation> {
    const command = this.executable();
    if (command === undefined) return { ok: true, checked: false };
    const tail = new TailLines();
    const result = await new EngineProcesses().exec(command, ['check', main], { cwd: definitionDir, stderrLine: (l) => tail.push(l), stdoutLine: (l) => tail.push(l) });
    if (result.code === 0) return { ok: true, checked: true };
    return { ok: false, statusMessage: tail.reason() ?? `miniwdl check exited with code ${result.code}` };
  }

  run(spec: EngineRunSpec): RunHandle {
    const command = this.executable();
    if (command === undefined) return notConfiguredRun(WDL_NOT_CONFIGURED);
    const processes = new EngineProcesses();
    const done = this.execute(command, withAbsoluteDirs(spec), processes).then(
      (result) => (processes.cancelled ? { status: 'CANCELLED' } as EngineRunResult : result),
      (error: Error): EngineRunResult => ({ status: 'FAILED', failureReason: `The WDL engine failed: ${error.message}` }),
    );
    return { done, processGroup: () => processes.processGroup(), cancel: async () => { await processes.cancel(); await done; } };
  }

  private async execute(command: string, spec: EngineRunSpec, processes: EngineProcesses): Promise<EngineRunResult> {
    mkdirSync(spec.workDir, { recursive: true });
    mkdirSync(spec.outputDir, { recursive: true });
    const inputsPath = join(spec.workDir, 'inputs.json');
    writeFileSync(inputsPath, JSON.stringify(spec.inputs));
    const runDir = join(spec.workDir, 'run');
    mkdirSync(runDir, { recursive: true });
    const tail = new TailLines();
    const args = ['run', resolve(spec.definitionDir, spec.main), '-i', inputsPath, '--dir', `${runDir}/.`, ...(spec.cacheDir === undefined ? ['--no-cache'] : [])];
    const run = await processes.exec(command, args, {
      cwd: spec.workDir,
      env: spec.cacheDir === undefined ? process.env : { ...process.env, MINIWDL__CALL_CACHE__DIR: spec.cacheDir, MINIWDL__CALL_CACHE__GET: 'true', MINIWDL__CALL_CACHE__PUT: 'true' },
      stderrLine: (l) => { tail.push(l); spec.listener.engineLog(l); },
    });
    if (processes.cancelled) return { status: 'CANCELLED' };
    if (run.spawnError !== undefined) return { status: 'FAILED', failureReason: `The WDL engine ${command} could not be started (${run.spawnError})` };
    if (run.code !== 0) return { status: 'FAILED', failureReason: tail.reason() ?? `miniwdl exited with code ${run.code}` };
    let parsed: { outputs?: Record<string, unknown> };
    try { parsed = JSON.parse(run.stdout) as typeof parsed; } catch { return { status: 'FAILED', failureReason: 'miniwdl did not print its outputs as JSON' }; }
    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(parsed.outputs ?? {})) {
      const name = key.slice(key.indexOf('.') + 1);
      outputs[key] = publish(value, join(spec.outputDir, name));
    }
    return { status: 'COMPLETED', outputs };
  }
}
