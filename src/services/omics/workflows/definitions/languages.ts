/**
 * The workflow languages HealthOmics accepts and how a definition file is recognised: by its
 * extension, as HealthOmics detects the engine when CreateWorkflow has no `engine`.
 */
export type WorkflowEngineName = 'WDL' | 'WDL_LENIENT' | 'NEXTFLOW' | 'CWL';

/** A definition language; WDL_LENIENT is WDL run with Cromwell-style leniency. */
export type DefinitionLanguage = 'WDL' | 'NEXTFLOW' | 'CWL';

export const EXTENSION_LANGUAGE: Readonly<Record<string, DefinitionLanguage>> = {
  '.wdl': 'WDL',
  '.nf': 'NEXTFLOW',
  '.cwl': 'CWL',
};

export const LANGUAGE_EXTENSION: Readonly<Record<DefinitionLanguage, string>> = {
  WDL: '.wdl',
  NEXTFLOW: '.nf',
  CWL: '.cwl',
};

export function languageOfEngine(engine: WorkflowEngineName): DefinitionLanguage {
  return engine === 'WDL_LENIENT' ? 'WDL' : engine;
}

/** The language of a path by its extension (case-insensitive), or undefined. */
export function languageOfPath(path: string): DefinitionLanguage | undefined {
  const dot = path.lastIndexOf('.');
  if (dot < 0 || dot < path.lastIndexOf('/')) return undefined;
  return EXTENSION_LANGUAGE[path.slice(dot).toLowerCase()];
}
