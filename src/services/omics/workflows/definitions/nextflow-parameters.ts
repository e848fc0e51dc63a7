/**
 * A Nextflow workflow's parameters: from `nextflow_schema.json` beside the main file when there is
 * one (JSON Schema: `properties` at the top level and in `definitions`/`$defs` groups, `required`
 * lists; a parameter is optional unless required without a default; description from
 * `description`), otherwise from `params.x = …` assignments and `params { x = … }` blocks in the
 * main file and nextflow.config (optional unless assigned null).
 */
import type { ExtractedParameter } from './parameter-template.ts';

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function nextflowSchemaParameters(schemaText: string): { ok: true; parameters: ExtractedParameter[] } | { ok: false; statusMessage: string } {
  let schema: Json;
  try {
    schema = JSON.parse(schemaText);
  } catch (error) {
    return { ok: false, statusMessage: `nextflow_schema.json is not valid JSON: ${(error as Error).message}` };
  }
  if (!isObject(schema)) return { ok: false, statusMessage: 'nextflow_schema.json is not a JSON object' };
  const byName = new Map<string, ExtractedParameter>();
  const collect = (group: Json) => {
    if (!isObject(group) || !isObject(group.properties)) return;
    const required = new Set(Array.isArray(group.required) ? group.required.filter((r) => typeof r === 'string') : []);
    for (const [name, prop] of Object.entries(group.properties)) {
      const p = isObject(prop) ? prop : {};
      byName.set(name, {
        name,
        optional: !required.has(name) || p.default !== undefined,
        description: typeof p.description === 'string' ? p.description : undefined,
      });
    }
  };
  for (const key of ['definitions', '$defs'] as const) {
    const groups = schema[key];
    if (isObject(groups)) for (const group of Object.values(groups)) collect(group);
  }
  collect(schema);
  return { ok: true, parameters: [...byName.values()] };
}

/** `params.name = value` and `params { name = value }` in Nextflow scripts and config files. */
export function nextflowScriptParameters(sources: readonly string[]): ExtractedParameter[] {
  const byName = new Map<string, ExtractedParameter>();
  const add = (name: string, value: string) => {
    const optional = !/^null\b/.test(value.trim());
    if (!byName.has(name)) byName.set(name, { name, optional });
  };
  for (const source of sources) {
    const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
    for (const m of text.matchAll(/^\s*params\.([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)(.*)$/gm)) add(m[1]!, m[2]!);
    for (const block of text.matchAll(/^\s*params\s*\{([^{}]*)\}/gm)) {
      for (const m of block[1]!.matchAll(/^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)(.*)$/gm)) add(m[1]!, m[2]!);
    }
  }
  return [...byName.values()];
}
