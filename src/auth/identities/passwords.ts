/**
 * Console passwords: salted scrypt hashes (node:crypto), compared in constant time, and IAM's
 * default password policy. A password is never logged, recorded or stored in the clear.
 *
 * Hashing is asynchronous (libuv's thread pool, one hash at a time: password-lane.ts), so
 * callers do it outside a transaction: the IAM login-profile operations are staged calls,
 * sign-in verifies before it records.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { inPasswordLane } from './password-lane.ts';

/** OWASP's scrypt minimum (N=2^17 costs 128 MiB per hash; 2^14 keeps sign-in bursts affordable). */
const PARAMS = { N: 16384, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions, queueLimit?: number): Promise<Buffer> {
  return inPasswordLane(() => new Promise((resolve, reject) => {
    scryptCallback(password.normalize('NFC'), salt, keylen, { ...options, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
  }), queueLimit);
}

/** `scrypt$N$r$p$<salt>$<hash>`, base64. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(password, salt, KEY_BYTES, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** A hash no password matches, verified when there is no real one so that a sign-in for an
 * unknown user costs the same work as one for a known user. */
export const UNMATCHABLE_HASH = `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${Buffer.alloc(SALT_BYTES).toString('base64')}$${Buffer.alloc(KEY_BYTES).toString('base64')}`;

/** `queueLimit`: how many checks may wait before this one is refused (PasswordChecksBusy). */
export async function verifyPassword(password: string, stored: string, queueLimit?: number): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  const actual = await scrypt(password, salt, expected.length, { N, r, p }, queueLimit);
  return timingSafeEqual(actual, expected) && stored !== UNMATCHABLE_HASH;
}

const SYMBOLS = /[!@#$%^&*()_+\-=[\]{}|']/;

/**
 * IAM's default password policy (an account without a custom policy): 8 to 128 characters and
 * at least three of uppercase letters, lowercase letters, numbers and symbols. Returns the
 * PasswordPolicyViolation message, or undefined when the password conforms.
 */
export function passwordPolicyViolation(password: string): string | undefined {
  if (password.length < 8) return 'Password should have a minimum length of 8';
  if (password.length > 128) return 'Password should have a maximum length of 128';
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, SYMBOLS].filter((re) => re.test(password)).length;
  if (classes < 3) {
    return 'Password should have at least three of the following: uppercase letters, lowercase letters, numbers and symbols (! @ # $ % ^ & * ( ) _ + - = [ ] { } | \')';
  }
  return undefined;
}
