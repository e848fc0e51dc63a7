/**
 * Per-request view of the condition context: case-insensitive key lookup (built lazily, once per
 * request) and the keys AWS always supplies (aws:CurrentTime, aws:EpochTime) when the caller
 * left them out.
 */
import type { ConditionContext } from './types.ts';
import { isoSeconds } from '../../core/clock.ts';

export type ContextValue = string | string[];

export class Lookup {
  private lower: Map<string, ContextValue> | undefined;
  private now: number | undefined;

  constructor(readonly ctx: ConditionContext) {}

  /** The value of a context key; `key` is lower-case, `orig` the spelling in the policy. */
  get(key: string, orig?: string): ContextValue | undefined {
    if (orig !== undefined) {
      const v = this.ctx[orig];
      if (typeof v === 'string' || Array.isArray(v)) return v;
    }
    let map = this.lower;
    if (map === undefined) {
      map = new Map();
      for (const k in this.ctx) {
        const v = this.ctx[k];
        if (typeof v === 'string' || Array.isArray(v)) map.set(k.toLowerCase(), v);
      }
      this.lower = map;
    }
    const v = map.get(key);
    if (v !== undefined) return v;
    if (key === 'aws:currenttime') return isoSeconds(new Date(this.nowMs()));
    if (key === 'aws:epochtime') return String(Math.floor(this.nowMs() / 1000));
    return undefined;
  }

  /** A single-valued key's value (policy variables cannot use multivalued keys). */
  single(key: string, orig?: string): string | undefined {
    const v = this.get(key, orig);
    return typeof v === 'string' ? v : undefined;
  }

  private nowMs(): number {
    return (this.now ??= Date.now());
  }
}
