/**
 * A WDL workflow's parameters, from the workflow's `input {}` block and its `parameter_meta {}`.
 * Hand-written because no WDL parser exists on npm (miniwdl, womtool, wdl-parser are not published
 * there; Debian's python3-wdlparse is Python) and only this much of the grammar is needed: find the
 * main file's `workflow NAME {`, walk its body skipping strings (with `~{}`/`${}` placeholders)
 * and comments, and read the declarations `Type name [= expr]` of its input block. As HealthOmics
 * does, an input of optional type (`File?`) or with a default is optional, and names are not
 * namespaced by the workflow name. The description is parameter_meta's string, or its
 * `description`/`help` member when the entry is an object.
 */
import type { ExtractedParameter } from './parameter-template.ts';

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;

/** Index just past the string literal that starts at `i` (a quote), placeholders included. */
function skipString(text: string, i: number): number {
  const quote = text[i];
  let j = i + 1;
  while (j < text.length) {
    const c = text[j]!;
    if (c === '\\') { j += 2; continue; }
    if (c === quote) return j + 1;
    if ((c === '~' || c === '$') && text[j + 1] === '{') { j = skipBalanced(text, j + 1); continue; }
    j++;
  }
  return text.length;
}

/** Index just past the bracket group that opens at `i` ('{', '[' or '('), strings and comments skipped. */
function skipBalanced(text: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < text.length) {
    const c = text[j]!;
    if (c === '"' || c === "'") { j = skipString(text, j); continue; }
    if (c === '#') { const nl = text.indexOf('\n', j); j = nl < 0 ? text.length : nl; continue; }
    if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') { depth--; if (depth === 0) return j + 1; }
    j++;
  }
  return text.length;
}

/** The top-level `keyword {` blocks of a body (text between the braces), by keyword. */
function topLevelBlocks(body: string): Map<string, string> {
  const blocks = new Map<string, string>();
  let j = 0;
  while (j < body.length) {
    const c = body[j]!;
    if (c === '"' || c === "'") { j = skipString(body, j); continue; }
    if (c === '#') { const nl = body.indexOf('\n', j); j = nl < 0 ? body.length : nl; continue; }
    if (c === '{' || c === '[' || c === '(') { j = skipBalanced(body, j); continue; }
    IDENT.lastIndex = j;
    const m = IDENT.exec(body);
    if (m === null) { j++; continue; }
    const after = body.slice(j + m[0].length).match(/^\s*\{/);
    if (after !== null) {
      const open = j + m[0].length + after[0].length - 1;
      const close = skipBalanced(body, open);
      blocks.set(m[0], body.slice(open + 1, close - 1));
      j = close;
    } else {
      j += m[0].length;
    }
  }
  return blocks;
}

/** Splits a block into its top-level statements: newlines (or commas, for parameter_meta) outside brackets and strings. */
function statements(block: string, separators: string): string[] {
  const out: string[] = [];
  let start = 0;
  let j = 0;
  const push = (end: number) => { const s = block.slice(start, end).trim(); if (s !== '') out.push(s); };
  while (j < block.length) {
    const c = block[j]!;
    if (c === '"' || c === "'") { j = skipString(block, j); continue; }
    if (c === '#') { push(j); const nl = block.indexOf('\n', j); j = nl < 0 ? block.length : nl; start = j; continue; }
    if (c === '{' || c === '[' || c === '(') { j = skipBalanced(block, j); continue; }
    if (separators.includes(c)) { push(j); start = j + 1; }
    j++;
  }
  push(block.length);
  return out;
}

/** A declaration `Type name [= expr]`, allowing type parameters, `?` and `+`; undefined otherwise. */
function declaration(statement: string): { name: string; type: string; hasDefault: boolean } | undefined {
  IDENT.lastIndex = 0;
  const head = IDENT.exec(statement);
  if (head === null) return undefined;
  let j = head[0].length;
  let k = j;
  while (statement[k] === ' ' || statement[k] === '\t') k++;
  if (statement[k] === '[') j = skipBalanced(statement, k);
  while (statement[j] === '?' || statement[j] === '+') j++;
  const type = statement.slice(0, j).replace(/\s+/g, '');
  const rest = statement.slice(j).match(/^\s+([A-Za-z_][A-Za-z0-9_]*)\s*(=)?/);
  if (rest === null) return undefined;
  return { name: rest[1]!, type, hasDefault: rest[2] !== undefined };
}

function unquote(literal: string): string | undefined {
  const m = literal.match(/^(["'])([\s\S]*)\1$/);
  if (m === null) return undefined;
  return m[2]!.replace(/\\(.)/g, (_, ch: string) => (ch === 'n' ? '\n' : ch === 't' ? '\t' : ch));
}

function metaDescriptions(block: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (block === undefined) return out;
  for (const entry of statements(block, '\n,')) {
    const m = entry.match(/^([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([\s\S]*)$/);
    if (m === null) continue;
    const value = m[2]!.trim();
    const direct = unquote(value);
    if (direct !== undefined) { out.set(m[1]!, direct); continue; }
    if (value.startsWith('{')) {
      const members = new Map<string, string>();
      for (const member of statements(value.slice(1, -1), '\n,')) {
        const mm = member.match(/^([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([\s\S]*)$/);
        const text = mm === null ? undefined : unquote(mm[2]!.trim());
        if (mm !== null && text !== undefined) members.set(mm[1]!, text);
      }
      const text = members.get('description') ?? members.get('help');
      if (text !== undefined) out.set(m[1]!, text);
    }
  }
  return out;
}

export function wdlParameters(source: string): { ok: true; parameters: ExtractedParameter[] } | { ok: false; statusMessage: string } {
  const workflow = /^[ \t]*workflow[ \t]+[A-Za-z_][A-Za-z0-9_]*\s*\{/m.exec(source);
  if (workflow === null) return { ok: false, statusMessage: 'The WDL main file does not define a workflow' };
  const open = workflow.index + workflow[0].length - 1;
  const close = skipBalanced(source, open);
  if (source[close - 1] !== '}') return { ok: false, statusMessage: 'The WDL workflow block is not closed' };
  const blocks = topLevelBlocks(source.slice(open + 1, close - 1));
  const descriptions = metaDescriptions(blocks.get('parameter_meta'));
  const parameters: ExtractedParameter[] = [];
  for (const statement of statements(blocks.get('input') ?? '', '\n')) {
    const d = declaration(statement);
    if (d === undefined) {
      // A line that is not a declaration continues the previous one's default expression.
      if (parameters.length > 0) continue;
      return { ok: false, statusMessage: `The WDL workflow input '${statement.slice(0, 80)}' is not a declaration` };
    }
    parameters.push({ name: d.name, optional: d.type.endsWith('?') || d.hasDefault, description: descriptions.get(d.name) });
  }
  return { ok: true, parameters };
}
