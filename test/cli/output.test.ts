/** The CLI's shared pieces: CSV escaping, tables, times, error classification. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { csvSafe, renderCsv, renderTable } from '../../src/cli/output.ts';
import { parseTime } from '../../src/cli/time-arg.ts';
import { classifyError, CliError, EXIT } from '../../src/cli/exit-codes.ts';
import { defaultEndpoint } from '../../src/cli/client-context.ts';
import { hostsLines } from '../../src/cli/hosts-command.ts';

describe('CLI output', () => {
  it('prefixes cells that start a formula with an apostrophe, and quotes as CSV needs', () => {
    for (const cell of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) assert.equal(csvSafe(cell), `'${cell}`);
    for (const cell of ['a=1', 'plain', '', '1-2']) assert.equal(csvSafe(cell), cell);
    const csv = renderCsv([{ a: '=HYPERLINK("x")', b: 'one, two' }], [{ header: 'A', value: (r) => r.a }, { header: 'B', value: (r) => r.b }]);
    assert.equal(csv, 'A,B\n"\'=HYPERLINK(""x"")","one, two"\n');
  });

  it('aligns table columns and shows empty cells as -', () => {
    const table = renderTable([{ a: 'x', b: undefined }, { a: 'longer', b: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) }],
      [{ header: 'A', value: (r) => r.a }, { header: 'Bee', value: (r) => r.b }]);
    assert.equal(table, 'A       Bee\n------  --------------------\nx       -\nlonger  2026-01-02T03:04:05Z\n');
  });
});

describe('CLI arguments', () => {
  it('reads ISO 8601 times and durations back from now', () => {
    const now = Date.UTC(2026, 5, 1, 12, 0, 0);
    assert.equal(parseTime('30m', now).getTime(), now - 30 * 60_000);
    assert.equal(parseTime('2h', now).getTime(), now - 2 * 3_600_000);
    assert.equal(parseTime('7d', now).getTime(), now - 7 * 86_400_000);
    assert.equal(parseTime('now', now).getTime(), now);
    assert.equal(parseTime('2026-01-02T03:04:05Z').toISOString(), '2026-01-02T03:04:05.000Z');
    assert.equal(parseTime('2026-01-02').toISOString(), '2026-01-02T00:00:00.000Z');
    for (const bad of ['yesterday', '10', '5x', '2026-13-45', '']) assert.throws(() => parseTime(bad, now), { code: 'commander.invalidArgument' });
  });

  it('defaults the endpoint to HEALTHTRAIL_ENDPOINT, then HEALTHTRAIL_PORT, then 4599', () => {
    assert.equal(defaultEndpoint({ HEALTHTRAIL_ENDPOINT: 'http://h:1', HEALTHTRAIL_PORT: '2' }), 'http://h:1');
    assert.equal(defaultEndpoint({ HEALTHTRAIL_PORT: '2' }), 'http://127.0.0.1:2');
    assert.equal(defaultEndpoint({}), 'http://127.0.0.1:4599');
  });

  it('writes hosts lines for a named endpoint and for regions', () => {
    assert.deepEqual(hostsLines('10.0.0.5', 'ht.lan', []).filter((l) => !l.startsWith('#')),
      ['10.0.0.5\tworkflows-ht.lan control-storage-ht.lan storage-ht.lan analytics-ht.lan tags-ht.lan']);
    assert.equal(hostsLines('127.0.0.1', null, ['us-east-1']).filter((l) => !l.startsWith('#')).length, 1);
  });
});

describe('CLI errors', () => {
  it('maps service errors to 1, unreachable endpoints and missing credentials to 3', () => {
    const service = Object.assign(new Error('Unknown trail'), { name: 'TrailNotFoundException', $metadata: { httpStatusCode: 400 } });
    assert.deepEqual([classifyError(service, 'http://x').exitCode, classifyError(service, 'http://x').message], [EXIT.failed, 'TrailNotFoundException: Unknown trail']);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', $metadata: { attempts: 1 } });
    assert.equal(classifyError(refused, 'http://127.0.0.1:1').exitCode, EXIT.unreachable);
    assert.match(classifyError(refused, 'http://127.0.0.1:1').message, /^cannot reach http:\/\/127\.0\.0\.1:1: /);
    const eyeballs = Object.assign(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })], ''), {});
    assert.equal(classifyError(eyeballs, 'http://localhost:1').exitCode, EXIT.unreachable);
    const noCreds = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    assert.equal(classifyError(noCreds, 'http://x').exitCode, EXIT.unreachable);
    const usage = new CliError('bad', EXIT.usage);
    assert.equal(classifyError(usage, 'http://x'), usage);
  });
});
