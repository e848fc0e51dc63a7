/**
 * Nextflow through an engine the operator supplies (HEALTHTRAIL_NEXTFLOW_ENGINE, else `nextflow`
 * on PATH): it is not installable from the registries this project may use. The command line
 * follows Nextflow's documentation and is tested only against a stand-in executable:
 *   nextflow run <main> -params-file inputs.json -work-dir <workDir>/work -ansi-log false [-resume]
 * run in workDir (where Nextflow keeps .nextflow/ and its log). Like HealthOmics, which has
 * pipelines publish to a directory it then exports, the run's outputDir is passed as the
 * `outdir` parameter unless the run sets one. Nextflow has no output object, so outputs are
 * empty. Nextflow 23/24 has no validate-only command, so definitions are accepted unchecked.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { withAbsoluteDirs, type EngineRunResult, type EngineRunSpec, type EngineValidation, type RunHandle, type WorkflowEngine } from './engine.ts';
import { EngineProcesses } from './engine-processes.ts';
import { findExecutable } from './find-executable.ts';
import { notConfiguredRun, TailLines } from './operator-engine.ts';
import type { OperatorEngineOptions } from './wdl-engine.ts';

export const NEXTFLOW_NOT_CONFIGURED = 'No Nextflow engine is configured: set HEALTHTRAIL_NEXTFLOW_ENGINE to a nextflow executable or put nextflow on PATH';

export class NextflowEngine implements WorkflowEngine {
  readonly name = 'NEXTFLOW' as const;
  constructor(private readonly options: OperatorEngineOptions = {}) {}

  private executable(): string | undefined {
    return findExecutable(this.options.command, 'nextflow', this.options.path);
  }

  async validate(): Promise<EngineValidation> {
    return { ok: true, checked: false };
  }

  run(spec: EngineRunSpec): RunHandle {
    const command = this.executable();
    if (command === undefined) return notConfiguredRun(NEXTFLOW_NOT_CONFIGURED);
    const processes = new EngineProcesses();
    const done = this.execute(command, withAbsoluteDirs(spec), processes).then(
      (result) => (processes.cancelled ? { status: 'CANCELLED' } as EngineRunResult : result),
      (error: Error): EngineRunResult => ({ status: 'FAILED', failureReason: `The Nextflow engine failed: ${error.message}` }),
    );
    return { done, processGroup: () => processes.processGroup(), cancel: async () => { await processes.cancel(); await done; } };
  }

  private async execute(command: string, spec: EngineRunSpec, processes: EngineProcesses): Promise<EngineRunResult> {
    mkdirSync(spec.workDir, { recursive: true });
    mkdirSync(spec.outputDir, { recursive: true });
    const paramsPath = join(spec.workDir, 'inputs.json');
    writeFileSync(paramsPath, JSON.stringify({ outdir: spec.outputDir, ...spec.inputs }));
    const workDir = spec.cacheDir ?? join(spec.workDir, 'work');
    const args = ['run', resolve(spec.definitionDir, spec.main), '-params-file', paramsPath, '-work-dir', workDir, '-ansi-log', 'false',
      ...(spec.cacheDir === undefined ? [] : ['-resume'])];
    const tail = new TailLines();
    const log = (l: string) => { tail.push(l); spec.listener.engineLog(l); };
    const run = await processes.exec(command, args, { cwd: spec.workDir, stderrLine: log, stdoutLine: log });
    if (processes.cancelled) return { status: 'CANCELLED' };
    if (run.spawnError !== undefined) return { status: 'FAILED', failureReason: `The Nextflow engine ${command} could not be started (${run.spawnError})` };
    if (run.code !== 0) return { status: 'FAILED', failureReason: tail.reason() ?? `nextflow exited with code ${run.code}` };
    return { status: 'COMPLETED', outputs: {} };
  }
}
