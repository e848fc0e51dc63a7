/**
 * HealthOmics reference stores: one per account and Region (a second CreateReferenceStore is
 * ServiceQuotaExceededException 402, a retry with the same clientToken gets the same store),
 * Get/List (filters, paging with maxResults/nextToken in the query string), creation-time tags,
 * and DeleteReferenceStore (404 after).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateReferenceStoreCommand, DeleteReferenceStoreCommand, GetReferenceStoreCommand, ListReferenceStoresCommand,
  ListTagsForResourceCommand, type OmicsServiceException,
} from '@aws-sdk/client-omics';
import { awsCli, hasAwsCli, startTestServer, type TestServer } from '../helpers/server.ts';
import { omicsClient } from '../helpers/omics.ts';
import { expectFailure } from '../helpers/failure.ts';

const failure = expectFailure<OmicsServiceException>;

describe('HealthOmics reference stores', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server?.stop());

  it('creates one store per account and Region, with tags; a second is 402; the same clientToken is the same store', async () => {
    const omics = omicsClient(server);
    const created = await omics.send(new CreateReferenceStoreCommand({ name: 'genomes', description: 'hg38 and friends', tags: { team: 'bio' }, clientToken: 'tok-1' }));
    assert.match(created.id!, /^\d{10}$/);
    assert.equal(created.arn, `arn:aws:omics:us-east-1:123456789012:referenceStore/${created.id}`);
    assert.equal(created.name, 'genomes');
    assert.deepEqual(created.sseConfig, { type: 'KMS' });
    assert.ok(created.creationTime instanceof Date);

    const again = await omics.send(new CreateReferenceStoreCommand({ name: 'genomes', clientToken: 'tok-1' }));
    assert.equal(again.id, created.id);

    const second = await failure(omics.send(new CreateReferenceStoreCommand({ name: 'other' })));
    assert.equal(second.name, 'ServiceQuotaExceededException');
    assert.equal(second.$metadata.httpStatusCode, 402);
    assert.match(second.message, new RegExp(created.id!));

    const got = await omics.send(new GetReferenceStoreCommand({ id: created.id }));
    assert.equal(got.description, 'hg38 and friends');
    const tags = await omics.send(new ListTagsForResourceCommand({ resourceArn: created.arn }));
    assert.deepEqual(tags.tags, { team: 'bio' });

    // Another Region is another quota.
    const west = omicsClient({ url: server.url });
    west.config.region = async () => 'us-west-2';
    const other = await west.send(new CreateReferenceStoreCommand({ name: 'west' }));
    assert.match(other.arn!, /:us-west-2:/);
  });

  it('lists with filters and pages (maxResults, nextToken)', async () => {
    const omics = omicsClient(server);
    const all = await omics.send(new ListReferenceStoresCommand({}));
    assert.equal(all.referenceStores!.length, 1);
    assert.equal(all.referenceStores![0]!.name, 'genomes');
    assert.equal((await omics.send(new ListReferenceStoresCommand({ filter: { name: 'nope' } }))).referenceStores!.length, 0);
    const future = new Date(Date.now() + 3_600_000);
    assert.equal((await omics.send(new ListReferenceStoresCommand({ filter: { createdAfter: future } }))).referenceStores!.length, 0);
    assert.equal((await omics.send(new ListReferenceStoresCommand({ filter: { createdBefore: future } }))).referenceStores!.length, 1);
    const bad = await failure(omics.send(new ListReferenceStoresCommand({ nextToken: 'forged' })));
    assert.equal(bad.name, 'ValidationException');
  });

  it('the aws CLI lists and gets the store', { skip: !hasAwsCli() && 'aws CLI not installed' }, async () => {
    const r = await awsCli(server, ['omics', 'list-reference-stores', '--max-results', '1']);
    assert.equal(r.status, 0, r.stderr);
    const stores = JSON.parse(r.stdout).referenceStores;
    assert.equal(stores.length, 1);
    const g = await awsCli(server, ['omics', 'get-reference-store', '--id', stores[0].id]);
    assert.equal(g.status, 0, g.stderr);
    assert.equal(JSON.parse(g.stdout).name, 'genomes');
  });

  it('deletes an empty store (404 after, tags gone); an unknown id is ResourceNotFoundException', async () => {
    const omics = omicsClient(server);
    const [store] = (await omics.send(new ListReferenceStoresCommand({}))).referenceStores!;
    await omics.send(new DeleteReferenceStoreCommand({ id: store!.id }));
    const gone = await failure(omics.send(new GetReferenceStoreCommand({ id: store!.id })));
    assert.equal(gone.name, 'ResourceNotFoundException');
    assert.equal(gone.$metadata.httpStatusCode, 404);
    const tags = await failure(omics.send(new ListTagsForResourceCommand({ resourceArn: store!.arn })));
    assert.equal(tags.name, 'ResourceNotFoundException');
    // The Region's quota is free again.
    const next = await omics.send(new CreateReferenceStoreCommand({ name: 'again' }));
    assert.notEqual(next.id, store!.id);
  });
});
