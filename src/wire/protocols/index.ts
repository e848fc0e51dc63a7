/**
 * One Protocol per AWS wire protocol, all driven by the service model:
 *
 *   Protocol (types.ts)
 *     json       awsJson1_0 / awsJson1_1   HealthLake, CloudTrail   json.ts
 *     rest-json  restJson1                 Omics                    rest-json.ts
 *     query      awsQuery                  IAM, STS, SNS            query.ts
 *     rest-xml   restXml                   S3                       rest-xml.ts
 *
 * Shared pieces: codecs.ts (timestamps, base64, numbers, header lists), errors.ts (status and
 * message member of an error), json-body.ts (shape-driven JSON), http-bindings.ts (REST
 * routing, labels, query, headers), xml-writer.ts / xml-reader.ts (shape-driven XML).
 */
import type { Protocol, ServiceModel } from '../types.ts';
import { jsonProtocol } from './json.ts';
import { queryProtocol } from './query.ts';
import { restJsonProtocol } from './rest-json.ts';
import { restXmlProtocol } from './rest-xml.ts';

const PROTOCOLS: Partial<Record<ServiceModel['metadata']['protocol'], Protocol>> = {
  json: jsonProtocol,
  'rest-json': restJsonProtocol,
  query: queryProtocol,
  'rest-xml': restXmlProtocol,
};

/** The protocol a model speaks. Throws for protocols not implemented yet (ec2, cbor...). */
export function protocolFor(model: ServiceModel): Protocol {
  const p = PROTOCOLS[model.metadata.protocol];
  if (!p) throw new Error(`protocol ${model.metadata.protocol} (${model.metadata.serviceId}) is not implemented`);
  return p;
}

export { jsonProtocol, queryProtocol, restJsonProtocol, restXmlProtocol };
