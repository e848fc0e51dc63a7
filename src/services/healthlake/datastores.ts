/** HealthLake control plane: CreateFHIRDatastore, DescribeFHIRDatastore, ListFHIRDatastores, DeleteFHIRDatastore. */
import { AwsError } from '../../core/aws-error.ts';
import type { CallContext, Handler } from '../../core/service.ts';
import type { Params } from '../../wire/types.ts';
import { withClientToken } from '../shared/idempotency.ts';
import { decodePageToken, encodePageToken } from '../shared/page-token.ts';
import { DATASTORE_RESOURCE_TYPE, datastoreArn, datastoreEndpoint } from './arns.ts';
import type { DatastoreRow, DatastoreStore } from './datastore-store.ts';

const DEFAULT_SSE = { KmsEncryptionConfig: { CmkType: 'AWS_OWNED_KMS_KEY' } };
const DEFAULT_IDP = { AuthorizationStrategy: 'AWS_AUTH', FineGrainedAuthorizationEnabled: false };

export function notFound(datastoreId: string): AwsError {
  return new AwsError('ResourceNotFoundException', `Datastore ${datastoreId} does not exist.`);
}

function track(ctx: CallContext, row: Pick<DatastoreRow, 'datastoreId' | 'region' | 'accountId'>): void {
  ctx.resources.push({
    type: DATASTORE_RESOURCE_TYPE,
    name: row.datastoreId,
    arn: datastoreArn(row.region, row.accountId, row.datastoreId),
    accountId: row.accountId,
  });
}

function properties(ctx: CallContext, row: DatastoreRow): Params {
  const p: Params = {
    DatastoreId: row.datastoreId,
    DatastoreArn: datastoreArn(row.region, row.accountId, row.datastoreId),
    DatastoreName: row.name ?? undefined,
    DatastoreStatus: row.status,
    CreatedAt: new Date(row.createdAt),
    DatastoreTypeVersion: row.typeVersion,
    DatastoreEndpoint: datastoreEndpoint(ctx.config, row.datastoreId),
    ...row.properties,
  };
  return p;
}

function checkSse(sse: Params | undefined): void {
  const kms = sse?.KmsEncryptionConfig as Params | undefined;
  if (kms?.CmkType === 'CUSTOMER_MANAGED_KMS_KEY' && !kms.KmsKeyId) {
    throw new AwsError('ValidationException', 'KmsKeyId is required when CmkType is CUSTOMER_MANAGED_KMS_KEY.');
  }
  if (kms?.CmkType === 'AWS_OWNED_KMS_KEY' && kms.KmsKeyId) {
    throw new AwsError('ValidationException', 'KmsKeyId must not be set when CmkType is AWS_OWNED_KMS_KEY.');
  }
}

function checkIdentityProvider(idp: Params | undefined): void {
  if (!idp || idp.AuthorizationStrategy === 'AWS_AUTH') return;
  if (typeof idp.Metadata !== 'string') {
    throw new AwsError('ValidationException', `Metadata is required for AuthorizationStrategy ${String(idp.AuthorizationStrategy)}.`);
  }
  let metadata: unknown;
  try {
    metadata = JSON.parse(idp.Metadata);
  } catch {
    throw new AwsError('ValidationException', 'IdentityProviderConfiguration.Metadata must be a JSON document.');
  }
  const missing = ['authorization_endpoint', 'token_endpoint', 'capabilities', 'grant_types_supported', 'code_challenge_methods_supported']
    .filter((k) => !(metadata && typeof metadata === 'object' && k in metadata));
  if (missing.length > 0) {
    throw new AwsError('ValidationException', `IdentityProviderConfiguration.Metadata is missing: ${missing.join(', ')}.`);
  }
}

export function datastoreHandlers(store: DatastoreStore): Record<string, Handler> {
  const load = (ctx: CallContext, datastoreId: string): DatastoreRow => {
    const row = store.get(ctx.accountId, ctx.region, datastoreId, ctx.now.getTime());
    if (!row) throw notFound(datastoreId);
    return row;
  };

  return {
    CreateFHIRDatastore(ctx, input) {
      checkSse(input.SseConfiguration as Params | undefined);
      checkIdentityProvider(input.IdentityProviderConfiguration as Params | undefined);
      const response = withClientToken(ctx, input.ClientToken as string | undefined, input, () => {
        const datastoreId = ctx.ids.hex(16);
        const now = ctx.now.getTime();
        const props: Record<string, unknown> = {
          SseConfiguration: input.SseConfiguration ?? DEFAULT_SSE,
          IdentityProviderConfiguration: input.IdentityProviderConfiguration ?? DEFAULT_IDP,
        };
        if (input.PreloadDataConfig) props.PreloadDataConfig = input.PreloadDataConfig;
        store.insert({
          accountId: ctx.accountId, region: ctx.region, datastoreId, name: (input.DatastoreName as string | undefined) ?? null,
          status: 'CREATING', typeVersion: input.DatastoreTypeVersion as string, createdAt: now, statusChangedAt: now, properties: props,
        }, (input.Tags as { Key: string; Value: string }[] | undefined) ?? []);
        return {
          DatastoreId: datastoreId,
          DatastoreArn: datastoreArn(ctx.region, ctx.accountId, datastoreId),
          DatastoreStatus: 'CREATING',
          DatastoreEndpoint: datastoreEndpoint(ctx.config, datastoreId),
        };
      });
      track(ctx, { datastoreId: response.DatastoreId as string, region: ctx.region, accountId: ctx.accountId });
      return response;
    },

    DescribeFHIRDatastore(ctx, input) {
      const row = load(ctx, input.DatastoreId as string);
      track(ctx, row);
      return { DatastoreProperties: properties(ctx, row) };
    },

    ListFHIRDatastores(ctx, input) {
      const filter = (input.Filter as Params | undefined) ?? {};
      const rows = store.list(ctx.accountId, ctx.region, {
        name: filter.DatastoreName as string | undefined,
        status: filter.DatastoreStatus as string | undefined,
        createdBefore: (filter.CreatedBefore as Date | undefined)?.getTime(),
        createdAfter: (filter.CreatedAfter as Date | undefined)?.getTime(),
      }, ctx.now.getTime());
      const pageSize = (input.MaxResults as number | undefined) ?? 100;
      const start = input.NextToken ? decodePageToken(input.NextToken as string, 'ListFHIRDatastores', filter) : 0;
      const page = rows.slice(start, start + pageSize);
      const out: Params = { DatastorePropertiesList: page.map((r) => properties(ctx, r)) };
      if (start + pageSize < rows.length) out.NextToken = encodePageToken(start + pageSize, 'ListFHIRDatastores', filter);
      return out;
    },

    DeleteFHIRDatastore(ctx, input) {
      const row = load(ctx, input.DatastoreId as string);
      track(ctx, row);
      if (row.status === 'CREATING' || row.status === 'DELETING') {
        throw new AwsError('ConflictException', 'The data store is in a transition state and the user requested action cannot be performed.');
      }
      if (row.status === 'DELETED') throw notFound(row.datastoreId);
      store.setStatus(row.datastoreId, 'DELETING', ctx.now.getTime());
      return {
        DatastoreId: row.datastoreId,
        DatastoreArn: datastoreArn(row.region, row.accountId, row.datastoreId),
        DatastoreStatus: 'DELETING',
        DatastoreEndpoint: datastoreEndpoint(ctx.config, row.datastoreId),
      };
    },
  };
}
