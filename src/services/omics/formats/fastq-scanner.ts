/**
 * scanFastq: one streaming pass over a FASTQ read file (plain or gzip, multi-member gzip
 * included) that validates its records and counts what a HealthOmics read set reports (reads,
 * bases, read lengths), hashes the uncompressed FASTQ for the ETag, and optionally tees the
 * uncompressed bytes to a sink (the sequence store keeps FASTQ gzip-compressed: the caller
 * compresses what the sink receives).
 *
 * Records may be wrapped over several lines, so a record is read by lengths, not by counting
 * four lines: '@' header, sequence lines up to the '+' line, then quality lines until the
 * quality is as long as the sequence (a quality line may itself begin with '@' — a 4-line
 * parser misreads htslib's faidx/fastqs.fq). No FASTQ library exists in the registry here
 * (spec/omics-formats.md §3.1), hence hand-written.
 *
 * ETag (AWS's FASTQ_MD5up / FASTQ_SHA256up / FASTQ_SHA512up): the hash of the uncompressed
 * complete FASTQ, i.e. of exactly the decompressed bytes this scanner reads and the sink gets.
 */
import type { Writable } from 'node:stream';
import { startDigests } from '../../s3/digests.ts';
import { ByteSink } from './byte-sink.ts';
import { openDecoded, type ByteSource, type Compression } from './decoded-input.ts';
import { FormatError, quote } from './format-error.ts';
import { LineSplitter } from './line-splitter.ts';

export type FastqHashAlgorithm = 'md5' | 'sha256' | 'sha512';

export interface FastqScan {
  reads: number;
  /** Sum of the read lengths (bases). */
  bases: number;
  minReadLength: number;
  maxReadLength: number;
  /** Hex digests of the uncompressed FASTQ, per algorithm asked for. */
  hashes: Partial<Record<FastqHashAlgorithm, string>>;
  compression: Compression;
  /** Bytes read from the source (the upload's size). */
  sourceBytes: number;
  /** Bytes of the uncompressed FASTQ. */
  fastqBytes: number;
}

export interface FastqScanOptions {
  /** Digests of the uncompressed FASTQ to compute; default ['md5']. */
  hashes?: FastqHashAlgorithm[];
  /** Receives the uncompressed FASTQ bytes; ended on success, destroyed on failure. */
  sink?: Writable;
  /** The uncompressed size if known: small files are hashed inline instead of on a worker. */
  sizeHint?: number;
}

/** Sequence bytes: IUPAC nucleotide codes in either case and '.' (an old Illumina no-call). */
const BASE = new Uint8Array(256);
for (const c of 'ACGTUMRWSYKVHDBN') BASE[c.charCodeAt(0)] = BASE[c.toLowerCase().charCodeAt(0)] = 1;
BASE['.'.charCodeAt(0)] = 1;

const AT = 64;
const PLUS = 43;

const enum Expect { Header, Sequence, Quality }

export async function scanFastq(source: ByteSource, opts: FastqScanOptions = {}): Promise<FastqScan> {
  const algorithms: FastqHashAlgorithm[] = [...new Set<FastqHashAlgorithm>(opts.hashes ?? ['md5'])];
  const sink = new ByteSink(opts.sink);
  const digester = startDigests(algorithms, opts.sizeHint ?? Number.MAX_SAFE_INTEGER);
  let sourceBytes = 0;
  try {
    const input = await openDecoded(source, (chunk) => { sourceBytes += chunk.length; return undefined; });
    const records = new FastqRecords();
    const lines = new LineSplitter((buf, start, end, line) => records.line(buf, start, end, line));
    let fastqBytes = 0;
    for await (const chunk of input.chunks) {
      lines.feed(chunk);
      fastqBytes += chunk.length;
      const hashed = digester.update(chunk);
      if (hashed) await hashed;
      const written = sink.write(chunk);
      if (written) await written;
    }
    lines.finish();
    records.finish(lines.lines);
    const digests = await digester.digests();
    const hashes: FastqScan['hashes'] = {};
    for (const a of algorithms) hashes[a] = digests.get(a)!.toString('hex');
    sink.end();
    return {
      reads: records.reads, bases: records.bases,
      minReadLength: records.reads === 0 ? 0 : records.minLength, maxReadLength: records.maxLength,
      hashes, compression: input.compression, sourceBytes, fastqBytes,
    };
  } catch (err) {
    digester.abort();
    sink.fail(err);
    throw err;
  }
}

/** The record state machine, one line at a time. */
class FastqRecords {
  reads = 0;
  bases = 0;
  minLength = Number.MAX_SAFE_INTEGER;
  maxLength = 0;
  private expect = Expect.Header;
  private sequenceLength = 0;
  private qualityLength = 0;
  private recordLine = 0;

  line(buf: Buffer, start: number, end: number, line: number): void {
    switch (this.expect) {
      case Expect.Header: {
        if (end === start) return; // blank lines between records
        if (buf[start] !== AT) throw new FormatError(`line ${line}: expected '@' header, got ${quote(buf.toString('latin1', start, Math.min(end, start + 40)))}`);
        if (end === start + 1 || buf[start + 1] <= 32) throw new FormatError(`line ${line}: header without a read name`);
        this.expect = Expect.Sequence;
        this.sequenceLength = 0;
        this.recordLine = line;
        return;
      }
      case Expect.Sequence: {
        if (end > start && buf[start] === PLUS) {
          this.expect = Expect.Quality;
          this.qualityLength = 0;
          if (this.sequenceLength === 0) this.endRecord();
          return;
        }
        for (let i = start; i < end; i++) {
          if (BASE[buf[i]] === 0) throw new FormatError(`line ${line}: invalid sequence character ${describeByte(buf[i])}`);
        }
        this.sequenceLength += end - start;
        return;
      }
      case Expect.Quality: {
        for (let i = start; i < end; i++) {
          const q = buf[i];
          if (q < 33 || q > 126) throw new FormatError(`line ${line}: invalid quality character ${describeByte(q)}`);
        }
        this.qualityLength += end - start;
        if (this.qualityLength > this.sequenceLength) {
          throw new FormatError(`line ${line}: quality longer than sequence (${this.qualityLength} > ${this.sequenceLength}) in the record of line ${this.recordLine}`);
        }
        if (this.qualityLength === this.sequenceLength) this.endRecord();
        return;
      }
    }
  }

  finish(lastLine: number): void {
    if (this.expect !== Expect.Header) throw new FormatError(`line ${lastLine + 1}: truncated record (the record of line ${this.recordLine} ends early)`);
    if (this.reads === 0) throw new FormatError('no reads: the FASTQ has no records');
  }

  private endRecord(): void {
    const n = this.sequenceLength;
    this.reads++;
    this.bases += n;
    if (n < this.minLength) this.minLength = n;
    if (n > this.maxLength) this.maxLength = n;
    this.expect = Expect.Header;
  }
}

function describeByte(c: number): string {
  return c >= 0x21 && c <= 0x7e ? `'${String.fromCharCode(c)}'` : `0x${c.toString(16).padStart(2, '0')}`;
}
