/**
 * Turns a VCF's lines into variant rows of AWS's table schema (one row per record; the sample
 * columns kept as written, with their FORMAT, for the per-sample columns derived at query
 * time). Records are parsed with @gmod/vcf; what it leaves lenient is checked here, each
 * problem a FormatError naming the line: a data line before the #CHROM header, fewer than 8
 * columns, a POS that is not a positive integer, a contig the store's reference lacks or a
 * position past its end, a sample-column count that differs from the header's.
 *
 * `annotationFields` ({"VEP": "CSQ"}): the INFO field's entries (comma-separated) are split at
 * `|` into the sub-fields the header's `Format: A|B|C` names, and kept in `annotations` under
 * the lower-cased key ({"vep": [{"Allele": ..., "Consequence": ...}, ...]}), not in attributes.
 */
import VCF from '@gmod/vcf';
import { FormatError, quote } from '../formats/format-error.ts';

export interface VariantRow {
  contigname: string;
  start: number;
  end: number;
  names: string;
  referenceallele: string;
  alternatealleles: string[];
  qual: number | null;
  filters: string;
  attributes: string;
  annotations: string | null;
  format: string | null;
  samples: string | null;
}

export class VcfRecords {
  private header: string[] = [];
  private parser: VCF | undefined;
  private annotationFormats: [key: string, infoId: string, subFields: string[]][] = [];
  samples: string[] = [];

  get seenHeader(): boolean {
    return this.parser !== undefined;
  }

  constructor(private readonly contigLength: (name: string) => number | undefined, private readonly annotationFields: Record<string, string>) {}

  /** A header line (## or #CHROM); returns false when the line is a data line. */
  headerLine(line: string, lineNo: number): boolean {
    if (this.parser) {
      if (line.startsWith('#')) throw new FormatError(`line ${lineNo}: a header line after the #CHROM line`);
      return false;
    }
    if (line.startsWith('##')) { this.header.push(line); return true; }
    if (line.startsWith('#CHROM')) {
      const columns = line.split('\t');
      if (columns.length < 8) throw new FormatError(`line ${lineNo}: the #CHROM line has ${columns.length} columns, fewer than 8`);
      this.header.push(line);
      this.parser = new VCF({ header: this.header.join('\n') });
      this.samples = this.parser.samples;
      for (const [key, infoId] of Object.entries(this.annotationFields)) {
        const description = String(this.parser.getMetadata('INFO', infoId, 'Description') ?? '');
        const format = /Format:\s*([^"]+)/i.exec(description)?.[1]?.trim();
        if (!format) throw new FormatError(`annotation field ${quote(infoId)} (${key}) has no INFO header line with a Format: in its Description`);
        this.annotationFormats.push([key.toLowerCase(), infoId, format.split('|').map((f) => f.trim())]);
      }
      return true;
    }
    if (line.length === 0) return true;
    throw new FormatError(`line ${lineNo}: a data line before the #CHROM header line`);
  }

  /** One data line as a row (alleles not yet normalized). */
  record(line: string, lineNo: number): VariantRow {
    const parser = this.parser;
    if (!parser) throw new FormatError(`line ${lineNo}: no #CHROM header line before the data`);
    let tabs = 0;
    for (let i = line.indexOf('\t'); i >= 0 && tabs < 8; i = line.indexOf('\t', i + 1)) tabs++;
    if (tabs < 7) throw new FormatError(`line ${lineNo}: ${tabs + 1} columns, a VCF record has at least 8`);
    const v = parser.parseLine(line);
    const contig = v.CHROM!;
    const length = this.contigLength(contig);
    if (length === undefined) throw new FormatError(`line ${lineNo}: contig ${quote(contig)} is not in the store's reference`);
    if (!Number.isInteger(v.POS) || v.POS < 1) throw new FormatError(`line ${lineNo}: POS is not a positive integer`);
    if (v.POS > length) throw new FormatError(`line ${lineNo}: POS ${v.POS} is past the end of ${quote(contig)} (${length})`);
    const ref = v.REF ?? '';
    if (ref === '' || ref === '.') throw new FormatError(`line ${lineNo}: REF is missing`);
    let format: string | null = null;
    let samples: string | null = null;
    if (this.samples.length > 0) {
      if (v.FORMAT === undefined) throw new FormatError(`line ${lineNo}: no FORMAT column but the header names ${this.samples.length} sample(s)`);
      samples = line.slice(v.restStart, v.restEnd);
      let columns = 1;
      for (let i = samples.indexOf('\t'); i >= 0; i = samples.indexOf('\t', i + 1)) columns++;
      if (columns !== this.samples.length) throw new FormatError(`line ${lineNo}: ${columns} sample column(s), the header names ${this.samples.length}`);
      format = v.FORMAT;
    }
    // Attributes keep the INFO text as written (map<string,string>, as AWS's table has it):
    // @gmod/vcf's typed values would turn 2.5e-09 into 2.5e-9.
    const attributes = rawInfo(line);
    let annotations: Record<string, Record<string, string>[]> | null = null;
    for (const [key, infoId, subFields] of this.annotationFormats) {
      const value = attributes[infoId];
      if (value === undefined) continue;
      delete attributes[infoId];
      annotations ??= {};
      annotations[key] = value.split(',').map((entry) => {
        const values = entry.split('|');
        const out: Record<string, string> = {};
        subFields.forEach((f, i) => { out[f] = values[i] ?? ''; });
        return out;
      });
    }
    const filter = v.FILTER;
    const alts = v.ALT ?? [];
    return {
      contigname: contig, start: v.POS - 1, end: v.POS - 1 + ref.length, names: JSON.stringify(v.ID ?? []), referenceallele: ref,
      alternatealleles: alts, qual: v.QUAL ?? null,
      filters: JSON.stringify(filter === undefined ? [] : Array.isArray(filter) ? filter : [filter]),
      attributes: JSON.stringify(attributes), annotations: annotations ? JSON.stringify(annotations) : null, format, samples,
    };
  }
}

/** The INFO column (the 8th) as key -> text; a flag is "true"; "." is no INFO. */
function rawInfo(line: string): Record<string, string> {
  let at = 0;
  for (let i = 0; i < 7; i++) at = line.indexOf('\t', at) + 1;
  const stop = line.indexOf('\t', at);
  const text = line.slice(at, stop < 0 ? line.length : stop);
  const out: Record<string, string> = {};
  if (text === '.' || text === '') return out;
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) out[part] = 'true';
    else out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}
