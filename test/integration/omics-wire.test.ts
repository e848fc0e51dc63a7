/**
 * Reaching HealthOmics: the server routes on method and path and ignores the Host header, so a
 * client with host prefixes off (disableHostPrefix, AWS_DISABLE_HOST_PREFIX_INJECTION) and one
 * that keeps them (workflows-localhost, control-storage-localhost, ... resolving to this server)
 * both get there; rest-json errors carry x-amzn-ErrorType and the modelled status; an operation
 * not built yet answers an error naming it and is recorded with eventSource omics.amazonaws.com.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ListAnnotationStoresCommand, ListTagsForResourceCommand, TagResourceCommand, type OmicsServiceException } from '@aws-sdk/client-omics';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { awsCli, clientOptions, hasAwsCli, startTestServer, type TestServer } from '../helpers/server.ts';
import { omicsClient, prefixingOmicsClient } from '../helpers/omics.ts';
import { expectFailure } from '../helpers/failure.ts';

const failure = expectFailure<OmicsServiceException>;

describe('HealthOmics wire', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server?.stop());

  it('answers an operation not built yet with an error naming it, with prefixes off or on', async () => {
    for (const client of [omicsClient(server), prefixingOmicsClient(server)]) {
      const e = await failure(client.send(new ListAnnotationStoresCommand({})));
      assert.equal(e.name, 'UnsupportedOperationException');
      assert.match(e.message, /ListAnnotationStores/);
      assert.equal(e.$metadata.httpStatusCode, 400);
    }
  });

  it('records the call with eventSource omics.amazonaws.com and the error', async () => {
    const trail = new CloudTrailClient(clientOptions(server));
    const page = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'omics.amazonaws.com' }] }));
    const records = (page.Events ?? []).map((e) => JSON.parse(e.CloudTrailEvent!));
    const listed = records.filter((r) => r.eventName === 'ListAnnotationStores');
    assert.equal(listed.length, 2);
    for (const r of listed) {
      assert.equal(r.errorCode, 'UnsupportedOperationException');
      assert.equal(r.eventCategory, 'Management');
      assert.equal(r.readOnly, true);
    }
  });

  it('tags: a well-formed ARN of a resource that does not exist is ResourceNotFoundException; a malformed one ValidationException', async () => {
    const client = omicsClient(server);
    const missing = await failure(client.send(new ListTagsForResourceCommand({ resourceArn: 'arn:aws:omics:us-east-1:123456789012:workflow/1234567' })));
    assert.equal(missing.name, 'ResourceNotFoundException');
    assert.equal(missing.$metadata.httpStatusCode, 404);
    const bad = await failure(client.send(new TagResourceCommand({ resourceArn: 'arn:aws:s3:::bucket', tags: { a: 'b' } })));
    assert.equal(bad.name, 'ValidationException');
    const tooMany = await failure(client.send(new TagResourceCommand({
      resourceArn: 'arn:aws:omics:us-east-1:123456789012:workflow/1234567',
      tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])),
    })));
    assert.equal(tooMany.name, 'ValidationException');
    assert.match(tooMany.message, /tags/);
  });

  it('the aws CLI reaches it with AWS_DISABLE_HOST_PREFIX_INJECTION', { skip: !hasAwsCli() && 'aws CLI not installed' }, async () => {
    const r = await awsCli(server, ['omics', 'list-annotation-stores']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /UnsupportedOperationException/);
    assert.match(r.stderr, /ListAnnotationStores/);
  });
});
