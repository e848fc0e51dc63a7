/**
 * CreateWorkflow / CreateWorkflowVersion's asynchronous part, without the server: unpack the
 * definition, choose engine and main, extract the parameter template (unless the caller gave
 * one, which overrides it, as in AWS), validate with the engine's own validator, and say ACTIVE
 * or FAILED with a statusMessage that says what is wrong.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EngineRegistry } from '../engines/registry.ts';
import { definitionDigest } from './digest.ts';
import { languageOfEngine, type WorkflowEngineName } from './languages.ts';
import type { UnpackLimits } from './limits.ts';
import { buildTemplate, type ExtractedParameter, type ParameterTemplate } from './parameter-template.ts';
import { selectEngineAndMain } from './select-main.ts';
import { unpackDefinition } from './unpack.ts';
import { cwlParameters } from './cwl-parameters.ts';
import { wdlParameters } from './wdl-parameters.ts';
import { nextflowSchemaParameters, nextflowScriptParameters } from './nextflow-parameters.ts';

export interface PrepareDefinitionInput {
  /** The definition's bytes: definitionZip, or the object definitionUri names. */
  bytes: Uint8Array;
  /** An empty directory to unpack into (kept by the caller for runs). */
  destDir: string;
  /** See unpack.ts: set when a single bare definition file is acceptable (definitionUri's key). */
  bareFileName?: string;
  engine?: WorkflowEngineName;
  main?: string;
  /** The caller's parameterTemplate: used as is instead of the extracted one. */
  parameterTemplate?: ParameterTemplate;
  /** Validators; without one for the engine, the definition is not validated. */
  engines?: EngineRegistry;
  limits?: UnpackLimits;
}

export type PreparedDefinition =
  | {
    status: 'ACTIVE';
    engine: WorkflowEngineName;
    main: string;
    /** Every file of the definition, relative to destDir. */
    files: string[];
    /** Undefined when the workflow declares no parameters (AWS's map has at least one entry). */
    parameterTemplate?: ParameterTemplate;
    digest: string;
    /** false when no validator was available for the engine (WDL/Nextflow without an engine). */
    validated: boolean;
  }
  | {
    status: 'FAILED';
    statusMessage: string;
    digest: string;
    engine?: WorkflowEngineName;
    main?: string;
    files?: string[];
  };

type Extraction = { ok: true; parameters: ExtractedParameter[] } | { ok: false; statusMessage: string };

function extract(engine: WorkflowEngineName, destDir: string, main: string): Extraction {
  const source = readFileSync(join(destDir, main), 'utf8');
  switch (languageOfEngine(engine)) {
    case 'CWL': return cwlParameters(source);
    case 'WDL': return wdlParameters(source);
    case 'NEXTFLOW': {
      const dir = join(destDir, dirname(main));
      const schema = join(dir, 'nextflow_schema.json');
      if (existsSync(schema)) return nextflowSchemaParameters(readFileSync(schema, 'utf8'));
      const config = join(dir, 'nextflow.config');
      return { ok: true, parameters: nextflowScriptParameters([source, ...(existsSync(config) ? [readFileSync(config, 'utf8')] : [])]) };
    }
  }
}

export async function prepareWorkflowDefinition(input: PrepareDefinitionInput): Promise<PreparedDefinition> {
  const digest = definitionDigest(input.bytes);
  const unpacked = unpackDefinition({ bytes: input.bytes, destDir: input.destDir, bareFileName: input.bareFileName, limits: input.limits });
  if (!unpacked.ok) return { status: 'FAILED', statusMessage: unpacked.statusMessage, digest };
  const files = unpacked.files;
  const selection = selectEngineAndMain(files, input.engine, input.main);
  if (!selection.ok) return { status: 'FAILED', statusMessage: selection.statusMessage, digest, files };
  const { engine, main } = selection;
  const failed = (statusMessage: string): PreparedDefinition => ({ status: 'FAILED', statusMessage, digest, engine, main, files });

  let parameterTemplate = input.parameterTemplate;
  if (parameterTemplate === undefined) {
    const extracted = extract(engine, input.destDir, main);
    if (!extracted.ok) return failed(extracted.statusMessage);
    const built = buildTemplate(extracted.parameters);
    if (!built.ok) return failed(built.statusMessage);
    parameterTemplate = built.template;
  }

  let validated = false;
  const validator = input.engines?.get(engine);
  if (validator !== undefined) {
    const validation = await validator.validate(input.destDir, main);
    if (!validation.ok) return failed(validation.statusMessage);
    validated = validation.checked;
  }
  return {
    status: 'ACTIVE', engine, main, files, digest, validated,
    ...(Object.keys(parameterTemplate).length === 0 ? {} : { parameterTemplate }),
  };
}
