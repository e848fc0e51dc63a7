/**
 * A CWL workflow's parameters, read from its YAML/JSON `inputs` (map or array form, plain or
 * `$graph` documents) as HealthOmics documents it: an input is optional when its type is nullable
 * (`int?`, a union with `null`) or it has a `default`; its description is the `label` (else `doc`).
 */
import { parse } from 'yaml';
import type { ExtractedParameter } from './parameter-template.ts';

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

function isNullable(type: Json): boolean {
  if (typeof type === 'string') return type.endsWith('?') || type === 'null';
  if (Array.isArray(type)) return type.some((member) => member === 'null');
  return false;
}

function shortId(id: string): string {
  const hash = id.lastIndexOf('#');
  const tail = hash >= 0 ? id.slice(hash + 1) : id;
  return tail.slice(tail.lastIndexOf('/') + 1);
}

function description(input: Record<string, Json>): string | undefined {
  for (const key of ['label', 'doc'] as const) {
    const value = input[key];
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return value.filter((v) => typeof v === 'string').join(' ');
  }
  return undefined;
}

function fromInput(name: string, input: Json): ExtractedParameter {
  if (!isObject(input)) return { name, optional: isNullable(input) };
  return { name, optional: isNullable(input.type) || 'default' in input, description: description(input) };
}

/** The process a CWL document runs: itself, or `#main` (else the only process) of a `$graph`. */
function mainProcess(doc: Json): Record<string, Json> | undefined {
  if (!isObject(doc)) return undefined;
  const graph = doc.$graph;
  if (!Array.isArray(graph)) return doc;
  const processes = graph.filter(isObject);
  return processes.find((p) => typeof p.id === 'string' && shortId(p.id) === 'main')
    ?? (processes.length === 1 ? processes[0] : undefined);
}

export function cwlParameters(source: string): { ok: true; parameters: ExtractedParameter[] } | { ok: false; statusMessage: string } {
  let doc: Json;
  try {
    doc = parse(source, { maxAliasCount: 100 });
  } catch (error) {
    return { ok: false, statusMessage: `The CWL main file is not valid YAML: ${(error as Error).message.split('\n')[0]}` };
  }
  const process = mainProcess(doc);
  if (process === undefined) return { ok: false, statusMessage: 'The CWL main file does not define a process' };
  const inputs = process.inputs ?? [];
  const parameters: ExtractedParameter[] = [];
  if (Array.isArray(inputs)) {
    for (const input of inputs) {
      if (isObject(input) && typeof input.id === 'string') parameters.push(fromInput(shortId(input.id), input));
    }
  } else if (isObject(inputs)) {
    for (const [name, input] of Object.entries(inputs)) parameters.push(fromInput(shortId(name), input));
  } else {
    return { ok: false, statusMessage: 'The CWL main file has `inputs` that are neither a map nor a list' };
  }
  return { ok: true, parameters };
}
