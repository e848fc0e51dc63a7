/**
 * scanBam: one streaming pass over a BAM or uBAM file that checks its structure and counts what
 * a HealthOmics read set reports, without an index and without holding records in memory.
 *
 * Hand-written on node:zlib rather than @gmod/bam: @gmod/bam cannot open a BAM without its
 * `.bai` (so no uBAM), never yields unmapped reads, and holds whole ranges in memory; BGZF is
 * multi-member gzip, which `zlib.createGunzip` inflates as one stream, and a BAM record is a
 * length-prefixed block whose fixed fields are read in place (spec/omics-formats.md §3.3, §6.2).
 *
 * Checked: BGZF magic on the first block, the 28-byte BGZF EOF block at the end (its absence is
 * how samtools detects truncation), the "BAM\1" magic, the header text and binary reference
 * list (the text's @SQ SN/LN must agree with the binary list when the text has @SQ lines), and
 * per record: block_size within bounds, l_read_name ≥ 1 with its NUL, the variable-length fields
 * fitting in block_size, refID/next_refID in range, and no record cut short by the file's end.
 *
 * Counts, as samtools flagstat names them: `records` (every record), `primary` (neither
 * secondary 0x100 nor supplementary 0x800), `secondary`, `supplementary`, `mapped` / `unmapped`
 * (flag 0x4, over all records), `primaryMapped`. `bases` = the sum of l_seq (SEQ length) over
 * primary records — this is what we report as AWS's totalBaseCount, with totalReadCount =
 * `primary`: each read counted once, as AWS's FASTQ example (totalBaseCount = reads × read
 * length) implies; secondary and supplementary records repeat (parts of) a primary read, and
 * often carry SEQ '*' (l_seq 0) anyway. AWS does not document this for BAM; it is our definition.
 */
import type { Writable } from 'node:stream';
import { ByteSink } from './byte-sink.ts';
import { openDecoded, type ByteSource } from './decoded-input.ts';
import { FormatError, quote } from './format-error.ts';
import { parseSqLines, type SamReference } from './sam-header.ts';

export type BamReference = SamReference;

export interface BamScan {
  /** The SAM header text (without trailing NUL padding). */
  headerText: string;
  /** The binary reference list, in refID order, with M5 from the text's @SQ lines. */
  references: BamReference[];
  records: number;
  primary: number;
  secondary: number;
  supplementary: number;
  mapped: number;
  unmapped: number;
  primaryMapped: number;
  /** Sum of l_seq over primary records (see the module comment). */
  bases: number;
  /** Bytes of the file as read. */
  sourceBytes: number;
  /** Bytes of the decompressed BAM stream. */
  bamBytes: number;
}

export interface BamScanOptions {
  /** Receives the file's bytes as read (a BAM is stored as uploaded); ended on success, destroyed on failure. */
  sink?: Writable;
}

/** The BGZF end-of-file marker block (SAM/BAM specification §4.1.2). */
export const BGZF_EOF = Buffer.from('1f8b08040000000000ff0600424302001b0003000000000000000000', 'hex');
/** Largest header text accepted (it is held in memory and returned). */
export const MAX_HEADER_TEXT = 256 * 1024 * 1024;
/** Largest single record accepted: a bound on what is buffered for one record. */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;
/** Most references accepted in the binary list. */
export const MAX_REFERENCES = 10_000_000;

const FIXED = 32;

export async function scanBam(source: ByteSource, opts: BamScanOptions = {}): Promise<BamScan> {
  const sink = new ByteSink(opts.sink);
  let sourceBytes = 0;
  let first = Buffer.alloc(0);
  const tail = Buffer.alloc(BGZF_EOF.length);
  let tailFilled = 0;
  try {
    const input = await openDecoded(source, (chunk) => {
      sourceBytes += chunk.length;
      if (first.length < 16) first = Buffer.concat([first, chunk.subarray(0, 16 - first.length)]);
      // Keep the last 28 bytes seen, for the EOF marker check.
      if (chunk.length >= tail.length) {
        chunk.copy(tail, 0, chunk.length - tail.length);
        tailFilled = tail.length;
      } else {
        const keep = Math.min(tailFilled, tail.length - chunk.length);
        tail.copyWithin(0, tailFilled - keep, tailFilled);
        chunk.copy(tail, keep);
        tailFilled = keep + chunk.length;
      }
      return sink.write(chunk);
    });
    if (input.compression !== 'gzip') throw new FormatError('not a BAM file: it does not start with a BGZF (gzip) block');
    const checkBgzf = () => {
      if (!isBgzfHeader(first)) throw new FormatError('not a BAM file: gzip-compressed but not BGZF (no BC extra field)');
    };
    const walker = new BamWalker();
    let checked = false;
    for await (const chunk of input.chunks) {
      if (!checked) { checkBgzf(); checked = true; }
      walker.feed(chunk);
    }
    checkBgzf();
    const scan = walker.finish();
    if (tailFilled < tail.length || !tail.equals(BGZF_EOF)) {
      throw new FormatError(`truncated BAM: no BGZF end-of-file block after ${scan.records} records (${sourceBytes} bytes)`);
    }
    sink.end();
    return { ...scan, sourceBytes };
  } catch (err) {
    sink.fail(err);
    throw err;
  }
}

/** gzip magic, deflate, FEXTRA, and a 'BC' subfield of length 2 (SAM spec §4.1). */
function isBgzfHeader(b: Buffer): boolean {
  return b.length >= 16 && b[0] === 0x1f && b[1] === 0x8b && b[2] === 8 && (b[3] & 4) !== 0
    && b[12] === 0x42 && b[13] === 0x43 && b[14] === 2 && b[15] === 0;
}

const enum Phase { Magic, HeaderText, RefCount, Refs, Records }

/** Walks the decompressed BAM stream; `feed` chunks in order, then `finish`. */
class BamWalker {
  private phase = Phase.Magic;
  private pending = Buffer.alloc(0);
  private pendingLength = 0;
  /** Decompressed offset of the first byte not yet consumed. */
  private consumed = 0;
  private headerText = '';
  private textLength = 0;
  private refCount = 0;
  private readonly references: BamReference[] = [];
  private records = 0;
  private primary = 0;
  private secondary = 0;
  private supplementary = 0;
  private mapped = 0;
  private primaryMapped = 0;
  private bases = 0;

  feed(chunk: Buffer): void {
    let buf: Buffer;
    let length: number;
    if (this.pendingLength === 0) {
      buf = chunk;
      length = chunk.length;
    } else {
      this.reserve(this.pendingLength + chunk.length);
      chunk.copy(this.pending, this.pendingLength);
      buf = this.pending;
      length = this.pendingLength + chunk.length;
    }
    const used = this.parse(buf, length);
    const rest = length - used;
    this.consumed += used;
    if (rest > 0) {
      if (buf === this.pending) this.pending.copyWithin(0, used, length);
      else {
        this.reserve(rest);
        chunk.copy(this.pending, 0, used);
      }
    }
    this.pendingLength = rest;
  }

  finish(): Omit<BamScan, 'sourceBytes'> {
    if (this.phase !== Phase.Records) throw new FormatError(`truncated BAM: the header ends after ${this.consumed + this.pendingLength} bytes`);
    if (this.pendingLength > 0) {
      throw new FormatError(`truncated BAM: record ${this.records + 1} (uncompressed offset ${this.consumed}) is cut short`);
    }
    return {
      headerText: this.headerText, references: this.references, records: this.records, primary: this.primary,
      secondary: this.secondary, supplementary: this.supplementary, mapped: this.mapped, unmapped: this.records - this.mapped,
      primaryMapped: this.primaryMapped, bases: this.bases, bamBytes: this.consumed,
    };
  }

  private reserve(size: number): void {
    if (size <= this.pending.length) return;
    const grown = Buffer.alloc(Math.max(size, this.pending.length * 2, 1 << 20));
    this.pending.copy(grown, 0, 0, this.pendingLength);
    this.pending = grown;
  }

  /** Consumes every complete unit in buf[0, length); returns how many bytes it used. */
  private parse(buf: Buffer, length: number): number {
    let pos = 0;
    while (this.phase !== Phase.Records) {
      const avail = length - pos;
      if (this.phase === Phase.Magic) {
        if (avail < 8) return pos;
        if (buf.readUInt32BE(pos) !== 0x42414d01) throw new FormatError('not a BAM file: no "BAM\\1" magic after decompression');
        this.textLength = buf.readInt32LE(pos + 4);
        if (this.textLength < 0 || this.textLength > MAX_HEADER_TEXT) throw new FormatError(`corrupt BAM header: header text length ${this.textLength}`);
        pos += 8;
        this.phase = Phase.HeaderText;
      } else if (this.phase === Phase.HeaderText) {
        if (avail < this.textLength) return pos;
        this.headerText = buf.toString('utf8', pos, pos + this.textLength).replace(/\0+$/, '');
        pos += this.textLength;
        this.phase = Phase.RefCount;
      } else if (this.phase === Phase.RefCount) {
        if (avail < 4) return pos;
        this.refCount = buf.readInt32LE(pos);
        if (this.refCount < 0 || this.refCount > MAX_REFERENCES) throw new FormatError(`corrupt BAM header: reference count ${this.refCount}`);
        pos += 4;
        this.phase = Phase.Refs;
      } else {
        while (this.references.length < this.refCount) {
          if (length - pos < 4) return pos;
          const nameLength = buf.readInt32LE(pos);
          if (nameLength < 1 || nameLength > 1 << 20) throw new FormatError(`corrupt BAM header: reference ${this.references.length + 1} name length ${nameLength}`);
          if (length - pos < 8 + nameLength) return pos;
          const name = buf.toString('utf8', pos + 4, pos + 4 + nameLength - 1);
          const refLength = buf.readInt32LE(pos + 4 + nameLength);
          if (refLength < 0) throw new FormatError(`corrupt BAM header: reference ${quote(name)} length ${refLength}`);
          this.references.push({ name, length: refLength });
          pos += 8 + nameLength;
        }
        this.checkHeaderAgainstReferences();
        this.phase = Phase.Records;
      }
    }
    return this.walkRecords(buf, pos, length);
  }

  /** The hot loop: one record per iteration, fixed fields read in place. */
  private walkRecords(buf: Buffer, pos: number, length: number): number {
    const refCount = this.refCount;
    let records = this.records;
    let primary = 0;
    let secondary = 0;
    let supplementary = 0;
    let mapped = 0;
    let primaryMapped = 0;
    let bases = 0;
    try {
      while (length - pos >= 4) {
        const blockSize = buf[pos] | (buf[pos + 1] << 8) | (buf[pos + 2] << 16) | (buf[pos + 3] << 24);
        const r = pos + 4;
        if (blockSize < FIXED || blockSize > MAX_RECORD_BYTES) throw this.recordError(records + 1, pos, `block_size ${blockSize} out of range`);
        if (length - r < blockSize) break;
        const refId = buf[r] | (buf[r + 1] << 8) | (buf[r + 2] << 16) | (buf[r + 3] << 24);
        const nameLength = buf[r + 8];
        const cigarOps = buf[r + 12] | (buf[r + 13] << 8);
        const flag = buf[r + 14] | (buf[r + 15] << 8);
        const seqLength = buf[r + 16] | (buf[r + 17] << 8) | (buf[r + 18] << 16) | (buf[r + 19] << 24);
        const nextRefId = buf[r + 20] | (buf[r + 21] << 8) | (buf[r + 22] << 16) | (buf[r + 23] << 24);
        if (refId < -1 || refId >= refCount) throw this.recordError(records + 1, pos, `refID ${refId} not in the header's ${refCount} references`);
        if (nextRefId < -1 || nextRefId >= refCount) throw this.recordError(records + 1, pos, `next refID ${nextRefId} not in the header's ${refCount} references`);
        if (nameLength < 1 || buf[r + FIXED + nameLength - 1] !== 0) throw this.recordError(records + 1, pos, 'read name not NUL-terminated');
        if (seqLength < 0 || FIXED + nameLength + 4 * cigarOps + ((seqLength + 1) >> 1) + seqLength > blockSize) {
          throw this.recordError(records + 1, pos, `fields longer than block_size ${blockSize}`);
        }
        records++;
        const isMapped = (flag & 4) === 0;
        if (isMapped) mapped++;
        if (flag & 0x100) secondary++;
        else if (flag & 0x800) supplementary++;
        else {
          primary++;
          bases += seqLength;
          if (isMapped) primaryMapped++;
        }
        pos = r + blockSize;
      }
    } finally {
      this.records = records;
      this.primary += primary;
      this.secondary += secondary;
      this.supplementary += supplementary;
      this.mapped += mapped;
      this.primaryMapped += primaryMapped;
      this.bases += bases;
    }
    return pos;
  }

  private recordError(n: number, pos: number, problem: string): FormatError {
    return new FormatError(`corrupt BAM: record ${n} (uncompressed offset ${this.consumed + pos}): ${problem}`);
  }

  /** When the text has @SQ lines, they must name the same references as the binary list. */
  private checkHeaderAgainstReferences(): void {
    const sq = parseSqLines(this.headerText);
    if (sq.length === 0) return;
    if (sq.length !== this.references.length) {
      throw new FormatError(`corrupt BAM header: ${sq.length} @SQ lines but ${this.references.length} binary references`);
    }
    for (let i = 0; i < sq.length; i++) {
      const ref = this.references[i];
      if (sq[i].name !== ref.name || sq[i].length !== ref.length) {
        throw new FormatError(`corrupt BAM header: @SQ ${quote(sq[i].name)} LN ${sq[i].length} differs from reference ${quote(ref.name)} ${ref.length}`);
      }
      if (sq[i].m5) ref.m5 = sq[i].m5;
    }
  }
}
