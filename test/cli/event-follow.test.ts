/**
 * EventFollower, the bookkeeping of `events --follow`: each event printed once across
 * overlapping polls, in time order, including events of an equal second that arrive late.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Event } from '@aws-sdk/client-cloudtrail';
import { EventFollower } from '../../src/cli/event-follow.ts';

const T0 = 1_800_000_000;
const ev = (id: string, second: number): Event => ({ EventId: id, EventTime: new Date((T0 + second) * 1000) });
/** A poll's answer: newest first, like LookupEvents (later-recorded first within a second). */
const poll = (...events: Event[]) => [...events].reverse();
const ids = (events: Event[]) => events.map((e) => e.EventId);

describe('EventFollower', () => {
  it('prints each event once, oldest first, across polls that overlap', () => {
    const f = new EventFollower(T0, 5);
    assert.equal(f.queryStart(), T0);
    assert.deepEqual(ids(f.accept(poll(ev('a', 0), ev('b', 1), ev('c', 1)))), ['a', 'b', 'c']);
    assert.equal(f.queryStart(), T0);
    // The same events again, plus one recorded later in the same second as b and c.
    assert.deepEqual(ids(f.accept(poll(ev('a', 0), ev('b', 1), ev('c', 1), ev('d', 1)))), ['d']);
    assert.deepEqual(ids(f.accept(poll(ev('a', 0), ev('b', 1), ev('c', 1), ev('d', 1)))), []);
    assert.deepEqual(ids(f.accept(poll(ev('a', 0), ev('b', 1), ev('c', 1), ev('d', 1), ev('e', 10), ev('f', 12)))), ['e', 'f']);
    assert.equal(f.queryStart(), T0 + 7);
    // An event committed late with an earlier time inside the look-back window still prints.
    assert.deepEqual(ids(f.accept(poll(ev('g', 8), ev('e', 10), ev('f', 12)))), ['g']);
    assert.deepEqual(ids(f.accept(poll(ev('g', 8), ev('e', 10), ev('f', 12), ev('h', 12)))), ['h']);
  });

  it('skips events before the start and sorts a poll by time', () => {
    const f = new EventFollower(T0 + 5, 5);
    assert.deepEqual(ids(f.accept([ev('late', 9), ev('early', 4), ev('first', 5), ev('mid', 7)])), ['first', 'mid', 'late']);
    assert.deepEqual(ids(f.accept([ev('x', 6), ev('mid', 7)])), ['x']);
  });

  it('keeps LookupEvents\' order within one second', () => {
    const f = new EventFollower(T0, 5);
    assert.deepEqual(ids(f.accept([ev('3', 2), ev('2', 2), ev('1', 2), ev('0', 1)])), ['0', '1', '2', '3']);
  });
});
