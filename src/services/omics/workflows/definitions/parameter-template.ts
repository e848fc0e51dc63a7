/**
 * A workflow's parameterTemplate and AWS's limits on it (model shapes WorkflowParameterTemplate:
 * 1..2000 entries; WorkflowParameterName: 1..128 characters; WorkflowParameterDescription: 0..256;
 * both limited to the Unicode classes L, M, Z, S, N, P — no control characters such as newlines).
 * Extracted descriptions are made to fit (whitespace collapsed, cut at 256) because a definition's
 * help text routinely breaks the pattern (aws-healthomics-tutorials#62); a parameter whose NAME
 * cannot be represented fails the definition.
 */
export interface WorkflowParameter { description?: string; optional?: boolean }
export type ParameterTemplate = Record<string, WorkflowParameter>;

export const MAX_PARAMETERS = 2000;
export const MAX_NAME_LENGTH = 128;
export const MAX_DESCRIPTION_LENGTH = 256;

const ALLOWED = /^[\p{L}\p{M}\p{Z}\p{S}\p{N}\p{P}]+$/u;

/** A description that satisfies AWS's shape: control characters and runs of whitespace become one
 * space, trimmed, at most 256 characters (counted as the model counts: UTF-16 code units). */
export function fitDescription(text: string): string {
  const flat = text.replace(/[\p{C}\s]+/gu, ' ').trim();
  if (flat.length <= MAX_DESCRIPTION_LENGTH) return flat;
  let cut = flat.slice(0, MAX_DESCRIPTION_LENGTH);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut.trimEnd();
}

export interface ExtractedParameter { name: string; optional: boolean; description?: string }

/** The template from extracted parameters, or the reason it cannot be one. */
export function buildTemplate(parameters: readonly ExtractedParameter[]):
  { ok: true; template: ParameterTemplate } | { ok: false; statusMessage: string } {
  if (parameters.length > MAX_PARAMETERS) {
    return { ok: false, statusMessage: `The workflow declares ${parameters.length} parameters; a parameter template holds at most ${MAX_PARAMETERS}` };
  }
  const template: ParameterTemplate = {};
  for (const p of parameters) {
    if (p.name.length < 1 || p.name.length > MAX_NAME_LENGTH || !ALLOWED.test(p.name)) {
      return { ok: false, statusMessage: `The workflow parameter name '${p.name.slice(0, MAX_NAME_LENGTH)}' is not 1-${MAX_NAME_LENGTH} printable characters` };
    }
    template[p.name] = { description: fitDescription(p.description ?? ''), optional: p.optional };
  }
  return { ok: true, template };
}
