/**
 * Random access to a reference's bases for left normalization: the reference is stored as an
 * uncompressed FASTA with its samtools .fai in OmicsFiles, so the byte range of any base span
 * follows from the .fai line (offset, bases per line, bytes per line). Bases are read in
 * blocks and a few recent blocks are kept, since a sorted VCF asks for nearby bases again and
 * again; a contig is never read whole (a human chr1 is 250 MB).
 */
import type { OmicsFiles } from '../files.ts';

interface FaiEntry { length: number; offset: number; lineBases: number; lineBytes: number }

const BLOCK_BASES = 64 * 1024;
const CACHED_BLOCKS = 32;

export class ReferenceSequence {
  private readonly blocks = new Map<string, string>();

  private constructor(private readonly files: OmicsFiles, private readonly fastaKey: string, private readonly fai: Map<string, FaiEntry>) {}

  static async open(files: OmicsFiles, fastaKey: string, faiKey: string): Promise<ReferenceSequence> {
    const got = await files.get(faiKey);
    if (!got) throw new Error(`the reference index ${faiKey} is missing`);
    const chunks: Buffer[] = [];
    for await (const c of got.body) chunks.push(c as Buffer);
    const fai = new Map<string, FaiEntry>();
    for (const line of Buffer.concat(chunks).toString('latin1').split('\n')) {
      const [name, length, offset, lineBases, lineBytes] = line.split('\t');
      if (name && lineBytes) fai.set(name, { length: +length!, offset: +offset!, lineBases: +lineBases!, lineBytes: +lineBytes! });
    }
    return new ReferenceSequence(files, fastaKey, fai);
  }

  contigLength(name: string): number | undefined {
    return this.fai.get(name)?.length;
  }

  /** Upper-case bases [start, end) (0-based) of a contig, clipped to its length. */
  async bases(contig: string, start: number, end: number): Promise<string> {
    const entry = this.fai.get(contig);
    if (!entry) throw new Error(`contig ${contig} is not in the reference`);
    const to = Math.min(end, entry.length);
    let out = '';
    for (let pos = Math.max(0, start); pos < to;) {
      const block = Math.floor(pos / BLOCK_BASES);
      const text = await this.block(contig, entry, block);
      const from = pos - block * BLOCK_BASES;
      const take = Math.min(to - pos, text.length - from);
      out += text.slice(from, from + take);
      pos += take;
    }
    return out;
  }

  private async block(contig: string, entry: FaiEntry, block: number): Promise<string> {
    const key = `${contig}\t${block}`;
    const cached = this.blocks.get(key);
    if (cached !== undefined) {
      this.blocks.delete(key);
      this.blocks.set(key, cached);
      return cached;
    }
    const first = block * BLOCK_BASES;
    const last = Math.min(entry.length, first + BLOCK_BASES) - 1;
    const byteOf = (pos: number) => entry.offset + Math.floor(pos / entry.lineBases) * entry.lineBytes + (pos % entry.lineBases);
    const got = await this.files.get(this.fastaKey, () => ({ start: byteOf(first), end: byteOf(last) }));
    if (!got) throw new Error(`the reference FASTA ${this.fastaKey} is missing`);
    const chunks: Buffer[] = [];
    for await (const c of got.body) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('latin1').replace(/[\r\n]/g, '').toUpperCase();
    this.blocks.set(key, text);
    if (this.blocks.size > CACHED_BLOCKS) this.blocks.delete(this.blocks.keys().next().value!);
    return text;
  }
}
