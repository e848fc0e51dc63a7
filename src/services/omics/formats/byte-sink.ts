/**
 * Where a scanner tees the (decompressed) bytes it reads, so a caller can store them while the
 * file is scanned instead of reading it twice — e.g. a PassThrough handed to ObjectStore.put.
 * Writes wait for 'drain' (a slow store slows the scan, nothing piles up in memory); a sink
 * that fails stops the scan with its error. The scanner ends the sink after the last byte, or
 * destroys it with the scan's error, so a store reading from it never keeps a bad file.
 *
 * Use: start the consumer first, then scan, and settle both (the sink's reader must destroy the
 * sink if it gives up, or the scan waits for 'drain' forever):
 *
 *   const pass = new PassThrough();
 *   const stored = store.put(bucket, key, pass, meta).catch((err) => { pass.destroy(err); throw err; });
 *   const [scan, put] = await Promise.allSettled([scanFasta(source, { sink: pass }), stored]);
 *
 * For a FASTQ kept gzip-compressed, the sink is a zlib.createGzip() whose output the store reads.
 */
import type { Writable } from 'node:stream';

export class ByteSink {
  constructor(private readonly sink: Writable | undefined) {}

  write(chunk: Buffer): Promise<void> | undefined {
    const sink = this.sink;
    if (!sink) return undefined;
    if (sink.destroyed || sink.writableEnded) return Promise.reject(sink.errored ?? new Error('the byte sink was closed before the scan ended'));
    if (sink.write(chunk)) return undefined;
    return new Promise((resolve, reject) => {
      const settle = (err?: Error | null) => {
        sink.off('drain', onDrain);
        sink.off('error', onError);
        sink.off('close', onClose);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = () => settle();
      const onError = (err: Error) => settle(err);
      const onClose = () => settle(sink.errored ?? new Error('the byte sink was closed before the scan ended'));
      sink.on('drain', onDrain);
      sink.on('error', onError);
      sink.on('close', onClose);
    });
  }

  /** The scan succeeded: no more bytes. */
  end(): void {
    if (this.sink && !this.sink.destroyed && !this.sink.writableEnded) this.sink.end();
  }

  /** The scan failed: the sink's reader sees the same error. */
  fail(err: unknown): void {
    if (this.sink && !this.sink.destroyed) this.sink.destroy(err instanceof Error ? err : new Error(String(err)));
  }
}
