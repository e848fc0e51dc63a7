/**
 * A request body handed on unread (S3 uploads stream to disk instead of into memory). Nothing is
 * read from the socket until the handler reads, and only then does a client that sent
 * `Expect: 100-continue` get its `100 Continue`: a call refused before its body (bad signature,
 * access denied, no such bucket) never makes the client send gigabytes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

export class LazyRequestBody extends Readable {
  /** The handler began reading (and a 100 Continue went out if asked for). */
  started = false;
  /** The client's bytes were all read. */
  ended = false;

  constructor(private readonly msg: IncomingMessage, private readonly res: ServerResponse, private readonly expectsContinue: boolean) {
    super();
  }

  override _read(): void {
    if (this.started) {
      this.msg.resume();
      return;
    }
    this.started = true;
    if (this.expectsContinue) this.res.writeContinue();
    this.msg.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) this.msg.pause();
    });
    this.msg.on('end', () => {
      this.ended = true;
      this.push(null);
    });
    this.msg.on('error', (err) => this.destroy(err));
    this.msg.on('aborted', () => this.destroy(new Error('the client aborted the request')));
  }
}
