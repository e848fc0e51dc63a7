/**
 * The bytes of an uploaded genomics file as its scanner reads them: decompressed when the file
 * starts with the gzip magic bytes (plain gzip, multi-member gzip and BGZF alike, since
 * `zlib.createGunzip` reads concatenated members), as they are otherwise. Every source chunk,
 * before decompression, goes to `onSourceChunk` first, so the caller can hash the file as
 * uploaded (the reference `md5`) and count its bytes in the same pass.
 *
 * zlib's errors (corrupt or truncated gzip) become FormatErrors; errors of the source itself
 * (I/O) are passed on unchanged.
 */
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { FormatError } from './format-error.ts';

export type Compression = 'gzip' | 'none';

export type ByteSource = Readable | AsyncIterable<Uint8Array>;

export interface DecodedInput {
  compression: Compression;
  /** The (decompressed) bytes, in order. Iterate once. */
  chunks: AsyncIterable<Buffer>;
}

/** Output chunks of the inflater: larger than zlib's 16 KiB default, fewer loop entries. */
const INFLATE_CHUNK = 256 * 1024;

export async function openDecoded(
  source: ByteSource,
  onSourceChunk: (chunk: Buffer) => Promise<void> | undefined = () => undefined,
): Promise<DecodedInput> {
  const it = source[Symbol.asyncIterator]() as AsyncIterator<Uint8Array | string>;
  // Enough leading bytes to see the magic (a source may hand out 1-byte chunks).
  let head = Buffer.alloc(0);
  let exhausted = false;
  while (head.length < 2) {
    const next = await it.next();
    if (next.done) { exhausted = true; break; }
    head = Buffer.concat([head, asBuffer(next.value)]);
  }
  const compression: Compression = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b ? 'gzip' : 'none';

  async function* sourceChunks(): AsyncGenerator<Buffer> {
    try {
      if (head.length > 0) {
        await onSourceChunk(head);
        yield head;
      }
      while (!exhausted) {
        const next = await it.next();
        if (next.done) break;
        const chunk = asBuffer(next.value);
        await onSourceChunk(chunk);
        yield chunk;
      }
    } finally {
      // Stopped early (the scan failed): release the source.
      if (!exhausted) await it.return?.();
    }
  }

  if (compression === 'none') return { compression, chunks: sourceChunks() };
  const gunzip = createGunzip({ chunkSize: INFLATE_CHUNK });
  // Errors of either side surface on the gunzip iterator below.
  pipeline(Readable.from(sourceChunks()), gunzip, () => undefined);
  return { compression, chunks: inflated(gunzip) };
}

async function* inflated(gunzip: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of gunzip) yield chunk;
  } catch (err) {
    throw zlibFailure(err) ?? err;
  }
}

function zlibFailure(err: unknown): FormatError | undefined {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string' || !code.startsWith('Z_')) return undefined;
  const message = (err as Error).message;
  if (code === 'Z_BUF_ERROR') return new FormatError('gzip data truncated (unexpected end of file)');
  return new FormatError(`corrupt gzip data (${message})`);
}

function asBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk);
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
