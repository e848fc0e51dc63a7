/**
 * Regroups a byte stream into chunks of about `size` bytes. The object store hands out 64 KiB
 * chunks; the FASTQ scanner's cost is largely per chunk (digest hand-off, sink writes), and
 * measured on a 200 MB FASTQ, 1 MiB chunks more than double the import's speed
 * (BENCHMARKS.md, omics-import). One chunk is held at a time.
 */
export async function* largeChunks(source: AsyncIterable<Buffer | Uint8Array>, size = 1 << 20): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of source) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    parts.push(b);
    bytes += b.length;
    if (bytes >= size) {
      yield parts.length === 1 ? parts[0]! : Buffer.concat(parts, bytes);
      parts = [];
      bytes = 0;
    }
  }
  if (bytes > 0) yield parts.length === 1 ? parts[0]! : Buffer.concat(parts, bytes);
}
