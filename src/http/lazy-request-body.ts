/**
 * A request body handed on unread (S3 uploads stream to disk instead of into memory). Nothing is
 * read from the socket until the handler reads, and only then does a client that sent
 * `Expect: 100-continue` get its `100 Continue`: a call refused before its body (bad signature,
 * access denied, no such bucket) never makes the client send gigabytes.
 *
 * Once reading has begun, the body must keep a minimum rate: each window must bring at least
 * `minBytesPerSecond × windowSeconds` bytes. The socket's inactivity timeout alone is reset by
 * every byte, so a client sending one byte every few seconds would hold the request (and its
 * staged file) forever. A window in which we paused the socket ourselves (the disk was slower
 * than the client) is not held against the client. Too slow: the stream fails with S3's
 * RequestTimeout, the handler discards what it staged, and the connection is closed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { AwsError } from '../core/aws-error.ts';

export interface BodyRate {
  /** 0: no minimum. */
  minBytesPerSecond: number;
  windowSeconds: number;
}

/** S3's answer to a body that stopped coming (the only protocol that streams bodies). */
export function requestTimeoutError(): AwsError {
  return new AwsError('RequestTimeout',
    'Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.',
    { status: 400 });
}

export class LazyRequestBody extends Readable {
  /** The handler began reading (and a 100 Continue went out if asked for). */
  started = false;
  /** The client's bytes were all read. */
  ended = false;
  private windowBytes = 0;
  private pausedInWindow = false;
  private rateTimer?: NodeJS.Timeout;

  constructor(private readonly msg: IncomingMessage, private readonly res: ServerResponse, private readonly expectsContinue: boolean,
    private readonly rate: BodyRate = { minBytesPerSecond: 0, windowSeconds: 30 }) {
    super();
  }

  override _read(): void {
    if (this.started) {
      this.msg.resume();
      return;
    }
    this.started = true;
    if (this.expectsContinue) this.res.writeContinue();
    this.watchRate();
    this.msg.on('data', (chunk: Buffer) => {
      this.windowBytes += chunk.length;
      if (!this.push(chunk)) {
        this.pausedInWindow = true;
        this.msg.pause();
      }
    });
    this.msg.on('end', () => {
      this.ended = true;
      this.stopWatching();
      this.push(null);
    });
    this.msg.on('error', (err) => this.destroy(err));
    this.msg.on('aborted', () => this.destroy(new Error('the client aborted the request')));
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.stopWatching();
    callback(err);
  }

  private watchRate(): void {
    const { minBytesPerSecond, windowSeconds } = this.rate;
    if (!(minBytesPerSecond > 0)) return;
    const needed = minBytesPerSecond * windowSeconds;
    this.rateTimer = setInterval(() => {
      const tooSlow = !this.pausedInWindow && !this.msg.isPaused() && this.windowBytes < needed;
      this.windowBytes = 0;
      this.pausedInWindow = false;
      if (tooSlow) this.destroy(requestTimeoutError());
    }, windowSeconds * 1000);
    this.rateTimer.unref();
  }

  private stopWatching(): void {
    if (this.rateTimer) clearInterval(this.rateTimer);
    this.rateTimer = undefined;
  }
}
