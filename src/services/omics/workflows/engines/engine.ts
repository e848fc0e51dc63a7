/**
 * The one interface the run machinery drives every workflow language through (DESIGN: a new
 * engine is a new adapter file plus a line in registry.ts, not a change to the run machinery).
 * An engine validates a definition at CreateWorkflow time and runs it: the caller has unpacked the
 * definition, staged every input file locally and chosen the directories; the engine reports
 * tasks and log lines as they happen and ends with a result. It never simulates success.
 */
import { resolve } from 'node:path';
import type { WorkflowEngineName } from '../definitions/languages.ts';

export type EngineTaskStatus = 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

/** One state change of one task (a job the engine ran: one per scatter shard). */
export interface EngineTaskEvent {
  /** The engine's own name for the job, unique within the run (cwltool: count_lines, count_lines_2). */
  name: string;
  status: EngineTaskStatus;
  /** When the engine reported this state. */
  time: Date;
  /** Declared by the task (CWL ResourceRequirement coresMin/ramMin), else the language's default. */
  cpus: number;
  /** GiB, rounded up (GetRunTask's `memory`). */
  memoryGiB: number;
  /** The container image the task names (not pulled: tasks run on the host), for imageDetails. */
  image?: string;
  /** Why the task failed, when status is FAILED. */
  failureReason?: string;
}

export interface EngineRunListener {
  task(event: EngineTaskEvent): void;
  /** A line the task wrote or the engine wrote about it (its command line, its stdout/stderr). */
  taskLog(taskName: string, line: string): void;
  /** Every line of the engine's own output (the run's engine log). */
  engineLog(line: string): void;
}

export interface EngineRunSpec {
  /** The unpacked definition (see definitions/prepare-definition.ts). */
  definitionDir: string;
  /** The main file, relative to definitionDir. */
  main: string;
  /** Run parameters, un-namespaced as HealthOmics takes them, with every file already staged:
   * a file value is a local absolute path (string), or for CWL also {class: 'File', path}. */
  inputs: Record<string, unknown>;
  /** Scratch space for the engine (created if missing; the caller removes it). */
  workDir: string;
  /** Where the run's outputs are written (created if missing). */
  outputDir: string;
  /** A call-cache directory (run caches), for engines that have one. */
  cacheDir?: string;
  listener: EngineRunListener;
  /** The clock for event times (tests inject one). */
  now?: () => Date;
}

export type EngineRunStatus = 'COMPLETED' | 'FAILED' | 'CANCELLED';

export interface EngineRunResult {
  status: EngineRunStatus;
  /** The workflow's outputs as the engine reports them (CWL: cwltool's output object, file
   * locations inside outputDir). */
  outputs?: Record<string, unknown>;
  failureReason?: string;
}

export interface RunHandle {
  /** Settles when the run ends, never rejects. */
  readonly done: Promise<EngineRunResult>;
  /** The process group of the engine process running now (its pid), for the caller to record so
   * a restarted server can end it with killProcessGroup; undefined between processes. */
  processGroup(): number | undefined;
  /** Ends the whole process tree (TERM, then KILL after a grace period); `done` settles CANCELLED. */
  cancel(): Promise<void>;
}

export type EngineValidation =
  | { ok: true; checked: boolean }
  | { ok: false; statusMessage: string };

export interface WorkflowEngine {
  readonly name: WorkflowEngineName;
  /** Checks a definition with the engine's own validator; `checked: false` when the engine has none
   * available (the definition is then accepted unchecked, as the brief allows for WDL/Nextflow). */
  validate(definitionDir: string, main: string): Promise<EngineValidation>;
  run(spec: EngineRunSpec): RunHandle;
}

/** The spec with its directories made absolute (engines run in workDir, so relative ones would move). */
export function withAbsoluteDirs(spec: EngineRunSpec): EngineRunSpec {
  return {
    ...spec,
    definitionDir: resolve(spec.definitionDir), workDir: resolve(spec.workDir), outputDir: resolve(spec.outputDir),
    ...(spec.cacheDir === undefined ? {} : { cacheDir: resolve(spec.cacheDir) }),
  };
}
