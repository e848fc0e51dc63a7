import { randomBytes, randomUUID } from 'node:crypto';

/** Injected time and id sources, so tests can be deterministic. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface IdSource {
  uuid(): string;
  /** A UUID whose leading bits are the time (RFC 9562 version 7): ids made in order sort in
   * order, so an index over them grows at its end instead of at random pages. */
  timeOrderedUuid(at: Date): string;
  /** Lowercase hex of `bytes` random bytes. */
  hex(bytes: number): string;
  /** Random characters from `alphabet`. */
  chars(length: number, alphabet: string): string;
}

export const randomIds: IdSource = {
  uuid: () => randomUUID(),
  timeOrderedUuid: (at) => timeOrderedUuid(at, randomUUID()),
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
  const second = Math.floor(d.getTime() / 1000);
  // Every record formats its time: calls in the same second share the text.
  if (second === lastSecond) return lastIsoSeconds;
  const iso = d.toISOString();
  // Years 0-9999 print as YYYY-MM-DDTHH:MM:SS.sssZ; others carry a sign and more digits.
  lastIsoSeconds = iso.length === 24 ? `${iso.slice(0, 19)}Z` : iso.replace(/\.\d{3}Z$/, 'Z');
  lastSecond = second;
  return lastIsoSeconds;
}
let lastSecond = NaN;
let lastIsoSeconds = '';

/** RFC 9562 version 7 from a random (version 4) UUID: 48 bits of Unix milliseconds replace its
 * head and the version nibble becomes 7; the variant bits and the remaining 74 random bits stay. */
export function timeOrderedUuid(at: Date, random: string): string {
  const ms = at.getTime().toString(16).padStart(12, '0').slice(-12);
  return `${ms.slice(0, 8)}-${ms.slice(8)}-7${random.slice(15)}`;
}
