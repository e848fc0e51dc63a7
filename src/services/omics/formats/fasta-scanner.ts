/**
 * scanFasta: one streaming pass over a reference FASTA (plain, gzip or bgzip) that validates it
 * and yields what a HealthOmics reference import needs — the contigs (name, length, SAM @SQ M5),
 * the `.fai` index, the MD5 of the file as uploaded, and the byte counts — while optionally
 * teeing the decompressed FASTA to a sink so the caller can store it in the same pass.
 *
 * Hand-written rather than @gmod/indexedfasta: that library needs a `.fai` to exist already and
 * measured 48–72 MB/s; one byte loop over each chunk (a table lookup validates and upper-cases
 * each base into a reused buffer, hashed once per chunk) plus the whole-file MD5 on a worker
 * thread is what reached ≥ 100 MB/s here (spec/omics-formats.md §3.3).
 *
 * Rules, matching htslib's fai_build so the `.fai` is byte-identical to `samtools faidx`:
 *  - a contig starts at a line beginning with '>'; its name is the text after '>' (leading
 *    blanks skipped) up to the first whitespace; names must be unique (samtools only warns);
 *  - sequence bytes are IUPAC nucleotide codes (ACGTUMRWSYKVHDBN, either case), nothing else;
 *  - every sequence line of a contig but the last has the same number of bases and bytes as its
 *    first line; the last may be shorter (a longer one is refused: samtools accepts it but then
 *    its .fai cannot address the contig); blank lines may follow a contig's last line but not sit
 *    inside it or right after its header (samtools then fails, or silently drops the contig);
 *  - CRLF line ends are allowed (LINEWIDTH then counts the CR, as samtools does);
 *  - every contig has at least one base (samtools silently leaves empty ones out of the .fai).
 * For gzip input the `.fai` (offsets) describes the decompressed FASTA — the bytes that go to
 * the sink — and `md5` is still the MD5 of the bytes as uploaded (compressed), since AWS's
 * reference `md5` is the MD5 "of an entire file" as uploaded (spec/omics-formats.md §4.2).
 */
import { createHash, type Hash } from 'node:crypto';
import type { Writable } from 'node:stream';
import { startDigests } from '../../s3/digests.ts';
import { ByteSink } from './byte-sink.ts';
import { openDecoded, type ByteSource, type Compression } from './decoded-input.ts';
import { FormatError, quote } from './format-error.ts';

export interface FastaContig {
  name: string;
  /** Bases. */
  length: number;
  /** MD5 (hex) of the upper-cased sequence without line ends: the SAM `@SQ M5` value. */
  m5: string;
}

export interface FastaScan {
  contigs: FastaContig[];
  /** `samtools faidx` index text of the decompressed FASTA (NAME LENGTH OFFSET LINEBASES LINEWIDTH). */
  fai: string;
  /** MD5 (hex) of the source bytes exactly as read (compressed ones for a gzip upload). */
  md5: string;
  /** Bytes read from the source (the upload's size). */
  sourceBytes: number;
  compression: Compression;
  /** Bytes of the decompressed FASTA (what the `.fai` describes and the sink received). */
  fastaBytes: number;
}

export interface FastaScanOptions {
  /** Receives the decompressed FASTA bytes; ended on success, destroyed on failure. */
  sink?: Writable;
  /** The source's size if known: small files are hashed inline instead of on a worker thread. */
  sizeHint?: number;
}

/** Most contigs a FASTA may have: a bound on the contig table kept in memory. */
export const MAX_CONTIGS = 1_000_000;
/** Header bytes kept per line to find the name; the rest of a long description is skipped. */
const MAX_HEADER_KEPT = 64 * 1024;

/** Upper-case code of each allowed base byte, 0 for every other byte. */
const BASE = new Uint8Array(256);
for (const c of 'ACGTUMRWSYKVHDBN') {
  BASE[c.charCodeAt(0)] = c.charCodeAt(0);
  BASE[c.toLowerCase().charCodeAt(0)] = c.charCodeAt(0);
}

const LF = 10;
const CR = 13;
const GT = 62;

/** Where the scanner is in the byte stream. */
const enum Mode { BeforeFirstHeader, Header, Sequence }

/** How the current contig's lines have gone (htslib fai_build's `state`). */
const enum Shape { NoLineYet, FullLines, LastLineSeen, BlankAfterLines }

export async function scanFasta(source: ByteSource, opts: FastaScanOptions = {}): Promise<FastaScan> {
  const sink = new ByteSink(opts.sink);
  const fileMd5 = startDigests(['md5'], opts.sizeHint ?? Number.MAX_SAFE_INTEGER);
  let sourceBytes = 0;
  try {
    const input = await openDecoded(source, (chunk) => {
      sourceBytes += chunk.length;
      return fileMd5.update(chunk);
    });
    const scanner = new FastaByteScanner();
    for await (const chunk of input.chunks) {
      scanner.feed(chunk);
      await sink.write(chunk);
    }
    const contigs = scanner.finish();
    const md5 = (await fileMd5.digests()).get('md5')!.toString('hex');
    sink.end();
    return { contigs, fai: scanner.fai, md5, sourceBytes, compression: input.compression, fastaBytes: scanner.position };
  } catch (err) {
    fileMd5.abort();
    sink.fail(err);
    throw err;
  }
}

/** The byte-level state machine; `feed` each decompressed chunk in order, then `finish`. */
class FastaByteScanner {
  /** Absolute offset of the next byte fed. */
  position = 0;
  fai = '';
  private readonly contigs: FastaContig[] = [];
  private readonly names = new Set<string>();
  private mode = Mode.BeforeFirstHeader;
  /** Completed lines so far (the current line is `lines + 1`). */
  private lines = 0;
  private lineStart = 0;
  /** The byte before the current position was a CR (must be followed by LF). */
  private pendingCr = false;

  private header: Buffer[] = [];
  private headerKept = 0;

  private name = '';
  private length = 0;
  private offset = 0;
  private lineBases = 0;
  private lineWidth = 0;
  private shape = Shape.NoLineYet;
  private hash: Hash | undefined;
  private upper = Buffer.alloc(0);

  feed(chunk: Buffer): void {
    if (this.upper.length < chunk.length) this.upper = Buffer.alloc(chunk.length);
    const upper = this.upper;
    const base = this.position;
    const n = chunk.length;
    let o = 0;
    let i = 0;
    if (this.pendingCr && n > 0 && chunk[0] !== LF) throw this.error('carriage return not followed by a line feed');
    while (i < n) {
      if (this.mode === Mode.Header) {
        const nl = chunk.indexOf(LF, i);
        const end = nl < 0 ? n : nl;
        if (this.headerKept < MAX_HEADER_KEPT && end > i) {
          const kept = chunk.subarray(i, Math.min(end, i + MAX_HEADER_KEPT - this.headerKept));
          this.header.push(Buffer.from(kept));
          this.headerKept += kept.length;
        }
        if (nl < 0) break;
        this.lines++;
        this.startContig(base + nl + 1);
        i = nl + 1;
        this.lineStart = base + i;
        continue;
      }
      if (this.mode === Mode.Sequence) {
        // The hot loop: bases of a sequence line.
        for (; i < n; i++) {
          const u = BASE[chunk[i]];
          if (u === 0) break;
          upper[o++] = u;
        }
        if (i === n) break;
        const c = chunk[i];
        const at = base + i;
        if (c === LF) {
          const hadCr = this.pendingCr;
          this.pendingCr = false;
          this.lines++;
          this.endSequenceLine(at, hadCr);
          i++;
          this.lineStart = at + 1;
        } else if (c === CR) {
          this.expectLfAfterCr(chunk, i);
          i++;
        } else if (c === GT && at === this.lineStart) {
          this.flushUpper(upper, o);
          o = 0;
          this.endContig();
          this.beginHeader();
          i++;
        } else {
          throw this.error(`invalid character ${describeByte(c)} in contig ${quote(this.name)}`);
        }
        continue;
      }
      // Before the first header: blank lines, then '>'.
      const c = chunk[i];
      if (c === LF) {
        this.lines++;
        this.pendingCr = false;
        this.lineStart = base + i + 1;
      } else if (c === CR) {
        this.expectLfAfterCr(chunk, i);
      } else if (c === GT && base + i === this.lineStart) {
        this.beginHeader();
      } else {
        throw this.error("expected a '>' header line");
      }
      i++;
    }
    this.flushUpper(upper, o);
    this.position = base + n;
  }

  finish(): FastaContig[] {
    if (this.mode === Mode.Header) {
      this.lines++;
      this.startContig(this.position);
      this.lineStart = this.position;
    }
    if (this.mode === Mode.Sequence) {
      // A last line without its line feed counts as if it had one (as in htslib).
      if (this.position > this.lineStart) {
        this.lines++;
        this.endSequenceLine(this.position, this.pendingCr);
      }
      this.endContig();
    }
    if (this.contigs.length === 0) throw new FormatError('no sequences: the FASTA has no \'>\' header line');
    return this.contigs;
  }

  private beginHeader(): void {
    this.mode = Mode.Header;
    this.header = [];
    this.headerKept = 0;
  }

  private startContig(firstByte: number): void {
    const text = Buffer.concat(this.header).toString('utf8').replace(/\r$/, '');
    const name = /^[ \t]*([^\s]*)/.exec(text)![1];
    if (name === '') throw this.error('header line without a sequence name', this.lines);
    if (name.length === text.trimStart().length && this.headerKept >= MAX_HEADER_KEPT) throw this.error('sequence name too long', this.lines);
    if (this.names.has(name)) throw this.error(`duplicate sequence name ${quote(name)}`, this.lines);
    if (this.contigs.length >= MAX_CONTIGS) throw this.error(`more than ${MAX_CONTIGS} sequences`, this.lines);
    this.names.add(name);
    this.name = name;
    this.length = 0;
    this.offset = firstByte;
    this.lineBases = 0;
    this.lineWidth = 0;
    this.shape = Shape.NoLineYet;
    this.hash = createHash('md5');
    this.mode = Mode.Sequence;
    this.pendingCr = false;
  }

  /** A CR is only allowed as the first byte of a CRLF line end. */
  private expectLfAfterCr(chunk: Buffer, i: number): void {
    if (i + 1 < chunk.length && chunk[i + 1] !== LF) throw this.error('carriage return not followed by a line feed');
    this.pendingCr = true;
  }

  /** A sequence line ended at `newlineAt` (the LF's offset, or the end of the file). */
  private endSequenceLine(newlineAt: number, hadCr: boolean): void {
    const bytes = newlineAt - this.lineStart + 1;
    const bases = bytes - 1 - (hadCr ? 1 : 0);
    if (bases === 0) {
      // A blank line: samtools ends the sequence there, so only more blank lines or a header may follow.
      if (this.shape === Shape.NoLineYet) throw this.error(`blank line at the start of contig ${quote(this.name)}`, this.lines);
      this.shape = Shape.BlankAfterLines;
      return;
    }
    const line = this.lines;
    if (this.shape === Shape.BlankAfterLines) throw this.error(`sequence after a blank line in contig ${quote(this.name)}`, line);
    if (this.shape === Shape.LastLineSeen) throw this.error(`contig ${quote(this.name)}: lines of different lengths`, line);
    this.length += bases;
    if (this.shape === Shape.NoLineYet) {
      this.lineBases = bases;
      this.lineWidth = bytes;
      this.shape = Shape.FullLines;
    } else if (bytes > this.lineWidth || bases > this.lineBases) {
      throw this.error(`contig ${quote(this.name)}: line longer than its first line (${this.lineBases} bases)`, line);
    } else if (bases !== this.lineBases || bytes !== this.lineWidth) {
      this.shape = Shape.LastLineSeen;
    }
  }

  private endContig(): void {
    if (this.length === 0) throw this.error(`contig ${quote(this.name)} has no sequence`, this.lines);
    const m5 = this.hash!.digest('hex');
    this.contigs.push({ name: this.name, length: this.length, m5 });
    this.fai += `${this.name}\t${this.length}\t${this.offset}\t${this.lineBases}\t${this.lineWidth}\n`;
    this.hash = undefined;
  }

  private flushUpper(upper: Buffer, o: number): void {
    if (o > 0) this.hash!.update(upper.subarray(0, o));
  }

  /** `line` defaults to the line being read. */
  private error(problem: string, line = this.lines + 1): FormatError {
    return new FormatError(`line ${line}: ${problem}`);
  }
}

function describeByte(c: number): string {
  return c >= 0x21 && c <= 0x7e ? `'${String.fromCharCode(c)}'` : `0x${c.toString(16).padStart(2, '0')}`;
}
