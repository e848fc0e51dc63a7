import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Db } from '../../src/storage/db.ts';
import { EventStore, type LookupAttributeKey } from '../../src/audit/event-store.ts';
import { buildRecord } from '../../src/audit/record.ts';
import type { Principal } from '../../src/core/principal.ts';

function principal(user: string): Principal {
  return { type: 'IAMUser', accountId: '123456789012', arn: `arn:aws:iam::123456789012:user/${user}`, principalId: `AIDA${user}`, accessKeyId: `AKIA${user.toUpperCase()}`, userName: user };
}

function seed(): EventStore {
  const store = new EventStore(new Db(':memory:'));
  for (let i = 0; i < 30; i++) {
    const user = i % 3 === 0 ? 'alice' : 'bob';
    const record = buildRecord({
      eventVersion: '1.08', principal: principal(user), eventTime: new Date(Date.UTC(2024, 0, 1, 0, 0, i)),
      eventSource: i % 2 ? 'iam.amazonaws.com' : 'healthlake.amazonaws.com', eventName: i % 2 ? 'CreateUser' : 'DescribeFHIRDatastore',
      awsRegion: i === 29 ? 'eu-west-1' : 'us-east-1', sourceIp: '127.0.0.1', requestParameters: null, responseElements: null,
      requestId: `r${i}`, eventId: `e${i}`, readOnly: i % 2 === 0, resources: [], recipientAccountId: '123456789012',
    });
    store.append(record, { username: user, resources: [{ type: 'AWS::IAM::User', name: `res${i % 5}` }] });
  }
  return store;
}

const all = { accountId: '123456789012', region: 'us-east-1', startTime: 0, endTime: 2_000_000_000, limit: 100 };

describe('event store lookups', () => {
  const store = seed();

  it('returns the region called only, newest first', () => {
    const events = store.lookup(all);
    assert.equal(events.length, 29);
    assert.deepEqual(events.slice(0, 3).map((e) => e.eventId), ['e28', 'e27', 'e26']);
  });

  const cases: [LookupAttributeKey, string, number][] = [
    ['EventId', 'e4', 1], ['EventName', 'CreateUser', 14], ['ReadOnly', 'true', 15], ['Username', 'alice', 10],
    ['ResourceType', 'AWS::IAM::User', 29], ['ResourceName', 'res0', 6], ['EventSource', 'healthlake.amazonaws.com', 15],
    ['AccessKeyId', 'AKIAALICE', 10],
  ];
  for (const [key, value, expected] of cases) {
    it(`filters by ${key}`, () => {
      const events = store.lookup({ ...all, attribute: { key, value } });
      assert.equal(events.length, expected);
      for (let i = 1; i < events.length; i++) assert.ok(events[i - 1]!.seq > events[i]!.seq);
    });
  }

  it('honours inclusive time bounds and pages with a cursor', () => {
    const start = Date.UTC(2024, 0, 1, 0, 0, 10) / 1000;
    const end = Date.UTC(2024, 0, 1, 0, 0, 19) / 1000;
    const first = store.lookup({ ...all, startTime: start, endTime: end, limit: 4 });
    assert.deepEqual(first.map((e) => e.eventId), ['e19', 'e18', 'e17', 'e16']);
    const last = first.at(-1)!;
    const second = store.lookup({ ...all, startTime: start, endTime: end, limit: 10, before: { time: last.eventTime, seq: last.seq } });
    assert.deepEqual(second.map((e) => e.eventId), ['e15', 'e14', 'e13', 'e12', 'e11', 'e10']);
  });

  it('returns each event\'s resources', () => {
    const [e] = store.lookup({ ...all, attribute: { key: 'EventId', value: 'e7' } });
    assert.deepEqual(e!.resources, [{ type: 'AWS::IAM::User', name: 'res2' }]);
  });
});
