/**
 * Generated alignments for the BAM/CRAM scanner tests and the formats bench: SAM text whose
 * reads are drawn from a reference (ce.fa), with every kind of record samtools counts apart —
 * forward and reverse mapped, secondary (SEQ '*'), supplementary (hard-clipped), unmapped — and
 * @SQ lines carrying M5. Deterministic (seeded), so failures reproduce.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { rng } from '../../../helpers/seeded-random.ts';

/** name -> upper-case sequence, in file order. */
export function ceSequences(path: string): Map<string, string> {
  const out = new Map<string, string>();
  let name = '';
  const parts: string[] = [];
  const flush = () => { if (name) out.set(name, parts.join('').toUpperCase()); parts.length = 0; };
  for (const line of readFileSync(path, 'latin1').split('\n')) {
    if (line.startsWith('>')) { flush(); name = line.slice(1).split(/\s/)[0]; } else parts.push(line.trim());
  }
  flush();
  return out;
}

function* samLines(refs: Map<string, string>, reads: number, seed: number): Generator<string> {
  const random = rng(seed);
  yield '@HD\tVN:1.6\tSO:unsorted\n';
  for (const [name, seq] of refs) yield `@SQ\tSN:${name}\tLN:${seq.length}\tM5:${createHash('md5').update(seq).digest('hex')}\n`;
  yield '@RG\tID:g1\tSM:sample1\n';
  const names = [...refs.keys()];
  const qual = 'I'.repeat(100);
  for (let i = 0; i < reads; i++) {
    if (i % 97 === 0) {
      yield `u${i}\t4\t*\t0\t0\t*\t*\t0\t0\t${'ACGTN'.repeat(20)}\t${qual}\tRG:Z:g1\n`;
      continue;
    }
    const name = names[Math.floor(random() * names.length)];
    const ref = refs.get(name)!;
    const pos = Math.floor(random() * (ref.length - 100));
    const seq = ref.slice(pos, pos + 100);
    const flag = random() < 0.5 ? 0 : 16;
    yield `r${i}\t${flag}\t${name}\t${pos + 1}\t60\t100M\t*\t0\t0\t${seq}\t${qual}\tNM:i:0\tRG:Z:g1\n`;
    if (i % 31 === 0) yield `r${i}\t${flag | 256}\t${name}\t${pos + 1}\t0\t100M\t*\t0\t0\t*\t*\tRG:Z:g1\n`;
    if (i % 43 === 0) yield `r${i}\t${flag | 2048}\t${name}\t${pos + 1}\t0\t60M40H\t*\t0\t0\t${seq.slice(0, 60)}\t${qual.slice(0, 60)}\tRG:Z:g1\n`;
  }
}

/** The SAM text for `reads` reads (small files). */
export function generatedSam(refs: Map<string, string>, reads: number, seed = 18): string {
  return [...samLines(refs, reads, seed)].join('');
}

/** Writes the SAM to `path` in batches (for bench-sized files). */
export function writeGeneratedSam(path: string, refs: Map<string, string>, reads: number, seed = 18): void {
  const fd = openSync(path, 'w');
  try {
    let batch: string[] = [];
    for (const line of samLines(refs, reads, seed)) {
      batch.push(line);
      if (batch.length === 10_000) { writeSync(fd, batch.join('')); batch = []; }
    }
    writeSync(fd, batch.join(''));
  } finally {
    closeSync(fd);
  }
}
