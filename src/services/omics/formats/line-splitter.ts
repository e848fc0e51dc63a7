/**
 * Splits a byte stream into lines for the text-format scanners without copying the stream:
 * each line is handed over as (buffer, start, end) inside the chunk it sits in, and only a line
 * that spans two chunks is copied, into one reused carry buffer. A trailing CR is not part of
 * the line (CRLF files read like LF files). Lines are numbered from 1.
 */
import { FormatError } from './format-error.ts';

const LF = 10;
const CR = 13;

/** Longest line accepted: a bound on the carry buffer (long-read FASTQ lines are megabytes). */
export const MAX_LINE_BYTES = 256 * 1024 * 1024;

export type LineHandler = (buf: Buffer, start: number, end: number, line: number) => void;

export class LineSplitter {
  /** Lines handed over so far. */
  lines = 0;
  private carry = Buffer.alloc(0);
  private carried = 0;

  constructor(private readonly onLine: LineHandler) {}

  feed(chunk: Buffer): void {
    let start = 0;
    let nl = chunk.indexOf(LF);
    if (this.carried > 0) {
      if (nl < 0) {
        this.append(chunk, 0, chunk.length);
        return;
      }
      this.append(chunk, 0, nl);
      this.emit(this.carry, 0, this.carried);
      this.carried = 0;
      start = nl + 1;
      nl = chunk.indexOf(LF, start);
    }
    const onLine = this.onLine;
    while (nl >= 0) {
      let end = nl;
      if (end > start && chunk[end - 1] === CR) end--;
      onLine(chunk, start, end, ++this.lines);
      start = nl + 1;
      nl = chunk.indexOf(LF, start);
    }
    if (start < chunk.length) this.append(chunk, start, chunk.length);
  }

  /** The end of the stream: a last line without its line feed is still a line. */
  finish(): void {
    if (this.carried > 0) {
      this.emit(this.carry, 0, this.carried);
      this.carried = 0;
    }
  }

  private emit(buf: Buffer, start: number, end: number): void {
    if (end > start && buf[end - 1] === CR) end--;
    this.onLine(buf, start, end, ++this.lines);
  }

  private append(chunk: Buffer, start: number, end: number): void {
    const need = this.carried + (end - start);
    if (need > MAX_LINE_BYTES) throw new FormatError(`line ${this.lines + 1}: longer than ${MAX_LINE_BYTES} bytes`);
    if (need > this.carry.length) {
      const grown = Buffer.alloc(Math.max(need, this.carry.length * 2, 64 * 1024));
      this.carry.copy(grown, 0, 0, this.carried);
      this.carry = grown;
    }
    chunk.copy(this.carry, this.carried, start, end);
    this.carried = need;
  }
}
