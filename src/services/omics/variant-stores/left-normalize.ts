/**
 * Left-aligns and trims a variant's alleles against the reference, as `bcftools norm -f ref.fa`
 * does (Tan, Abecasis & Kang 2015, "Unified representation of genetic variants": while all
 * alleles end in the same base, drop it, and when an allele would become empty, extend every
 * allele by the reference base to the left; then drop leading bases all alleles share while
 * each keeps at least one). Written here because no JavaScript library normalizes VCF records
 * (@gmod/vcf parses only; bcftools is a C program we do not run per record).
 *
 * Only records whose alleles are all plain bases are touched (symbolic `<DEL>`, `*`, breakends
 * and a missing ALT are left as they are, as bcftools does). The REF must match the reference:
 * bcftools stops on a mismatch by default, and this fails the item instead.
 */
export type BasesAt = (start: number, end: number) => Promise<string>;

export interface Normalized { start: number; ref: string; alts: string[] }

const PLAIN = /^[ACGTN]+$/i;

export function normalizable(ref: string, alts: string[]): boolean {
  if (alts.length === 0 || !PLAIN.test(ref) || !alts.every((a) => PLAIN.test(a))) return false;
  // Every allele a single base: an SNV (or a no-change), already normal.
  return !(ref.length === 1 && alts.every((a) => a.length === 1));
}

/** `start` is 0-based. Returns the normalized start and alleles (upper-case). */
export async function leftNormalize(start: number, ref: string, alts: string[], basesAt: BasesAt): Promise<Normalized> {
  let alleles = [ref.toUpperCase(), ...alts.map((a) => a.toUpperCase())];
  let pos = start;
  for (;;) {
    let changed = false;
    const last = alleles[0]!.at(-1);
    if (alleles.every((a) => a.length > 0 && a.at(-1) === last)) {
      alleles = alleles.map((a) => a.slice(0, -1));
      changed = true;
    }
    if (alleles.some((a) => a.length === 0)) {
      // At the contig's start nothing lies to the left: such a record stays as written.
      if (pos === 0) return { start, ref: ref.toUpperCase(), alts: alts.map((a) => a.toUpperCase()) };
      pos--;
      const base = await basesAt(pos, pos + 1);
      alleles = alleles.map((a) => base + a);
      changed = true;
    }
    if (!changed) break;
  }
  while (alleles.every((a) => a.length >= 2) && alleles.every((a) => a[0] === alleles[0]![0])) {
    alleles = alleles.map((a) => a.slice(1));
    pos++;
  }
  return { start: pos, ref: alleles[0]!, alts: alleles.slice(1) };
}
