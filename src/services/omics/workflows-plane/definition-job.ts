/**
 * The asynchronous half of CreateWorkflow / CreateWorkflowVersion: a definition CREATING is
 * prepared (workflows/definitions/prepare-definition.ts: unpack, engine and main, parameter
 * template, digest, the engine's own validator) and becomes ACTIVE, or FAILED with a
 * statusMessage that says what is wrong. The work is idempotent, so a definition found CREATING
 * at start-up (the server stopped mid-way) is simply prepared again. Also collects the bytes of
 * deleted definitions once their delete has committed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { join, normalize } from 'node:path';
import type { Readable } from 'node:stream';
import type { OmicsDeps } from '../deps.ts';
import { prepareWorkflowDefinition, type PreparedDefinition } from '../workflows/definitions/prepare-definition.ts';
import type { ParameterTemplate } from '../workflows/definitions/parameter-template.ts';
import type { WorkflowEngineName } from '../workflows/definitions/languages.ts';
import { unpackDefinition } from '../workflows/definitions/unpack.ts';
import type { EngineRegistry } from '../workflows/engines/registry.ts';
import { validateTemplate } from './template-rules.ts';
import type { DefinitionRow, WorkflowStore } from './workflow-store.ts';

export async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The definition's bytes as CreateWorkflow stored them. */
export async function definitionBytesOf(deps: OmicsDeps, row: DefinitionRow): Promise<Buffer | undefined> {
  const object = await deps.files.get(row.definition_key);
  return object ? readAll(object.body) : undefined;
}

/** A file named by a path inside the definition (parameterTemplatePath, readmePath), or undefined. */
function fileInside(dir: string, path: string): string | undefined {
  const rel = normalize(path).replace(/^\/+/, '');
  if (rel.startsWith('..')) return undefined;
  try {
    return readFileSync(join(dir, rel), 'utf8');
  } catch {
    return undefined;
  }
}

export function registerDefinitionJobs(deps: OmicsDeps, store: WorkflowStore, engines: EngineRegistry): void {
  const workRoot = join(deps.config.dataDir, 'omics-work', 'definitions');

  const prepare = async (row: DefinitionRow): Promise<PreparedDefinition & { readme?: string }> => {
    const bytes = await definitionBytesOf(deps, row);
    if (!bytes) return { status: 'FAILED', statusMessage: 'The workflow definition could not be read back from storage', digest: '' };
    mkdirSync(workRoot, { recursive: true });
    const dir = mkdtempSync(join(workRoot, `${row.uuid}-`));
    try {
      let parameterTemplate = row.parameter_template === null ? undefined : JSON.parse(row.parameter_template) as ParameterTemplate;
      if (row.parameter_template_path !== null) {
        const probe = join(dir, 'probe');
        const unpacked = unpackDefinition({ bytes, destDir: probe, bareFileName: row.bare_file_name ?? undefined });
        if (!unpacked.ok) return { status: 'FAILED', statusMessage: unpacked.statusMessage, digest: '' };
        const text = fileInside(probe, row.parameter_template_path);
        if (text === undefined) return { status: 'FAILED', statusMessage: `parameterTemplatePath ${row.parameter_template_path} is not a file of the definition`, digest: '' };
        try {
          parameterTemplate = JSON.parse(text) as ParameterTemplate;
        } catch {
          return { status: 'FAILED', statusMessage: `parameterTemplatePath ${row.parameter_template_path} is not JSON`, digest: '' };
        }
        const problem = validateTemplate(parameterTemplate);
        if (problem) return { status: 'FAILED', statusMessage: `parameterTemplatePath ${row.parameter_template_path}: ${problem}`, digest: '' };
      }
      const destDir = join(dir, 'definition');
      const prepared = await prepareWorkflowDefinition({
        bytes, destDir, bareFileName: row.bare_file_name ?? undefined, engine: (row.engine ?? undefined) as WorkflowEngineName | undefined,
        main: row.main ?? undefined, parameterTemplate, engines,
      });
      if (prepared.status === 'ACTIVE' && row.readme_path !== null) {
        const readme = fileInside(destDir, row.readme_path);
        if (readme === undefined) return { status: 'FAILED', statusMessage: `readmePath ${row.readme_path} is not a file of the definition`, digest: prepared.digest };
        return { ...prepared, readme };
      }
      return prepared;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  deps.jobs.register({
    name: 'WorkflowDefinition',
    concurrency: 1,
    runnable: () => store.creating(),
    async run(uuid) {
      const row = store.byUuid(uuid);
      if (!row || row.status !== 'CREATING') return;
      const prepared = await prepare(row);
      deps.db.transaction(() => {
        store.settle(uuid, prepared.status === 'ACTIVE'
          ? {
            status: 'ACTIVE', status_message: null, engine: prepared.engine, main: prepared.main, digest: prepared.digest,
            parameter_template: prepared.parameterTemplate === undefined ? null : JSON.stringify(prepared.parameterTemplate),
          }
          : {
            status: 'FAILED', status_message: prepared.statusMessage, engine: prepared.engine ?? row.engine, main: prepared.main ?? row.main,
            digest: prepared.digest === '' ? null : prepared.digest, parameter_template: row.parameter_template,
          });
        if (prepared.readme !== undefined) store.update(uuid, { readme_markdown: prepared.readme });
      });
    },
  });

  deps.jobs.register({
    name: 'WorkflowDefinitionCollect',
    runnable: () => (store.garbage().length > 0 ? ['collect'] : []),
    async run() {
      for (const key of store.garbage()) {
        await deps.files.delete(key);
        deps.db.transaction(() => store.collected(key));
      }
    },
  });
}
