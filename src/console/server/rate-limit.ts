/**
 * Console sign-in attempts per key (a source address, a user or access key), in fixed windows
 * held in memory. An attempt is counted when it starts, synchronously, before any password is
 * checked: concurrent attempts cannot all pass a check that counted only finished failures. A
 * key at its limit is refused until its window ends (throttling, not a lockout); a sign-in that
 * succeeds, or was never checked, gives its attempt back.
 */
export interface AttemptLimit {
  key: string;
  limit: number;
}

export class SignInAttempts {
  private readonly windows = new Map<string, { start: number; attempts: number }>();

  constructor(private readonly windowMs = 5 * 60_000, private readonly maxKeys = 100_000) {}

  /** Counts one attempt under every key and answers 0, or, when any key is spent, counts
   * nothing and answers the milliseconds until it may try again. */
  reserve(limits: AttemptLimit[], nowMs: number): number {
    let waitMs = 0;
    for (const { key, limit } of limits) {
      const w = this.live(key, nowMs);
      if (w && w.attempts >= limit) waitMs = Math.max(waitMs, this.windowMs - (nowMs - w.start));
    }
    if (waitMs > 0) return waitMs;
    for (const { key } of limits) {
      const w = this.live(key, nowMs);
      if (w) {
        w.attempts++;
      } else {
        if (this.windows.size >= this.maxKeys) this.prune(nowMs);
        this.windows.set(key, { start: nowMs, attempts: 1 });
      }
    }
    return 0;
  }

  /** Gives back an attempt reserve() counted (in the window it still falls in). */
  refund(limits: AttemptLimit[], nowMs: number): void {
    for (const { key } of limits) {
      const w = this.live(key, nowMs);
      if (w && w.attempts > 0) w.attempts--;
    }
  }

  private live(key: string, nowMs: number): { start: number; attempts: number } | undefined {
    const w = this.windows.get(key);
    return w && nowMs - w.start < this.windowMs ? w : undefined;
  }

  private prune(nowMs: number): void {
    for (const [key, w] of this.windows) if (nowMs - w.start >= this.windowMs) this.windows.delete(key);
    // Still full (a flood of distinct keys): forget the oldest half rather than grow without bound.
    if (this.windows.size >= this.maxKeys) {
      let drop = Math.floor(this.maxKeys / 2);
      for (const key of this.windows.keys()) {
        if (drop-- <= 0) break;
        this.windows.delete(key);
      }
    }
  }
}
