/**
 * Exporting a finished run's outputs as HealthOmics does, under `<outputUri>/<runId>/`:
 *   out/…              every file the engine wrote to its output directory, at the same relative
 *                      path (the WDL and Nextflow adapters lay it out as AWS does, out/<output>/
 *                      [<index>/]<file>; cwltool writes the CWL outputs side by side)
 *   logs/outputs.json  the output summary: the engine's output object with each local file
 *                      path replaced by the S3 URI it was exported to
 * Every write is a PutObject of the run's role (RoleScopedObjects), streamed from disk.
 */
import { createReadStream, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAwsError } from '../../../core/aws-error.ts';
import type { RoleScopedObjects } from '../../shared/role-scoped-objects.ts';

export class OutputRefused extends Error {}

function* filesUnder(dir: string): Generator<string> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, e.name);
    if (e.isDirectory()) yield* filesUnder(path);
    else if (e.isFile()) yield path;
  }
}

export async function exportOutputs(objects: RoleScopedObjects, outputDir: string, runOutputUri: string, outputs: unknown): Promise<string[]> {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(runOutputUri)!;
  const bucket = m[1]!;
  const base = m[2] === '' ? '' : `${m[2]!.replace(/\/+$/, '')}/`;
  const written: string[] = [];
  const put = async (key: string, body: Parameters<RoleScopedObjects['put']>[2], contentType: string) => {
    try {
      await objects.put(bucket, key, body, contentType);
    } catch (e) {
      throw new OutputRefused(`Output s3://${bucket}/${key} could not be written as the run's role: ${isAwsError(e) ? `${e.code}: ${e.message}` : 'internal error'}`);
    }
    written.push(`s3://${bucket}/${key}`);
  };
  const uriOf = new Map<string, string>();
  for (const path of filesUnder(outputDir)) {
    const key = `${base}out/${relative(outputDir, path).split(sep).join('/')}`;
    await put(key, createReadStream(path), 'application/octet-stream');
    uriOf.set(path, `s3://${bucket}/${key}`);
  }
  const summary = JSON.stringify(rewritePaths(outputs ?? {}, uriOf), null, 2);
  await put(`${base}logs/outputs.json`, Buffer.from(summary), 'application/json');
  return written;
}

/** The output object with local paths (strings, CWL File path/location) replaced by their S3 URIs. */
function rewritePaths(value: unknown, uriOf: Map<string, string>): unknown {
  if (typeof value === 'string') {
    const path = value.startsWith('file://') ? safeFilePath(value) : value;
    return (path !== undefined && uriOf.get(path)) || value;
  }
  if (Array.isArray(value)) return value.map((v) => rewritePaths(v, uriOf));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // cwltool's `dirname` and `path` fields name this server's directories: dropped.
      if (k === 'dirname') continue;
      out[k] = rewritePaths(v, uriOf);
    }
    if (typeof out.path === 'string' && out.path.startsWith('/')) delete out.path;
    return out;
  }
  return value;
}

function safeFilePath(url: string): string | undefined {
  try {
    return fileURLToPath(url);
  } catch {
    return undefined;
  }
}
