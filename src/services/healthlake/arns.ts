/** HealthLake identifiers: 32-hex ids, datastore ARNs, and the FHIR endpoint of a datastore. */
import type { Config } from '../../config.ts';
import { publicBaseUrl } from '../../config.ts';

export const DATASTORE_RESOURCE_TYPE = 'AWS::HealthLake::FHIRDatastore';

export function datastoreArn(region: string, accountId: string, datastoreId: string): string {
  return `arn:aws:healthlake:${region}:${accountId}:datastore/fhir/${datastoreId}`;
}

/** Parses a datastore ARN (the tag APIs' form) into its parts. */
export function parseDatastoreArn(arn: string): { region: string; accountId: string; datastoreId: string } | undefined {
  const m = /^arn:aws[a-z-]*:healthlake:([a-z0-9-]+):(\d{12}):datastore\/fhir\/([^/]{32})$/.exec(arn);
  return m ? { region: m[1]!, accountId: m[2]!, datastoreId: m[3]! } : undefined;
}

export function datastoreEndpoint(config: Config, datastoreId: string): string {
  return `${publicBaseUrl(config)}/datastore/${datastoreId}/r4/`;
}
