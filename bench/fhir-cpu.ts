/**
 * CPU cost of validating and indexing one resource, without HTTP or storage:
 *   node --import tsx bench/fhir-cpu.ts
 * Times, in the same run and interleaved round by round, the full validator
 * (fullValidationIssues: validateResource + binding walk) against validationIssues (fast path
 * first), and FHIRPath indexing (indexRowsByFhirPath) against indexRows (direct plain paths),
 * over the Synthea Observations (../shared/testdata/fhir/synthea, read in place) and over
 * every Synthea resource. Prints µs per resource (median of the rounds). BENCH_CPU_ROUNDS=<n>.
 */
import { fullValidationIssues, validationIssues } from '../src/services/healthlake/fhir/validation.ts';
import { indexRows, indexRowsByFhirPath } from '../src/services/healthlake/fhir/indexer.ts';
import { stamped, syntheaResources, syntheaPresent, withResolvedReferences, SYNTHEA_DIR } from '../test/helpers/fhir-mutations.ts';

const ROUNDS = Number(process.env.BENCH_CPU_ROUNDS ?? 7);

if (!syntheaPresent) {
  console.log(`Synthea bundles not found at ${SYNTHEA_DIR}: nothing to measure.`);
  process.exit(0);
}

type Fn = (r: never) => unknown;

function perResource(fn: Fn, resources: unknown[]): number {
  const start = process.hrtime.bigint();
  for (const r of resources) fn(r as never);
  return Number(process.hrtime.bigint() - start) / 1000 / resources.length;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function compare(label: string, resources: unknown[], pairs: [string, Fn, Fn][]): void {
  for (const [, before, after] of pairs) { perResource(before, resources); perResource(after, resources); } // warm-up
  console.log(`\n${label} (${resources.length} resources, ${ROUNDS} rounds, median µs per resource)`);
  console.log('| step | before | after | ratio |\n|---|---|---|---|');
  for (const [name, before, after] of pairs) {
    const b: number[] = [];
    const a: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      b.push(perResource(before, resources));
      a.push(perResource(after, resources));
    }
    console.log(`| ${name} | ${median(b).toFixed(1)} | ${median(a).toFixed(1)} | ${(median(b) / median(a)).toFixed(1)}× |`);
  }
}

const all = withResolvedReferences(syntheaResources()).map(stamped);
const observations = all.filter((r) => r.resourceType === 'Observation');
const pairs: [string, Fn, Fn][] = [
  ['validate', fullValidationIssues as Fn, validationIssues as Fn],
  ['index', indexRowsByFhirPath as Fn, indexRows as Fn],
  ['validate + index', ((r: never) => { fullValidationIssues(r); indexRowsByFhirPath(r); }) as Fn,
    ((r: never) => { validationIssues(r); indexRows(r); }) as Fn],
];
compare('Synthea Observations', observations, pairs);
compare('All Synthea resources', all, pairs);
