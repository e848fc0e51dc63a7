/**
 * The real AWS SDK for JavaScript v3 against our wire layer, with no network: a request handler
 * hands the SDK's serialized request to our parser and answers with our serializer. Checks that
 * SDK requests parse to the input the caller passed, and our responses and errors parse in the
 * SDK to what the handler returned.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateFHIRDatastoreCommand, DescribeFHIRDatastoreCommand, HealthLakeClient } from '@aws-sdk/client-healthlake';
import { CreateUserCommand, GetUserCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { HttpResponse as SdkResponse, type HttpRequest as SdkRequest } from '@smithy/protocol-http';
import { AwsError } from '../../src/core/aws-error.ts';
import { getServiceModel } from '../../src/wire/models.ts';
import { protocolFor } from '../../src/wire/protocols/index.ts';
import type { HttpRequest, Params } from '../../src/wire/types.ts';

type Handler = (operation: string, input: Params) => Params;

function toOurRequest(req: SdkRequest): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = v;
  const query = Object.entries(req.query ?? {}).flatMap(([k, v]) =>
    (Array.isArray(v) ? v : [v]).map((x) => (x === null ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(x)}`)));
  const raw: unknown = req.body;
  const body = raw === undefined ? Buffer.alloc(0)
    : raw instanceof Uint8Array ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength) : Buffer.from(String(raw));
  return { method: req.method, path: req.path, query: query.join('&'), headers, body };
}

/** Client options that route every call through our protocol for `service`. */
function wired(service: string, handler: Handler, seen: Array<{ operation: string; input: Params }>) {
  const model = getServiceModel(service)!;
  const protocol = protocolFor(model);
  return {
    region: 'us-east-1',
    endpoint: 'https://example.test',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
    requestHandler: {
      async handle(req: SdkRequest) {
        const parsed = protocol.parseRequest(model, toOurRequest(req));
        seen.push({ operation: parsed.operation.name, input: parsed.input });
        let res;
        try {
          res = protocol.serializeResponse(model, parsed.operation, handler(parsed.operation.name, parsed.input), 'req-1');
        } catch (e) {
          res = protocol.serializeError(model, e as AwsError, 'req-1');
        }
        const body = typeof res.body === 'string' ? Buffer.from(res.body) : res.body;
        return { response: new SdkResponse({ statusCode: res.status, headers: res.headers, body: Readable.from([body]) }) };
      },
    },
  };
}

const T = new Date(Date.UTC(2024, 4, 6, 7, 8, 9, 123));

describe('AWS SDK v3 against our protocols', () => {
  it('CloudTrail (json 1.1, target CloudTrail_20131101.*)', async () => {
    const seen: Array<{ operation: string; input: Params }> = [];
    const client = new CloudTrailClient(wired('cloudtrail', () => ({
      Events: [{ EventId: 'e1', EventName: 'CreateTrail', EventTime: T, CloudTrailEvent: '{"a":1}', Resources: [] }],
      NextToken: 'n',
    }), seen));
    const out = await client.send(new LookupEventsCommand({
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateTrail' }], StartTime: T, MaxResults: 5,
    }));
    assert.deepEqual(seen[0], {
      operation: 'LookupEvents',
      input: { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateTrail' }], StartTime: T, MaxResults: 5 },
    });
    assert.equal(out.NextToken, 'n');
    assert.deepEqual(out.Events![0]!.EventTime, T);
    assert.equal(out.Events![0]!.CloudTrailEvent, '{"a":1}');
  });

  it('HealthLake (json 1.0): input, timestamps and modelled errors', async () => {
    const seen: Array<{ operation: string; input: Params }> = [];
    const client = new HealthLakeClient(wired('healthlake', (op, input) => {
      if (op === 'DescribeFHIRDatastore') {
        if (input.DatastoreId === 'missing') throw new AwsError('ResourceNotFoundException', 'no such datastore');
        return { DatastoreProperties: {
          DatastoreId: 'd1', DatastoreArn: 'arn', DatastoreStatus: 'ACTIVE', DatastoreTypeVersion: 'R4',
          DatastoreEndpoint: 'https://h/', CreatedAt: T,
        } };
      }
      return { DatastoreId: 'd1', DatastoreArn: 'arn', DatastoreStatus: 'CREATING', DatastoreEndpoint: 'https://h/' };
    }, seen));
    await client.send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4', DatastoreName: 'n', Tags: [{ Key: 'k', Value: 'v' }] }));
    assert.equal(seen[0]!.operation, 'CreateFHIRDatastore');
    assert.equal(seen[0]!.input.DatastoreName, 'n');
    assert.deepEqual(seen[0]!.input.Tags, [{ Key: 'k', Value: 'v' }]);
    assert.equal(typeof seen[0]!.input.ClientToken, 'string'); // the SDK fills idempotency tokens
    const described = await client.send(new DescribeFHIRDatastoreCommand({ DatastoreId: 'd1' }));
    assert.deepEqual(described.DatastoreProperties!.CreatedAt, T);
    await assert.rejects(client.send(new DescribeFHIRDatastoreCommand({ DatastoreId: 'missing' })), (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
      assert.equal(e.name, 'ResourceNotFoundException');
      assert.equal(e.message, 'no such datastore');
      assert.equal(e.$metadata?.httpStatusCode, 400);
      return true;
    });
  });

  it('IAM (query): lists of structures in, XML out, modelled error codes', async () => {
    const seen: Array<{ operation: string; input: Params }> = [];
    const user = { Path: '/', UserName: 'bob <&>', UserId: 'AIDA1', Arn: 'arn:aws:iam::123456789012:user/bob', CreateDate: T };
    const client = new IAMClient(wired('iam', (op, input) => {
      if (op === 'GetUser') throw new AwsError('NoSuchEntity', `The user with name ${String(input.UserName)} cannot be found.`);
      if (op === 'ListUsers') return { Users: [user, { ...user, UserName: 'eve' }], IsTruncated: false };
      return { User: { ...user, Tags: input.Tags } };
    }, seen));
    const created = await client.send(new CreateUserCommand({ UserName: 'bob', Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '' }] }));
    assert.deepEqual(seen[0]!.input, { UserName: 'bob', Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '' }] });
    assert.equal(created.User!.UserName, 'bob <&>');
    assert.deepEqual(created.User!.CreateDate, T);
    assert.deepEqual(created.User!.Tags, [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '' }]);
    const listed = await client.send(new ListUsersCommand({ MaxItems: 10 }));
    assert.deepEqual(listed.Users!.map((u) => u.UserName), ['bob <&>', 'eve']);
    assert.equal(seen[1]!.input.MaxItems, 10);
    await assert.rejects(client.send(new GetUserCommand({ UserName: 'zed' })), (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
      assert.equal(e.name, 'NoSuchEntityException');
      assert.equal(e.message, 'The user with name zed cannot be found.');
      assert.equal(e.$metadata?.httpStatusCode, 404);
      return true;
    });
  });

  it('STS (query): GetCallerIdentity', async () => {
    const seen: Array<{ operation: string; input: Params }> = [];
    const client = new STSClient(wired('sts', () => ({ UserId: 'AIDA1', Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/bob' }), seen));
    const out = await client.send(new GetCallerIdentityCommand({}));
    assert.equal(seen[0]!.operation, 'GetCallerIdentity');
    assert.equal(out.Account, '123456789012');
    assert.equal(out.Arn, 'arn:aws:iam::123456789012:user/bob');
  });
});
