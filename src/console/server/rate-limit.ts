/**
 * Failed console sign-ins per source IP and account, in a fixed window held in memory: after
 * `limit` failures the key is refused until its window ends. A success clears its key.
 */
export class FailedSignIns {
  private readonly windows = new Map<string, { start: number; failures: number }>();

  constructor(private readonly limit = 10, private readonly windowMs = 5 * 60_000, private readonly maxKeys = 100_000) {}

  /** Milliseconds until the key may try again, or 0 when it may now. */
  retryAfterMs(key: string, nowMs: number): number {
    const w = this.windows.get(key);
    if (!w || nowMs - w.start >= this.windowMs) return 0;
    return w.failures >= this.limit ? this.windowMs - (nowMs - w.start) : 0;
  }

  fail(key: string, nowMs: number): void {
    const w = this.windows.get(key);
    if (!w || nowMs - w.start >= this.windowMs) {
      if (this.windows.size >= this.maxKeys) this.prune(nowMs);
      this.windows.set(key, { start: nowMs, failures: 1 });
    } else {
      w.failures++;
    }
  }

  succeed(key: string): void {
    this.windows.delete(key);
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
