/**
 * GET /console/api/events/watch?region=R: Server-Sent Events telling the console that Event
 * history has something new. One poller serves every watcher: every `pollMs` it reads the newest
 * event sequence number (one index probe) and only when that moved does each watcher look at
 * the new rows (a rowid range) for management events of its account and region not made with
 * its own session's key, sending `data: {"latestEventTime": <epoch ms>}`. Comments keep idle
 * connections open; a watcher ends with its session (expiry or sign-out) or its client.
 */
import { PassThrough } from 'node:stream';
import type { Clock } from '../../core/clock.ts';
import type { Db } from '../../storage/db.ts';
import type { HttpResponse } from '../../wire/types.ts';
import { ConsoleHttpError, SECURITY_HEADERS } from './responses.ts';
import type { ConsoleSession, ConsoleSessions } from './sessions.ts';

export interface WatchOptions {
  pollMs: number;
  heartbeatMs: number;
  /** Concurrent watchers one session may hold. */
  perSession: number;
}

const DEFAULTS: WatchOptions = { pollMs: 500, heartbeatMs: 15_000, perSession: 3 };
/** A client that stops reading is cut off rather than buffered for. */
const MAX_BUFFERED_BYTES = 64 * 1024;

interface Watcher {
  session: ConsoleSession;
  region: string;
  lastSeq: number;
  lastWriteMs: number;
  stream: PassThrough;
}

export class EventWatchers {
  private readonly watchers = new Set<Watcher>();
  private readonly options: WatchOptions;
  private timer: NodeJS.Timeout | undefined;

  /** `events` should be a reader connection: notices are for committed events only. */
  constructor(
    private readonly events: Db,
    private readonly sessions: ConsoleSessions,
    private readonly clock: Clock,
    options: Partial<WatchOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  open(session: ConsoleSession, query: string): HttpResponse {
    const region = new URLSearchParams(query).get('region') ?? session.region;
    if (!/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region)) throw new ConsoleHttpError(400, 'ValidationError', 'region must be a region name.');
    let mine = 0;
    for (const w of this.watchers) if (w.session.idHash === session.idHash) mine++;
    if (mine >= this.options.perSession) {
      throw new ConsoleHttpError(429, 'TooManyWatchers', `A session may hold at most ${this.options.perSession} event watchers at once.`);
    }
    const stream = new PassThrough();
    const watcher: Watcher = { session, region, lastSeq: this.maxSeq(), lastWriteMs: Date.now(), stream };
    this.watchers.add(watcher);
    stream.on('close', () => {
      this.watchers.delete(watcher);
      if (this.watchers.size === 0) this.stopPolling();
    });
    stream.write('retry: 5000\n: watching Event history\n\n');
    this.startPolling();
    return {
      status: 200,
      headers: {
        ...SECURITY_HEADERS,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
      },
      body: '',
      stream,
    };
  }

  /** Ends every watcher (server shutdown). */
  close(): void {
    this.stopPolling();
    for (const w of this.watchers) w.stream.end();
  }

  private startPolling(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.poll(), this.options.pollMs);
    this.timer.unref();
  }

  private stopPolling(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private maxSeq(): number {
    return (this.events.stmt('SELECT max(seq) AS s FROM events').get() as { s: number | null }).s ?? 0;
  }

  private poll(): void {
    const now = this.clock.now();
    let max: number;
    try {
      max = this.maxSeq();
    } catch {
      return; // the database is busy or closing: try again next tick
    }
    for (const w of this.watchers) {
      if (!this.sessions.isLive(w.session, now)) {
        w.stream.end(': session ended\n\n');
        continue;
      }
      if (max > w.lastSeq) {
        const row = this.events.stmt(`SELECT max(event_time) AS t FROM events
          WHERE seq > ? AND seq <= ? AND account_id = ? AND region = ? AND management = 1
            AND (access_key_id IS NULL OR access_key_id <> ?)`)
          .get(w.lastSeq, max, w.session.accountId, w.region, w.session.accessKeyId) as { t: number | null };
        w.lastSeq = max;
        if (row.t !== null) this.send(w, `data: ${JSON.stringify({ latestEventTime: row.t * 1000 })}\n\n`);
      }
      if (Date.now() - w.lastWriteMs >= this.options.heartbeatMs) this.send(w, ': heartbeat\n\n');
    }
  }

  private send(w: Watcher, text: string): void {
    if (w.stream.writableLength > MAX_BUFFERED_BYTES) {
      w.stream.destroy();
      return;
    }
    w.stream.write(text);
    w.lastWriteMs = Date.now();
  }
}
