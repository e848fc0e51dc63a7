/**
 * Types of the service models (botocore's service-2.json format, stripped of documentation by
 * scripts/generate_models.py) and of the HTTP messages the protocols read and write.
 */
import type { Readable } from 'node:stream';
import type { AwsError } from '../core/aws-error.ts';

export type ShapeType =
  | 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'float' | 'double'
  | 'boolean' | 'timestamp' | 'blob' | 'bigdecimal' | 'biginteger' | 'byte' | 'short';

/** A namespace URI, or a prefixed one (S3's xsi). */
export type XmlNamespace = string | { prefix?: string; uri: string };

export interface ShapeRef {
  shape: string;
  location?: 'header' | 'headers' | 'querystring' | 'uri' | 'statusCode';
  locationName?: string;
  queryName?: string;
  idempotencyToken?: boolean;
  jsonvalue?: boolean;
  timestampFormat?: 'iso8601' | 'rfc822' | 'unixTimestamp';
  xmlNamespace?: XmlNamespace;
  xmlAttribute?: boolean;
  flattened?: boolean;
  hostLabel?: boolean;
  eventpayload?: boolean;
  streaming?: boolean;
  resultWrapper?: string;
  contextParam?: unknown;
}

export interface Shape {
  type: ShapeType;
  members?: Record<string, ShapeRef>;
  required?: string[];
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  sensitive?: boolean;
  exception?: boolean;
  fault?: boolean;
  error?: { code?: string; httpStatusCode?: number; senderFault?: boolean };
  payload?: string;
  union?: boolean;
  document?: boolean;
  streaming?: boolean;
  timestampFormat?: 'iso8601' | 'rfc822' | 'unixTimestamp';
  flattened?: boolean;
  locationName?: string;
  xmlNamespace?: XmlNamespace;
  requiresLength?: boolean;
}

export interface OperationModel {
  name: string;
  http: { method: string; requestUri: string; responseCode?: number };
  input?: ShapeRef;
  output?: ShapeRef;
  errors?: ShapeRef[];
  idempotent?: boolean;
  endpoint?: { hostPrefix?: string };
  authtype?: string;
  deprecated?: boolean;
}

export interface ServiceMetadata {
  apiVersion: string;
  endpointPrefix: string;
  protocol: 'json' | 'rest-json' | 'query' | 'rest-xml' | 'ec2' | 'smithy-rpc-v2-cbor';
  protocols?: string[];
  jsonVersion?: string;
  targetPrefix?: string;
  serviceId: string;
  signingName?: string;
  xmlNamespace?: string;
  globalEndpoint?: string;
  serviceFullName?: string;
  awsQueryCompatible?: unknown;
  [k: string]: unknown;
}

export interface ServiceModel {
  metadata: ServiceMetadata;
  operations: Record<string, OperationModel>;
  shapes: Record<string, Shape>;
}

/** A request as the HTTP layer hands it to the wire layer. */
export interface HttpRequest {
  method: string;
  /** Raw path as received, percent-encoded, without the query string. */
  path: string;
  /** Raw query string without the leading '?', percent-encoded ('' when none). */
  query: string;
  /** Lower-cased header names. Repeated headers are joined with ', '. */
  headers: Record<string, string>;
  body: Buffer;
  /** Set instead of `body` when the HTTP front left the body unread for the pipeline to stream
   * (S3 uploads, up to gigabytes); `body` is then empty until someone buffers it. */
  bodyStream?: Readable;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
  /** A streamed body (S3 GetObject) sent instead of `body`; its length is the content-length
   * header the protocol wrote. */
  stream?: Readable;
}

/** Input/output values: structures are plain objects keyed by model member names;
 * timestamps are Date, blobs are Buffer, lists arrays, maps plain objects. */
export type Params = Record<string, unknown>;

export interface ParsedRequest {
  operation: OperationModel;
  input: Params;
}

/** One per protocol; driven entirely by the service model. */
export interface Protocol {
  /** Finds the operation and deserializes its input. Throws AwsError
   * (UnknownOperationException, SerializationException, ...) in the protocol's own terms. */
  parseRequest(model: ServiceModel, req: HttpRequest): ParsedRequest;
  serializeResponse(model: ServiceModel, operation: OperationModel, output: Params, requestId: string): HttpResponse;
  serializeError(model: ServiceModel, error: AwsError, requestId: string): HttpResponse;
  /** Whether the operation this request routes to takes a streaming payload (S3 PutObject,
   * UploadPart), which the pipeline must not buffer. */
  streamsRequestBody?(model: ServiceModel, req: HttpRequest): boolean;
}
