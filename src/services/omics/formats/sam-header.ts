/**
 * The reference lines (@SQ) of a SAM header text, as BAM and CRAM files carry it: what an import
 * checks against the linked reference (names, lengths, and M5 when present).
 */
export interface SamReference {
  name: string;
  length: number;
  /** The @SQ line's M5 tag (MD5 of the upper-case sequence), lower-cased, when present. */
  m5?: string;
}

/** SN, LN and M5 of each @SQ line, in order (LN -1 when missing or not a number). */
export function parseSqLines(text: string): SamReference[] {
  const out: SamReference[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('@SQ\t')) continue;
    const ref: SamReference = { name: '', length: -1 };
    for (const field of line.replace(/\r$/, '').split('\t').slice(1)) {
      const tag = field.slice(0, 3);
      if (tag === 'SN:') ref.name = field.slice(3);
      else if (tag === 'LN:') ref.length = /^\d+$/.test(field.slice(3)) ? Number(field.slice(3)) : -1;
      else if (tag === 'M5:') ref.m5 = field.slice(3).toLowerCase();
    }
    out.push(ref);
  }
  return out;
}
