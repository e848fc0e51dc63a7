/**
 * Filter patterns (src/services/logs/filter-pattern.ts) against the examples of CloudWatch's
 * "Filter pattern syntax" page: terms, ?terms (ignored beside other terms), -terms, quoted
 * phrases, match-all; unsupported syntax refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFilterPattern } from '../../src/services/logs/filter-pattern.ts';
import { AwsError } from '../../src/core/aws-error.ts';

const EVENTS = [
  '[ERROR 400] BAD REQUEST',
  '[ERROR 401] UNAUTHORIZED REQUEST',
  '[ERROR 419] MISSING ARGUMENTS',
  '[ERROR 420] INVALID ARGUMENTS',
  '[ERROR 500] INTERNAL SERVER ERROR',
  '[INFO] REQUEST FAILED',
  '[WARN] UNAUTHORIZED REQUEST',
];

function matching(pattern: string): string[] {
  const m = compileFilterPattern(pattern);
  return EVENTS.filter((e) => m(e));
}

test('the documented examples', () => {
  assert.deepEqual(matching('ERROR'), EVENTS.slice(0, 5));
  assert.deepEqual(matching('ERROR ARGUMENTS'), [EVENTS[2], EVENTS[3]]);
  assert.deepEqual(matching('?ERROR ?ARGUMENTS'), EVENTS.slice(0, 5));
  // ?terms next to other terms are ignored.
  assert.deepEqual(matching('?ERROR ?ARGUMENTS REQUEST'), [EVENTS[0], EVENTS[1], EVENTS[5], EVENTS[6]]);
  assert.deepEqual(matching('"INTERNAL SERVER ERROR"'), [EVENTS[4]]);
  assert.deepEqual(matching('ERROR -ARGUMENTS'), [EVENTS[0], EVENTS[1], EVENTS[4]]);
  assert.deepEqual(matching('" "'), EVENTS);
  assert.deepEqual(matching(''), EVENTS);
  // Case-sensitive, anywhere in the message.
  assert.deepEqual(matching('error'), []);
  assert.deepEqual(matching('AUTHORIZED'), [EVENTS[1], EVENTS[6]]);
  assert.deepEqual(matching('"[WARN]"'), [EVENTS[6]]);
  assert.deepEqual(matching('"say \\"hi\\""').length, 0);
  assert.ok(compileFilterPattern('"say \\"hi\\""')('they say "hi"'));
});

test('unsupported or malformed syntax is InvalidParameterException, never a guess', () => {
  for (const p of ['{ $.a = 1 }', '[a, b]', '%ERR%', '[WARN]', 'a:b', '"open', '"a"b', '-', '?""']) {
    assert.throws(() => compileFilterPattern(p), (e: unknown) => e instanceof AwsError && e.code === 'InvalidParameterException', p);
  }
});
