import { randomBytes, randomUUID } from 'node:crypto';

/** Injected time and id sources, so tests can be deterministic. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface IdSource {
  uuid(): string;
  /** Lowercase hex of `bytes` random bytes. */
  hex(bytes: number): string;
  /** Random characters from `alphabet`. */
  chars(length: number, alphabet: string): string;
}

export const randomIds: IdSource = {
  uuid: () => randomUUID(),
  hex: (bytes) => randomBytes(bytes).toString('hex'),
  chars: (length, alphabet) => {
    const out: string[] = [];
    const bytes = randomBytes(length * 2);
    for (let i = 0; out.length < length; i++) {
      const b = bytes[i % bytes.length]!;
      if (b < 256 - (256 % alphabet.length)) out.push(alphabet[b % alphabet.length]!);
      if (i >= bytes.length * 4) break;
    }
    while (out.length < length) out.push(alphabet[randomBytes(1)[0]! % alphabet.length]!);
    return out.join('');
  },
};

/** CloudTrail/ISO form without milliseconds: 2024-01-01T00:00:00Z. */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
