import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildRecord } from '../../src/audit/record.ts';
import { javaDate, toEventParameters } from '../../src/audit/parameters.ts';
import { AwsError } from '../../src/core/aws-error.ts';
import type { Principal } from '../../src/core/principal.ts';
import type { ServiceModel } from '../../src/wire/types.ts';

const root: Principal = {
  type: 'Root', accountId: '123456789012', arn: 'arn:aws:iam::123456789012:root', principalId: '123456789012', accessKeyId: 'AKIAROOT',
};

const base = {
  eventVersion: '1.08', principal: root, eventTime: new Date('2024-05-01T10:11:12.345Z'), eventSource: 'healthlake.amazonaws.com',
  eventName: 'CreateFHIRDatastore', awsRegion: 'us-east-1', sourceIp: '127.0.0.1', userAgent: 'test-agent',
  requestParameters: { datastoreName: 'x' }, responseElements: { datastoreId: 'abc' }, requestId: 'req-1', eventId: 'evt-1',
  readOnly: false, resources: [], recipientAccountId: '123456789012',
};

describe('record builder', () => {
  it('writes AWS field order, seconds-only time and management defaults', () => {
    const r = buildRecord(base);
    assert.deepEqual(Object.keys(r), [
      'eventVersion', 'userIdentity', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent',
      'requestParameters', 'responseElements', 'requestID', 'eventID', 'readOnly', 'eventType', 'managementEvent',
      'recipientAccountId', 'eventCategory',
    ]);
    assert.equal(r.eventTime, '2024-05-01T10:11:12Z');
    assert.equal(r.eventType, 'AwsApiCall');
    assert.equal(r.managementEvent, true);
    assert.equal(r.eventCategory, 'Management');
  });

  it('places errorCode/errorMessage after userAgent and nulls responseElements on failure', () => {
    const r = buildRecord({ ...base, error: new AwsError('ValidationException', 'bad') });
    const keys = Object.keys(r);
    assert.equal(keys.indexOf('errorCode'), keys.indexOf('userAgent') + 1);
    assert.equal(keys.indexOf('errorMessage'), keys.indexOf('errorCode') + 1);
    assert.equal(r.responseElements, null);
  });

  it('nulls responseElements of read-only calls and lists resources with ARN', () => {
    const r = buildRecord({ ...base, readOnly: true, resources: [{ type: 'AWS::X::Y', name: 'n', arn: 'arn:aws:x:us-east-1:123456789012:y/n' }] });
    assert.equal(r.responseElements, null);
    assert.deepEqual(r.resources, [{ accountId: '123456789012', type: 'AWS::X::Y', ARN: 'arn:aws:x:us-east-1:123456789012:y/n' }]);
    assert.equal(Object.keys(r).indexOf('resources'), Object.keys(r).indexOf('readOnly') + 1);
  });

  it('formats the second of each record, whatever order the times come in', () => {
    const times = ['2024-05-01T10:11:12.999Z', '2024-05-01T10:11:12.001Z', '2024-05-01T10:11:13.000Z', '2024-05-01T10:11:12.500Z', '1999-12-31T23:59:59.999Z'];
    assert.deepEqual(times.map((t) => buildRecord({ ...base, eventTime: new Date(t) }).eventTime),
      ['2024-05-01T10:11:12Z', '2024-05-01T10:11:12Z', '2024-05-01T10:11:13Z', '2024-05-01T10:11:12Z', '1999-12-31T23:59:59Z']);
  });

  it('truncates a userAgent above 1 KB and marks console-session calls', () => {
    const r = buildRecord({ ...base, userAgent: 'u'.repeat(5000), principal: { ...root, fromConsole: true } });
    assert.equal(r.userAgent!.length, 1024);
    assert.equal(r.sessionCredentialFromConsole, 'true');
  });
});

describe('event parameters from the model', () => {
  const model: ServiceModel = {
    metadata: { apiVersion: '1', endpointPrefix: 'x', protocol: 'json', serviceId: 'X' },
    operations: {},
    shapes: {
      In: { type: 'structure', members: { UserName: { shape: 'S' }, Password: { shape: 'Secret' }, When: { shape: 'T' }, Tags: { shape: 'L' }, Data: { shape: 'B' } } },
      S: { type: 'string' },
      Secret: { type: 'string', sensitive: true },
      T: { type: 'timestamp' },
      B: { type: 'blob' },
      L: { type: 'list', member: { shape: 'Tag' } },
      Tag: { type: 'structure', members: { Key: { shape: 'S' }, Value: { shape: 'S' } } },
      Labels: { type: 'structure', members: { Labels: { shape: 'M' } } },
      M: { type: 'map', key: { shape: 'S' }, value: { shape: 'S' } },
    },
  };

  it('lowerCamelCases members, drops sensitive members and blobs, formats dates as AWS services log them', () => {
    const out = toEventParameters(model, { shape: 'In' }, {
      UserName: 'bob', Password: 'hunter2', When: new Date('2024-01-02T15:04:05Z'), Tags: [{ Key: 'k', Value: 'v' }], Data: Buffer.from('x'),
    });
    assert.deepEqual(out, { userName: 'bob', when: 'Jan 2, 2024, 3:04:05 PM', tags: [{ key: 'k', value: 'v' }] });
  });

  it('is null when nothing is left', () => {
    assert.equal(toEventParameters(model, { shape: 'In' }, {}), null);
    assert.equal(toEventParameters(model, undefined, { a: 1 }), null);
  });

  it('logs {omitted: true} once the parameters pass 100 KB as JSON text, escapes counted', () => {
    // 20,000 control characters are 120,000 characters of JSON (\\u0001 each): over the limit.
    const escaped = '\u0001'.repeat(20_000);
    assert.deepEqual(toEventParameters(model, { shape: 'In' }, { UserName: escaped }), { omitted: true });
    // 100,000 plain characters stay under it, and are logged whole.
    const plain = 'p'.repeat(100_000);
    assert.deepEqual(toEventParameters(model, { shape: 'In' }, { UserName: plain }), { userName: plain });
    // Many small values add up: 2,000 tags of 50-character values (~130 KB of JSON).
    const tags = Array.from({ length: 2_000 }, (_, i) => ({ Key: `k${i}`, Value: 'v'.repeat(50) }));
    assert.deepEqual(toEventParameters(model, { shape: 'In' }, { Tags: tags }), { omitted: true });
    assert.ok(Array.isArray(toEventParameters(model, { shape: 'In' }, { Tags: tags.slice(0, 1_000) })?.tags));
  });

  it('keeps map keys as sent and walks map values', () => {
    assert.deepEqual(toEventParameters(model, { shape: 'Labels' }, { Labels: { Team: 'a', cost_centre: 'b' } }), { labels: { Team: 'a', cost_centre: 'b' } });
    const big = Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`key-${i}`, 'x'.repeat(30)]));
    assert.deepEqual(toEventParameters(model, { shape: 'Labels' }, { Labels: big }), { omitted: true });
  });

  it('formats midnight and noon like Java', () => {
    assert.equal(javaDate(new Date('2024-03-04T00:05:06Z')), 'Mar 4, 2024, 12:05:06 AM');
    assert.equal(javaDate(new Date('2024-03-04T12:05:06Z')), 'Mar 4, 2024, 12:05:06 PM');
  });
});
