/**
 * The aws-chunked content coding (S3 uploads with x-amz-content-sha256 STREAMING-*): decodes
 *
 *   <hex size>[;chunk-signature=<sig>]\r\n <data> \r\n  ...  0[;chunk-signature=<sig>]\r\n
 *   [<trailer name>:<value>\r\n ...] [x-amz-trailer-signature:<sig>\r\n] \r\n
 *
 * as a stream, passing data through without buffering whole chunks. Signatures and trailers are
 * handed to the caller (chunk hashes included when asked), who checks them: this file knows the
 * framing, not SigV4. Written by hand because no maintained package decodes this format on the
 * server side (the SDKs only encode it).
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { AwsError } from '../core/aws-error.ts';

export interface AwsChunkedHandlers {
  /** Compute each chunk's SHA-256 for onChunk (signed streaming). */
  hashChunks?: boolean;
  /** Called after each chunk (the final empty one included) with its signature, if any. */
  onChunk?(size: number, signature: string | undefined, sha256Hex: string | undefined): void;
  /** Called once the trailer is read: its fields (lower-cased names, without the signature),
   * the lines as signed (`name:value\n` each) and the trailer signature, if any. */
  onTrailer?(fields: Record<string, string>, signedText: string, signature: string | undefined): void;
}

const MAX_LINE = 4096;
const CRLF = Buffer.from('\r\n');

function malformed(detail: string): AwsError {
  return new AwsError('InvalidRequest', `The aws-chunked request body is malformed: ${detail}.`, { status: 400 });
}

export function incompleteBody(): AwsError {
  return new AwsError('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.', { status: 400 });
}

type State = 'size' | 'data' | 'data-end' | 'trailer' | 'done';

export class AwsChunkedDecoder extends Transform {
  private state: State = 'size';
  private pending: Buffer = Buffer.alloc(0);
  private remaining = 0;
  private chunkSize = 0;
  private chunkSignature: string | undefined;
  private hash: Hash | undefined;
  private trailer: Record<string, string> = Object.create(null) as Record<string, string>;
  private trailerText = '';
  private trailerSignature: string | undefined;
  /** Decoded bytes passed through so far. */
  decodedLength = 0;

  constructor(private readonly handlers: AwsChunkedHandlers = {}) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
      this.consume();
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      // Some clients stop after the final chunk's line without the closing empty line.
      if (this.state === 'trailer' && this.pending.length === 0 && this.trailerText === '') this.finishTrailer();
      if (this.state !== 'done') throw incompleteBody();
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  private consume(): void {
    while (this.pending.length > 0) {
      switch (this.state) {
        case 'size': {
          const line = this.takeLine();
          if (line === undefined) return;
          this.startChunk(line);
          break;
        }
        case 'data': {
          const n = Math.min(this.remaining, this.pending.length);
          const data = this.pending.subarray(0, n);
          this.pending = this.pending.subarray(n);
          this.remaining -= n;
          this.decodedLength += n;
          this.hash?.update(data);
          this.push(data);
          if (this.remaining === 0) this.state = 'data-end';
          break;
        }
        case 'data-end': {
          if (this.pending.length < 2) return;
          if (!this.pending.subarray(0, 2).equals(CRLF)) throw malformed('a chunk is longer than its declared size');
          this.pending = this.pending.subarray(2);
          this.endChunk();
          this.state = 'size';
          break;
        }
        case 'trailer': {
          const line = this.takeLine();
          if (line === undefined) return;
          if (line === '') {
            this.finishTrailer();
            break;
          }
          const colon = line.indexOf(':');
          if (colon <= 0) throw malformed('a trailer line is not name:value');
          const name = line.slice(0, colon).trim().toLowerCase();
          const value = line.slice(colon + 1).trim();
          if (name === 'x-amz-trailer-signature') {
            this.trailerSignature = value;
          } else {
            this.trailer[name] = value;
            this.trailerText += `${name}:${value}\n`;
          }
          break;
        }
        case 'done':
          // Tolerate stray line breaks after the end; nothing else may follow.
          if (/^[\r\n]*$/.test(this.pending.toString('latin1'))) {
            this.pending = Buffer.alloc(0);
            return;
          }
          throw malformed('data follows the final chunk');
      }
    }
  }

  private takeLine(): string | undefined {
    const at = this.pending.indexOf(CRLF);
    if (at < 0) {
      if (this.pending.length > MAX_LINE) throw malformed('a chunk header or trailer line is too long');
      return undefined;
    }
    if (at > MAX_LINE) throw malformed('a chunk header or trailer line is too long');
    const line = this.pending.subarray(0, at).toString('latin1');
    this.pending = this.pending.subarray(at + 2);
    return line;
  }

  private startChunk(line: string): void {
    const [sizeText, ...extensions] = line.split(';');
    if (!/^[0-9a-fA-F]{1,12}$/.test(sizeText!.trim())) throw malformed(`'${line.slice(0, 40)}' is not a chunk size`);
    this.chunkSize = parseInt(sizeText!.trim(), 16);
    this.chunkSignature = undefined;
    for (const ext of extensions) {
      const eq = ext.indexOf('=');
      if (eq > 0 && ext.slice(0, eq).trim() === 'chunk-signature') this.chunkSignature = ext.slice(eq + 1).trim();
    }
    this.hash = this.handlers.hashChunks ? createHash('sha256') : undefined;
    if (this.chunkSize === 0) {
      this.endChunk();
      this.state = 'trailer';
    } else {
      this.remaining = this.chunkSize;
      this.state = 'data';
    }
  }

  private endChunk(): void {
    this.handlers.onChunk?.(this.chunkSize, this.chunkSignature, this.hash?.digest('hex'));
    this.hash = undefined;
  }

  private finishTrailer(): void {
    this.handlers.onTrailer?.({ ...this.trailer }, this.trailerText, this.trailerSignature);
    this.state = 'done';
  }
}
