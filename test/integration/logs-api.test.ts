/**
 * CloudWatch Logs on the one pipeline (issue 19: HealthOmics run and task logs readable where AWS
 * puts them): events appended through the in-process writer (RunningServer.logs) read back with
 * @aws-sdk/client-cloudwatch-logs and the `aws logs` CLI — groups and streams by prefix and page,
 * GetLogEvents' forward/backward tokens (the same token back at either end, where the SDK's
 * paginator stops), FilterLogEvents' term patterns across streams, CloudWatch's errors, IAM on
 * log-group/log-stream ARNs, and the CloudTrail records.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, DescribeLogGroupsCommand, DescribeLogStreamsCommand,
  FilterLogEventsCommand, GetLogEventsCommand, PutLogEventsCommand, paginateDescribeLogGroups, paginateDescribeLogStreams,
  paginateFilterLogEvents, paginateGetLogEvents, type CloudWatchLogsServiceException,
} from '@aws-sdk/client-cloudwatch-logs';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { awsCli, clientOptions, hasAwsCli, startTestServer, type Credentials, type TestServer } from '../helpers/server.ts';
import { WORKFLOW_LOG_GROUP, runLogStream, taskLogStream } from '../../src/services/logs/workflow-log-names.ts';
import { MAX_FILTER_SCAN_EVENTS } from '../../src/services/logs/limits.ts';
import { expectFailure } from '../helpers/failure.ts';

const BASE = 1_765_000_000_000;
const RUN = '1111111';
const ENGINE = runLogStream(RUN);
const TASK_A = taskLogStream(RUN, '2222222');
const TASK_B = taskLogStream(RUN, '3333333');
const OTHER_RUN = runLogStream('4444444');

const failure = expectFailure<CloudWatchLogsServiceException>;

describe('CloudWatch Logs API', () => {
  let server: TestServer;
  let client: CloudWatchLogsClient;
  let account: string;

  before(async () => {
    server = await startTestServer();
    client = new CloudWatchLogsClient(clientOptions(server));
    account = server.config.accountId;
    const region = 'us-east-1';
    // 25 engine lines one millisecond apart, written in two appends; two tasks; another run.
    const engine = Array.from({ length: 25 }, (_, i) => ({ timestamp: BASE + i, message: `engine line ${i}` }));
    server.logs.append(account, region, WORKFLOW_LOG_GROUP, ENGINE, engine.slice(0, 10));
    server.logs.append(account, region, WORKFLOW_LOG_GROUP, ENGINE, engine.slice(10));
    server.logs.append(account, region, WORKFLOW_LOG_GROUP, TASK_A, [
      { timestamp: BASE + 3, message: 'ERROR disk full on /tmp' },
      { timestamp: BASE + 5, message: 'WARN retrying' },
      { timestamp: BASE + 7, message: 'ERROR timeout reading input' },
    ]);
    server.logs.append(account, region, WORKFLOW_LOG_GROUP, TASK_B, [
      { timestamp: BASE + 4, message: 'INFO started' },
      { timestamp: BASE + 6, message: 'ERROR exit code 1' },
    ]);
    server.logs.append(account, region, WORKFLOW_LOG_GROUP, OTHER_RUN, [{ timestamp: BASE + 100, message: 'ERROR elsewhere' }]);
    for (const name of ['/aws/omics/a', '/aws/omics/b', '/aws/omics/c', '/other/group']) server.logs.ensureGroup(account, region, name);
  });
  after(async () => server?.stop());

  it('DescribeLogGroups: prefix, pages of `limit` through the paginator, CloudWatch fields', async () => {
    const names: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeLogGroups({ client, pageSize: 2 }, { logGroupNamePrefix: '/aws/omics/' })) {
      pages++;
      assert.ok((page.logGroups ?? []).length <= 2);
      names.push(...(page.logGroups ?? []).map((g) => g.logGroupName!));
    }
    assert.deepEqual(names, ['/aws/omics/WorkflowLog', '/aws/omics/a', '/aws/omics/b', '/aws/omics/c']);
    assert.equal(pages, 2);
    const one = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: WORKFLOW_LOG_GROUP }));
    const g = one.logGroups![0]!;
    assert.equal(g.arn, `arn:aws:logs:us-east-1:${account}:log-group:${WORKFLOW_LOG_GROUP}:*`);
    assert.equal(g.logGroupArn, `arn:aws:logs:us-east-1:${account}:log-group:${WORKFLOW_LOG_GROUP}`);
    assert.equal(g.logGroupClass, 'STANDARD');
    assert.ok(g.storedBytes! > 0);
    const pattern = await client.send(new DescribeLogGroupsCommand({ logGroupNamePattern: 'Workflow' }));
    assert.deepEqual(pattern.logGroups!.map((x) => x.logGroupName), [WORKFLOW_LOG_GROUP]);
    const tooMany = await failure(client.send(new DescribeLogGroupsCommand({ limit: 51 })));
    assert.equal(tooMany.name, 'InvalidParameterException');
  });

  it('DescribeLogStreams: prefix and paging by name, LastEventTime descending, and the prefix+LastEventTime refusal', async () => {
    const names: string[] = [];
    for await (const page of paginateDescribeLogStreams({ client, pageSize: 1 }, { logGroupName: WORKFLOW_LOG_GROUP, logStreamNamePrefix: `run/${RUN}` })) {
      names.push(...(page.logStreams ?? []).map((s) => s.logStreamName!));
    }
    assert.deepEqual(names, [ENGINE, TASK_A, TASK_B]);
    const byTime = await client.send(new DescribeLogStreamsCommand({ logGroupName: WORKFLOW_LOG_GROUP, orderBy: 'LastEventTime', descending: true }));
    assert.deepEqual(byTime.logStreams!.map((s) => s.logStreamName), [OTHER_RUN, ENGINE, TASK_A, TASK_B]);
    const engine = byTime.logStreams!.find((s) => s.logStreamName === ENGINE)!;
    assert.equal(engine.firstEventTimestamp, BASE);
    assert.equal(engine.lastEventTimestamp, BASE + 24);
    assert.equal(engine.arn, `arn:aws:logs:us-east-1:${account}:log-group:${WORKFLOW_LOG_GROUP}:log-stream:${ENGINE}`);
    const both = await failure(client.send(new DescribeLogStreamsCommand({ logGroupName: WORKFLOW_LOG_GROUP, orderBy: 'LastEventTime', logStreamNamePrefix: 'run/' })));
    assert.equal(both.name, 'InvalidParameterException');
    assert.equal(both.message, 'Cannot order by LastEventTime with a logStreamNamePrefix.');
    // logGroupIdentifier takes the group's ARN (logGroupArn).
    const byArn = await client.send(new DescribeLogStreamsCommand({
      logGroupIdentifier: `arn:aws:logs:us-east-1:${account}:log-group:${WORKFLOW_LOG_GROUP}`, logStreamNamePrefix: OTHER_RUN,
    }));
    assert.deepEqual(byArn.logStreams!.map((s) => s.logStreamName), [OTHER_RUN]);
  });

  it('GetLogEvents: newest by default, forward and backward pages, the same token back at either end', async () => {
    const messages = (events: { message?: string }[] | undefined) => (events ?? []).map((e) => e.message);
    const line = (i: number) => `engine line ${i}`;
    // Default (startFromHead false): the newest `limit` events, oldest first.
    const tail = await client.send(new GetLogEventsCommand({ logGroupName: WORKFLOW_LOG_GROUP, logStreamName: ENGINE, limit: 5 }));
    assert.deepEqual(messages(tail.events), [20, 21, 22, 23, 24].map(line));
    assert.equal(tail.events![0]!.timestamp, BASE + 20);
    assert.ok(typeof tail.events![0]!.ingestionTime === 'number');
    // Forward from the newest page: nothing more, and the same forward token.
    const atEnd = await client.send(new GetLogEventsCommand({ logGroupName: WORKFLOW_LOG_GROUP, logStreamName: ENGINE, nextToken: tail.nextForwardToken }));
    assert.deepEqual(atEnd.events, []);
    assert.equal(atEnd.nextForwardToken, tail.nextForwardToken);
    // Backward from the newest page, 10 at a time, until the token repeats at the start.
    const backward: (string | undefined)[][] = [];
    let token = tail.nextBackwardToken;
    for (;;) {
      const page = await client.send(new GetLogEventsCommand({ logGroupName: WORKFLOW_LOG_GROUP, logStreamName: ENGINE, nextToken: token, limit: 10 }));
      if (page.nextBackwardToken === token) {
        assert.deepEqual(page.events, []);
        break;
      }
      backward.push(messages(page.events));
      token = page.nextBackwardToken;
    }
    assert.deepEqual(backward, [
      [10, 11, 12, 13, 14, 15, 16, 17, 18, 19].map(line),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(line),
    ]);
    assert.ok(token!.startsWith('b/'));
    assert.ok(tail.nextForwardToken!.startsWith('f/'));
    // From the head with the SDK's paginator (it stops when the forward token repeats).
    const all: (string | undefined)[] = [];
    let pages = 0;
    for await (const page of paginateGetLogEvents({ client, pageSize: 7, stopOnSameToken: true }, { logGroupName: WORKFLOW_LOG_GROUP, logStreamName: ENGINE, startFromHead: true })) {
      pages++;
      all.push(...messages(page.events));
    }
    assert.deepEqual(all, Array.from({ length: 25 }, (_, i) => line(i)));
    assert.equal(pages, 5); // 7 + 7 + 7 + 4, then the empty page that repeats the token
    // [startTime, endTime): the end is exclusive.
    const window = await client.send(new GetLogEventsCommand({ logGroupName: WORKFLOW_LOG_GROUP, logStreamName: ENGINE, startTime: BASE + 2, endTime: BASE + 5, startFromHead: true }));
    assert.deepEqual(messages(window.events), [2, 3, 4].map(line));
    // Events appended later are read with the forward token the end gave.
    server.logs.append(account, 'us-east-1', WORKFLOW_LOG_GROUP, ENGINE, [{ timestamp: BASE + 30, message: 'engine line 30' }]);
    const later = await client.send(new GetLogEventsCommand({ logGroupName: WORKFLOW_LOG_GROUP, logStreamName: ENGINE, nextToken: atEnd.nextForwardToken }));
    assert.deepEqual(messages(later.events), ['engine line 30']);
    const bad = await failure(client.send(new GetLogEventsCommand({ logGroupName: WORKFLOW_LOG_GROUP, logStreamName: TASK_A, nextToken: tail.nextForwardToken })));
    assert.equal(bad.name, 'InvalidParameterException');
  });

  it('FilterLogEvents: term patterns across streams in time order, paging, and refused syntax', async () => {
    const filter = async (filterPattern: string, extra: Record<string, unknown> = {}) => {
      const out: string[] = [];
      for await (const page of paginateFilterLogEvents({ client, pageSize: 2 }, { logGroupName: WORKFLOW_LOG_GROUP, filterPattern, ...extra })) {
        out.push(...(page.events ?? []).map((e) => `${e.logStreamName}: ${e.message}`));
      }
      return out;
    };
    assert.deepEqual(await filter('ERROR'), [
      `${TASK_A}: ERROR disk full on /tmp`,
      `${TASK_B}: ERROR exit code 1`,
      `${TASK_A}: ERROR timeout reading input`,
      `${OTHER_RUN}: ERROR elsewhere`,
    ]);
    assert.deepEqual(await filter('ERROR -timeout', { logStreamNamePrefix: `run/${RUN}/task/` }), [
      `${TASK_A}: ERROR disk full on /tmp`, `${TASK_B}: ERROR exit code 1`,
    ]);
    assert.deepEqual(await filter('?WARN ?INFO'), [`${TASK_B}: INFO started`, `${TASK_A}: WARN retrying`]);
    assert.deepEqual(await filter('"disk full on /tmp"'), [`${TASK_A}: ERROR disk full on /tmp`]);
    assert.deepEqual(await filter('ERROR code', { logStreamNames: [TASK_A, TASK_B] }), [`${TASK_B}: ERROR exit code 1`]);
    // Case-sensitive; startTime and endTime both inclusive.
    assert.deepEqual(await filter('error'), []);
    assert.deepEqual(await filter('', { startTime: BASE + 6, endTime: BASE + 7, logStreamNamePrefix: `run/${RUN}/task/` }), [
      `${TASK_B}: ERROR exit code 1`, `${TASK_A}: ERROR timeout reading input`,
    ]);
    const one = await client.send(new FilterLogEventsCommand({ logGroupName: WORKFLOW_LOG_GROUP, filterPattern: 'WARN' }));
    assert.equal(one.events![0]!.timestamp, BASE + 5);
    assert.ok(one.events![0]!.eventId);
    assert.deepEqual(one.searchedLogStreams, []);
    assert.equal(one.nextToken, undefined);
    for (const pattern of ['{ $.level = "ERROR" }', '[ip, user]', '%ERR.R%', 'disk:full', '"unclosed']) {
      const e = await failure(client.send(new FilterLogEventsCommand({ logGroupName: WORKFLOW_LOG_GROUP, filterPattern: pattern })));
      assert.equal(e.name, 'InvalidParameterException', pattern);
    }
  });

  it('FilterLogEvents: a search that runs past its per-call scan budget answers no events with a nextToken, and paging finds the match', async () => {
    const quiet = Array.from({ length: MAX_FILTER_SCAN_EVENTS + 10 }, (_, i) => ({ timestamp: BASE + i, message: `quiet ${i}` }));
    server.logs.append(account, 'us-east-1', '/scan/budget', 'run/9', [...quiet, { timestamp: BASE + quiet.length, message: 'NEEDLE found' }]);
    const first = await client.send(new FilterLogEventsCommand({ logGroupName: '/scan/budget', filterPattern: 'NEEDLE' }));
    assert.deepEqual(first.events, []);
    assert.ok(first.nextToken, 'a nextToken after a spent budget');
    const found: string[] = [];
    let calls = 0;
    for await (const page of paginateFilterLogEvents({ client }, { logGroupName: '/scan/budget', filterPattern: 'NEEDLE' })) {
      calls++;
      found.push(...(page.events ?? []).map((e) => e.message!));
    }
    assert.deepEqual(found, ['NEEDLE found']);
    assert.equal(calls, 2);
  });

  it('a missing group or stream is ResourceNotFoundException with CloudWatch\'s message', async () => {
    const group = await failure(client.send(new GetLogEventsCommand({ logGroupName: '/aws/omics/Missing', logStreamName: ENGINE })));
    assert.equal(group.name, 'ResourceNotFoundException');
    assert.equal(group.message, 'The specified log group does not exist.');
    assert.equal(group.$metadata.httpStatusCode, 400);
    const stream = await failure(client.send(new GetLogEventsCommand({ logGroupName: WORKFLOW_LOG_GROUP, logStreamName: 'run/none' })));
    assert.equal(stream.name, 'ResourceNotFoundException');
    assert.equal(stream.message, 'The specified log stream does not exist.');
    for (const command of [
      new DescribeLogStreamsCommand({ logGroupName: '/aws/omics/Missing' }),
      new FilterLogEventsCommand({ logGroupName: '/aws/omics/Missing' }),
    ]) {
      const e = await failure(client.send(command as never));
      assert.equal(e.name, 'ResourceNotFoundException');
    }
  });

  it('CreateLogGroup and CreateLogStream; PutLogEvents answers UnsupportedOperationException naming itself', async () => {
    await client.send(new CreateLogGroupCommand({ logGroupName: '/client/app' }));
    const again = await failure(client.send(new CreateLogGroupCommand({ logGroupName: '/client/app' })));
    assert.equal(again.name, 'ResourceAlreadyExistsException');
    await client.send(new CreateLogStreamCommand({ logGroupName: '/client/app', logStreamName: 's1' }));
    const noGroup = await failure(client.send(new CreateLogStreamCommand({ logGroupName: '/client/none', logStreamName: 's1' })));
    assert.equal(noGroup.name, 'ResourceNotFoundException');
    const streams = await client.send(new DescribeLogStreamsCommand({ logGroupName: '/client/app' }));
    assert.deepEqual(streams.logStreams!.map((s) => s.logStreamName), ['s1']);
    const tagged = await failure(client.send(new CreateLogGroupCommand({ logGroupName: '/client/tagged', tags: { a: 'b' } })));
    assert.equal(tagged.name, 'InvalidParameterException');
    const put = await failure(client.send(new PutLogEventsCommand({ logGroupName: '/client/app', logStreamName: 's1', logEvents: [{ timestamp: BASE, message: 'x' }] })));
    assert.equal(put.name, 'UnsupportedOperationException');
    assert.match(put.message, /PutLogEvents/);
  });

  it('IAM: GetLogEvents on log-stream ARNs, DescribeLogStreams on the group\'s :* ARN', async () => {
    const iam = new IAMClient(clientOptions(server));
    await iam.send(new CreateUserCommand({ UserName: 'log-reader' }));
    await iam.send(new PutUserPolicyCommand({
      UserName: 'log-reader', PolicyName: 'p', PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'logs:GetLogEvents', Resource: `arn:aws:logs:us-east-1:${account}:log-group:${WORKFLOW_LOG_GROUP}:log-stream:run/${RUN}/task/*` },
          { Effect: 'Allow', Action: 'logs:DescribeLogStreams', Resource: `arn:aws:logs:us-east-1:${account}:log-group:${WORKFLOW_LOG_GROUP}:*` },
        ],
      }),
    }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'log-reader' }))).AccessKey!;
    const reader = new CloudWatchLogsClient(clientOptions(server, { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } as Credentials));
    const ok = await reader.send(new GetLogEventsCommand({ logGroupName: WORKFLOW_LOG_GROUP, logStreamName: TASK_A, startFromHead: true }));
    assert.equal(ok.events!.length, 3);
    const denied = await failure(reader.send(new GetLogEventsCommand({ logGroupName: WORKFLOW_LOG_GROUP, logStreamName: ENGINE })));
    assert.equal(denied.name, 'AccessDeniedException');
    assert.match(denied.message, new RegExp(`logs:GetLogEvents on resource: arn:aws:logs:us-east-1:${account}:log-group:/aws/omics/WorkflowLog:log-stream:run/${RUN}\\b`));
    await reader.send(new DescribeLogStreamsCommand({ logGroupName: WORKFLOW_LOG_GROUP }));
    const groups = await failure(reader.send(new DescribeLogGroupsCommand({})));
    assert.equal(groups.name, 'AccessDeniedException');
    assert.match(groups.message, new RegExp(`arn:aws:logs:us-east-1:${account}:log-group::log-stream:`));
  });

  it('the aws CLI: describe-log-streams, get-log-events, filter-log-events (paginated), a missing group', { skip: !hasAwsCli() }, async () => {
    const streams = await awsCli(server, ['logs', 'describe-log-streams', '--log-group-name', WORKFLOW_LOG_GROUP, '--log-stream-name-prefix', `run/${RUN}/task/`]);
    assert.equal(streams.status, 0, streams.stderr);
    assert.deepEqual(streams.json.logStreams.map((s: { logStreamName: string }) => s.logStreamName), [TASK_A, TASK_B]);
    const events = await awsCli(server, ['logs', 'get-log-events', '--log-group-name', WORKFLOW_LOG_GROUP, '--log-stream-name', TASK_A, '--start-from-head']);
    assert.equal(events.status, 0, events.stderr);
    assert.deepEqual(events.json.events.map((e: { message: string }) => e.message), ['ERROR disk full on /tmp', 'WARN retrying', 'ERROR timeout reading input']);
    assert.match(events.json.nextForwardToken, /^f\//);
    // The CLI pages filter-log-events itself (--page-size 1: one event per call).
    const filtered = await awsCli(server, ['logs', 'filter-log-events', '--log-group-name', WORKFLOW_LOG_GROUP, '--filter-pattern', 'ERROR', '--page-size', '1']);
    assert.equal(filtered.status, 0, filtered.stderr);
    assert.deepEqual(filtered.json.events.map((e: { message: string }) => e.message),
      ['ERROR disk full on /tmp', 'ERROR exit code 1', 'ERROR timeout reading input', 'ERROR elsewhere']);
    const missing = await awsCli(server, ['logs', 'get-log-events', '--log-group-name', '/aws/omics/Missing', '--log-stream-name', 'x']);
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /ResourceNotFoundException.*The specified log group does not exist\./);
  });

  it('CloudTrail records each call as a management event from logs.amazonaws.com, reads with request elements only', async () => {
    const trail = new CloudTrailClient(clientOptions(server));
    const records: any[] = [];
    let nextToken: string | undefined;
    do {
      const page = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'logs.amazonaws.com' }], NextToken: nextToken }));
      records.push(...(page.Events ?? []).map((e) => JSON.parse(e.CloudTrailEvent!)));
      nextToken = page.NextToken;
    } while (nextToken);
    for (const name of ['DescribeLogGroups', 'DescribeLogStreams', 'GetLogEvents', 'FilterLogEvents', 'CreateLogGroup', 'CreateLogStream']) {
      const r = records.find((x) => x.eventName === name && !x.errorCode);
      assert.ok(r, `a record of ${name}`);
      assert.equal(r.eventCategory, 'Management');
      assert.equal(r.managementEvent, true);
      assert.equal(r.eventSource, 'logs.amazonaws.com');
      assert.equal(r.readOnly, !name.startsWith('Create'), name);
      if (r.readOnly) assert.equal(r.responseElements, null, name);
    }
    const get = records.find((x) => x.eventName === 'GetLogEvents' && !x.errorCode && x.requestParameters.logStreamName === TASK_A);
    assert.equal(get.requestParameters.logGroupName, WORKFLOW_LOG_GROUP);
    const missing = records.find((x) => x.eventName === 'GetLogEvents' && x.errorCode === 'ResourceNotFoundException');
    assert.equal(missing.errorMessage, 'The specified log group does not exist.');
    const denied = records.find((x) => x.eventName === 'GetLogEvents' && x.errorCode === 'AccessDeniedException');
    assert.ok(denied, 'the access-denied call is recorded');
    const unsupported = records.find((x) => x.eventName === 'PutLogEvents');
    assert.equal(unsupported.errorCode, 'UnsupportedOperationException');
  });
});
