/**
 * Which engine and which main file a definition has, as HealthOmics decides when CreateWorkflow
 * leaves `engine` or `main` out (docs, "ZIP archive layout and main definition file"): hidden files
 * and folders are ignored; the engine is the one language whose definition files (.wdl, .nf, .cwl)
 * the archive holds (or the language of a given main), else `engine` is required; main is taken from the definition files nearest the
 * archive root: the only one there, or else the one named main.<ext>.
 */
import { basename } from 'node:path';
import {
  LANGUAGE_EXTENSION, languageOfEngine, languageOfPath, type DefinitionLanguage, type WorkflowEngineName,
} from './languages.ts';

export type Selection =
  | { ok: true; engine: WorkflowEngineName; main: string }
  | { ok: false; statusMessage: string };

const isHidden = (path: string) => path.split('/').some((part) => part.startsWith('.') || part === '__MACOSX');
const depth = (path: string) => path.split('/').length;

export function selectEngineAndMain(files: readonly string[], engine?: WorkflowEngineName, main?: string): Selection {
  const visible = files.filter((f) => !isHidden(f));
  const byLanguage = new Map<DefinitionLanguage, string[]>();
  for (const file of visible) {
    const language = languageOfPath(file);
    if (language !== undefined) byLanguage.set(language, [...(byLanguage.get(language) ?? []), file]);
  }

  const wanted = main?.replace(/\\/g, '/').replace(/^\.\//, '');
  const mainLanguage = wanted === undefined ? undefined : languageOfPath(wanted);
  let chosen: WorkflowEngineName;
  if (engine !== undefined) {
    chosen = engine;
  } else if (mainLanguage !== undefined) {
    // A given main names its language; only choosing main needs a single language.
    chosen = mainLanguage;
  } else if (byLanguage.size === 1) {
    chosen = [...byLanguage.keys()][0]!;
  } else if (byLanguage.size === 0) {
    return { ok: false, statusMessage: 'No workflow definition file (.wdl, .nf or .cwl) was found in the definition' };
  } else {
    const found = [...byLanguage.keys()].sort().join(', ');
    return { ok: false, statusMessage: `The definition contains workflow files of more than one language (${found}): specify the engine` };
  }
  const language = languageOfEngine(chosen);
  const candidates = byLanguage.get(language) ?? [];

  if (main !== undefined && wanted !== undefined) {
    if (!files.includes(wanted)) return { ok: false, statusMessage: `The main file '${main}' was not found in the definition` };
    if (mainLanguage !== undefined && mainLanguage !== language) {
      return { ok: false, statusMessage: `The main file '${main}' is not a ${LANGUAGE_EXTENSION[language]} file for engine ${chosen}` };
    }
    return { ok: true, engine: chosen, main: wanted };
  }
  if (candidates.length === 0) {
    return { ok: false, statusMessage: `No ${LANGUAGE_EXTENSION[language]} definition file was found for engine ${chosen}` };
  }
  const nearest = Math.min(...candidates.map(depth));
  const level = candidates.filter((f) => depth(f) === nearest);
  if (level.length === 1) return { ok: true, engine: chosen, main: level[0]! };
  const named = level.filter((f) => basename(f) === `main${LANGUAGE_EXTENSION[language]}`);
  if (named.length === 1) return { ok: true, engine: chosen, main: named[0]! };
  return {
    ok: false,
    statusMessage: `The definition has ${level.length} ${LANGUAGE_EXTENSION[language]} files at its top level `
      + `(${level.slice(0, 5).join(', ')}${level.length > 5 ? ', …' : ''}) and none is named main${LANGUAGE_EXTENSION[language]}: specify main`,
  };
}
