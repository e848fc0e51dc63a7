/**
 * The per-sample columns of AWS's variant table, from a record's FORMAT and raw sample columns
 * as stored (migration 165 keeps them as the file had them): one call per sample with sampleid,
 * calls (GT as allele indices, -1 for '.'), phased, and the FORMAT fields AWS names — GL as
 * genotypelikelihoods, PL as phredlikelihoods, AD as alleledepths, GQ as conditionalquality,
 * DP as depth, PS as ps — and every other FORMAT field in `information` (text, as written).
 */
export interface SampleCall {
  sampleid: string;
  phased: number;
  calls: string | null;
  genotypelikelihoods: string | null;
  phredlikelihoods: string | null;
  alleledepths: string | null;
  conditionalquality: number | null;
  depth: number | null;
  ps: number | null;
  spl: string | null;
  information: string;
}

const NAMED = new Set(['GT', 'GL', 'PL', 'AD', 'GQ', 'DP', 'PS', 'SPL']);

const numberOrNull = (s: string | undefined) => (s === undefined || s === '' || s === '.' ? null : Number(s));
const numbers = (s: string | undefined) => (s === undefined || s === '' || s === '.' ? null : JSON.stringify(s.split(',').map(numberOrNull)));

export function* sampleCalls(format: string | null, samples: string | null, names: string[]): Generator<SampleCall> {
  if (!format || samples === null) return;
  const keys = format.split(':');
  const columns = samples.split('\t');
  for (let s = 0; s < columns.length; s++) {
    const values = columns[s]!.split(':');
    const field = (k: string) => { const i = keys.indexOf(k); return i < 0 ? undefined : values[i]; };
    const gt = field('GT');
    const information: Record<string, string> = {};
    keys.forEach((k, i) => { if (!NAMED.has(k) && values[i] !== undefined) information[k] = values[i]!; });
    yield {
      sampleid: names[s] ?? `sample${s + 1}`,
      phased: gt !== undefined && gt.includes('|') ? 1 : 0,
      calls: gt === undefined ? null : JSON.stringify(gt.split(/[/|]/).map((a) => (a === '.' ? -1 : Number(a)))),
      genotypelikelihoods: numbers(field('GL')),
      phredlikelihoods: numbers(field('PL')),
      alleledepths: numbers(field('AD')),
      conditionalquality: numberOrNull(field('GQ')),
      depth: numberOrNull(field('DP')),
      ps: numberOrNull(field('PS')),
      spl: numbers(field('SPL')),
      information: JSON.stringify(information),
    };
  }
}
