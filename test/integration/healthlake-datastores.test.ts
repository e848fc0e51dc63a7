/**
 * HealthLake datastores through the real SDK: lifecycle, idempotency, filters, paging, tags,
 * and the errors AWS gives (spec/healthlake.md §1).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  HealthLakeClient, CreateFHIRDatastoreCommand, DescribeFHIRDatastoreCommand, ListFHIRDatastoresCommand,
  DeleteFHIRDatastoreCommand, TagResourceCommand, UntagResourceCommand, ListTagsForResourceCommand,
} from '@aws-sdk/client-healthlake';
import { clientOptions, startTestServer, type TestServer } from '../helpers/server.ts';

const rejectsWith = (p: Promise<unknown>, name: string, message?: RegExp) =>
  assert.rejects(p, (err: any) => {
    assert.equal(err.name, name);
    if (message) assert.match(err.message, message);
    return true;
  });

describe('HealthLake datastores', () => {
  let server: TestServer;
  let hl: HealthLakeClient;
  before(async () => {
    server = await startTestServer();
    hl = new HealthLakeClient(clientOptions(server));
  });
  after(async () => server?.stop());

  it('replays a ClientToken and refuses it with other parameters', async () => {
    const first = await hl.send(new CreateFHIRDatastoreCommand({ DatastoreName: 'idem', DatastoreTypeVersion: 'R4', ClientToken: 'token-1' }));
    const again = await hl.send(new CreateFHIRDatastoreCommand({ DatastoreName: 'idem', DatastoreTypeVersion: 'R4', ClientToken: 'token-1' }));
    assert.equal(again.DatastoreId, first.DatastoreId);
    await rejectsWith(hl.send(new CreateFHIRDatastoreCommand({ DatastoreName: 'other', DatastoreTypeVersion: 'R4', ClientToken: 'token-1' })), 'ValidationException');
    const listed = await hl.send(new ListFHIRDatastoresCommand({ Filter: { DatastoreName: 'idem' } }));
    assert.equal(listed.DatastorePropertiesList!.length, 1);
  });

  it('describes with defaults AWS reports, and validates input against the model', async () => {
    const created = await hl.send(new CreateFHIRDatastoreCommand({
      DatastoreName: 'described', DatastoreTypeVersion: 'R4', PreloadDataConfig: { PreloadDataType: 'SYNTHEA' },
      Tags: [{ Key: 'team', Value: 'audit' }],
    }));
    const { DatastoreProperties: p } = await hl.send(new DescribeFHIRDatastoreCommand({ DatastoreId: created.DatastoreId }));
    assert.equal(p!.DatastoreName, 'described');
    assert.equal(p!.DatastoreTypeVersion, 'R4');
    assert.ok(p!.CreatedAt instanceof Date);
    assert.deepEqual(p!.SseConfiguration, { KmsEncryptionConfig: { CmkType: 'AWS_OWNED_KMS_KEY' } });
    assert.deepEqual(p!.PreloadDataConfig, { PreloadDataType: 'SYNTHEA' });
    assert.equal(p!.IdentityProviderConfiguration!.AuthorizationStrategy, 'AWS_AUTH');
    await rejectsWith(hl.send(new DescribeFHIRDatastoreCommand({ DatastoreId: 'f'.repeat(32) })), 'ResourceNotFoundException');
    await rejectsWith(hl.send(new DescribeFHIRDatastoreCommand({ DatastoreId: 'x'.repeat(33) })), 'ValidationException',
      /Member must have length less than or equal to 32/);
    await rejectsWith(hl.send(new CreateFHIRDatastoreCommand({ DatastoreName: 'bad!name', DatastoreTypeVersion: 'R4' })), 'ValidationException',
      /at 'datastoreName' failed to satisfy constraint: Member must satisfy regular expression pattern/);
    await rejectsWith(hl.send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R5' as 'R4' })), 'ValidationException', /enum value set/);
    await rejectsWith(hl.send(new CreateFHIRDatastoreCommand({
      DatastoreTypeVersion: 'R4', SseConfiguration: { KmsEncryptionConfig: { CmkType: 'CUSTOMER_MANAGED_KMS_KEY' } },
    })), 'ValidationException', /KmsKeyId/);
  });

  it('pages the list with NextToken and filters by status and creation time', async () => {
    for (let i = 0; i < 5; i++) await hl.send(new CreateFHIRDatastoreCommand({ DatastoreName: `page-${i}`, DatastoreTypeVersion: 'R4' }));
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await hl.send(new ListFHIRDatastoresCommand({ MaxResults: 2, NextToken: token }));
      assert.ok(page.DatastorePropertiesList!.length <= 2);
      seen.push(...page.DatastorePropertiesList!.map((d) => d.DatastoreId!));
      token = page.NextToken;
    } while (token);
    const all = await hl.send(new ListFHIRDatastoresCommand({}));
    assert.deepEqual(seen, all.DatastorePropertiesList!.map((d) => d.DatastoreId));
    assert.equal(new Set(seen).size, seen.length);
    const active = await hl.send(new ListFHIRDatastoresCommand({ Filter: { DatastoreStatus: 'ACTIVE' } }));
    assert.equal(active.DatastorePropertiesList!.length, all.DatastorePropertiesList!.length);
    const future = await hl.send(new ListFHIRDatastoresCommand({ Filter: { CreatedAfter: new Date(Date.now() + 60_000) } }));
    assert.equal(future.DatastorePropertiesList!.length, 0);
    await rejectsWith(hl.send(new ListFHIRDatastoresCommand({ NextToken: 'not-a-token' })), 'ValidationException');
  });

  it('tags a datastore by ARN', async () => {
    const created = await hl.send(new CreateFHIRDatastoreCommand({ DatastoreName: 'tagged', DatastoreTypeVersion: 'R4', Tags: [{ Key: 'a', Value: '1' }] }));
    const arn = created.DatastoreArn!;
    await hl.send(new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'b', Value: '2' }, { Key: 'a', Value: 'one' }] }));
    await hl.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: ['b', 'absent'] }));
    const tags = await hl.send(new ListTagsForResourceCommand({ ResourceARN: arn }));
    assert.deepEqual(tags.Tags, [{ Key: 'a', Value: 'one' }]);
    await rejectsWith(hl.send(new ListTagsForResourceCommand({ ResourceARN: arn.replace(/.{4}$/, '0000') })), 'ResourceNotFoundException');
    await rejectsWith(hl.send(new ListTagsForResourceCommand({ ResourceARN: 'arn:aws:healthlake:us-east-1:123456789012:datastore/nope' })), 'ValidationException');
  });

  it('deletes: DELETING, then DELETED and still visible; a second delete is refused', async () => {
    const created = await hl.send(new CreateFHIRDatastoreCommand({ DatastoreName: 'doomed', DatastoreTypeVersion: 'R4' }));
    await hl.send(new DescribeFHIRDatastoreCommand({ DatastoreId: created.DatastoreId }));
    const deleted = await hl.send(new DeleteFHIRDatastoreCommand({ DatastoreId: created.DatastoreId }));
    assert.equal(deleted.DatastoreStatus, 'DELETING');
    const after = await hl.send(new DescribeFHIRDatastoreCommand({ DatastoreId: created.DatastoreId }));
    assert.equal(after.DatastoreProperties!.DatastoreStatus, 'DELETED');
    const listed = await hl.send(new ListFHIRDatastoresCommand({ Filter: { DatastoreStatus: 'DELETED' } }));
    assert.deepEqual(listed.DatastorePropertiesList!.map((d) => d.DatastoreId), [created.DatastoreId]);
    await rejectsWith(hl.send(new DeleteFHIRDatastoreCommand({ DatastoreId: created.DatastoreId })), 'ResourceNotFoundException');
  });
});

describe('HealthLake datastores with a realistic transition time', () => {
  let server: TestServer;
  before(async () => { server = await startTestServer({ datastoreTransitionSeconds: 3600 }); });
  after(async () => server?.stop());

  it('stays CREATING, and a delete while CREATING is a ConflictException', async () => {
    const hl = new HealthLakeClient(clientOptions(server));
    const created = await hl.send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4' }));
    const described = await hl.send(new DescribeFHIRDatastoreCommand({ DatastoreId: created.DatastoreId }));
    assert.equal(described.DatastoreProperties!.DatastoreStatus, 'CREATING');
    await rejectsWith(hl.send(new DeleteFHIRDatastoreCommand({ DatastoreId: created.DatastoreId })), 'ConflictException',
      /transition state/);
  });
});
