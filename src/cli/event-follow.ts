/**
 * `events --follow`: LookupEvents polled from the newest event seen, a few seconds back so an
 * event committed late (or in the same second as the last one printed) is still found; event ids
 * already printed are skipped, so nothing prints twice. The follower's own LookupEvents calls
 * (recorded like any other) are left out, or an unfiltered follow would print one a second.
 */
import { paginateLookupEvents, type CloudTrailClient, type Event, type LookupAttribute } from '@aws-sdk/client-cloudtrail';

/** How far before the newest event seen each poll starts, in seconds. */
export const LOOKBACK_SECONDS = 5;

const seconds = (e: Event) => Math.floor((e.EventTime?.getTime() ?? 0) / 1000);

function requestIdOf(e: Event): string | undefined {
  if (e.EventName !== 'LookupEvents') return undefined;
  try {
    return (JSON.parse(e.CloudTrailEvent ?? '{}') as { requestID?: string }).requestID;
  } catch {
    return undefined;
  }
}

export class EventFollower {
  /** Event id -> event time (seconds) of the events printed that a next poll can return again. */
  private readonly seen = new Map<string, number>();
  private newest: number;

  /** `from`: the first second whose events are printed. */
  constructor(private readonly from: number, private readonly lookback = LOOKBACK_SECONDS) {
    this.newest = from;
  }

  /** StartTime of the next poll, in epoch seconds (inclusive). */
  queryStart(): number {
    return Math.max(this.from, this.newest - this.lookback);
  }

  /** The events of one poll (any order) -> those not printed yet, oldest first. */
  accept(events: Event[]): Event[] {
    const fresh: Event[] = [];
    // LookupEvents answers newest first; reversed, equal seconds keep the order they happened in.
    for (const e of [...events].reverse()) {
      const id = e.EventId;
      const t = seconds(e);
      if (!id || t < this.from || this.seen.has(id)) continue;
      this.seen.set(id, t);
      this.newest = Math.max(this.newest, t);
      fresh.push(e);
    }
    fresh.sort((a, b) => seconds(a) - seconds(b));
    const keepFrom = this.queryStart();
    for (const [id, t] of this.seen) if (t < keepFrom) this.seen.delete(id);
    return fresh;
  }
}

export interface FollowOptions {
  client: CloudTrailClient;
  attribute?: LookupAttribute;
  /** Print events from this second on. */
  from: number;
  intervalMs?: number;
  print(events: Event[]): Promise<void>;
  /** Called once the first poll is done. */
  onReady?(): void;
  signal: AbortSignal;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

/** Polls until `signal` aborts. */
export async function followEvents(o: FollowOptions): Promise<void> {
  const follower = new EventFollower(o.from);
  /** Request ids of this follower's own polls -> when they were made (ms). */
  const own = new Map<string, number>();
  let first = true;
  while (!o.signal.aborted) {
    const events: Event[] = [];
    const input = { LookupAttributes: o.attribute ? [o.attribute] : undefined, StartTime: new Date(follower.queryStart() * 1000) };
    for await (const page of paginateLookupEvents({ client: o.client, pageSize: 50 }, input)) {
      if (page.$metadata.requestId) own.set(page.$metadata.requestId, Date.now());
      events.push(...(page.Events ?? []));
    }
    if (o.signal.aborted) break;
    await o.print(follower.accept(events.filter((e) => !own.has(requestIdOf(e) ?? ''))));
    for (const [id, at] of own) if (at < Date.now() - 60_000) own.delete(id);
    if (first) o.onReady?.();
    first = false;
    await sleep(o.intervalMs ?? 1000, o.signal);
  }
}
