/**
 * The engines by HealthOmics engine name. Adding a language is a new adapter file and a line here.
 * Settings (read by the caller from its environment/config):
 *   HEALTHTRAIL_CWLTOOL          cwltool executable (default: cwltool on PATH)
 *   HEALTHTRAIL_WDL_ENGINE       miniwdl executable (default: miniwdl on PATH)
 *   HEALTHTRAIL_NEXTFLOW_ENGINE  nextflow executable (default: nextflow on PATH)
 */
import { join } from 'node:path';
import type { WorkflowEngineName } from '../definitions/languages.ts';
import type { WorkflowEngine } from './engine.ts';
import { CwlEngine } from './cwl-engine.ts';
import { WdlEngine } from './wdl-engine.ts';
import { NextflowEngine } from './nextflow-engine.ts';

export interface EngineSettings {
  cwltool?: string;
  wdlEngine?: string;
  nextflowEngine?: string;
  /** PATH searched for miniwdl/nextflow. */
  path?: string;
  /** A directory the engines may keep what they derive from definitions in, across the
   * directories definitions are unpacked into (CWL: packed documents, so runs start cwltool once). */
  stateDir?: string;
}

export type EngineRegistry = ReadonlyMap<WorkflowEngineName, WorkflowEngine>;

export function engineSettingsFromEnv(env: NodeJS.ProcessEnv): EngineSettings {
  return { cwltool: env.HEALTHTRAIL_CWLTOOL, wdlEngine: env.HEALTHTRAIL_WDL_ENGINE, nextflowEngine: env.HEALTHTRAIL_NEXTFLOW_ENGINE, path: env.PATH };
}

export function createEngineRegistry(settings: EngineSettings): EngineRegistry {
  const engines: WorkflowEngine[] = [
    new CwlEngine({ command: settings.cwltool, ...(settings.stateDir === undefined ? {} : { packCacheDir: join(settings.stateDir, 'cwl-packed') }) }),
    new WdlEngine('WDL', { command: settings.wdlEngine, path: settings.path }),
    new WdlEngine('WDL_LENIENT', { command: settings.wdlEngine, path: settings.path }),
    new NextflowEngine({ command: settings.nextflowEngine, path: settings.path }),
  ];
  return new Map(engines.map((e) => [e.name, e]));
}
