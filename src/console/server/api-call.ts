/**
 * POST /console/api/call: one AWS API call with the session's console credentials. The JSON
 * input is read into Params by the wire layer's own shape walker (json-body.ts, by model member
 * name: ISO or epoch timestamps to Date, base64 blobs to Buffer), then the call takes the API
 * pipeline's path after SigV4 (ApiPipeline.callAuthenticated): model validation, IAM, handler
 * and record in one transaction. The record carries userAgent console.amazonaws.com, the
 * browser's address, no tlsDetails (AWS omits it for console-proxy calls) and
 * sessionCredentialFromConsole "true". Output goes back by member name, timestamps as ISO 8601.
 */
import { Readable } from 'node:stream';
import { isAwsError, type AwsError } from '../../core/aws-error.ts';
import type { ApiPipeline, CallLog } from '../../http/pipeline.ts';
import type { HttpResponse, OperationModel, Params, ServiceModel, ShapeRef } from '../../wire/types.ts';
import { getServiceModel } from '../../wire/models.ts';
import { readJsonStructure, writeJsonStructure, type JsonStyle } from '../../wire/protocols/json-body.ts';
import { errorInfo } from '../../wire/protocols/errors.ts';
import type { ApiCallRequest, ApiCallResponse } from '../api-contract.ts';
import { ConsoleHttpError, errorResponse, jsonResponse } from './responses.ts';
import type { ConsoleSession } from './sessions.ts';

/** What the console proxy writes as the userAgent of the calls it makes (as AWS's console does). */
export const CONSOLE_USER_AGENT = 'console.amazonaws.com';

const BY_MEMBER_NAME: JsonStyle = { byMemberName: true };
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export interface ConsoleCaller {
  requestId: string;
  sourceIp: string;
}

export function parseApiCall(body: Record<string, unknown>): ApiCallRequest {
  const { service, operation, input, region } = body;
  if (typeof service !== 'string' || !/^[a-z0-9-]{1,64}$/.test(service)) {
    throw new ConsoleHttpError(400, 'ValidationError', 'service must be a signing name such as cloudtrail, healthlake or iam.');
  }
  if (typeof operation !== 'string' || !/^[A-Za-z0-9]{1,128}$/.test(operation)) {
    throw new ConsoleHttpError(400, 'ValidationError', 'operation must be an operation name of the service model, e.g. LookupEvents.');
  }
  if (input !== undefined && (input === null || typeof input !== 'object' || Array.isArray(input))) {
    throw new ConsoleHttpError(400, 'ValidationError', 'input must be a JSON object.');
  }
  if (region !== undefined && (typeof region !== 'string' || !REGION.test(region))) {
    throw new ConsoleHttpError(400, 'ValidationError', 'region must be a region name such as us-east-1.');
  }
  return { service, operation, input: (input ?? {}) as Record<string, unknown>, ...(region !== undefined ? { region: region as string } : {}) };
}

function streams(model: ServiceModel, ref: ShapeRef | undefined): string | undefined {
  if (!ref) return undefined;
  const members = model.shapes[ref.shape]?.members ?? {};
  return Object.keys(members).find((name) => members[name]!.streaming === true || model.shapes[members[name]!.shape]?.streaming === true);
}

/** The model and operation of a request, refusing what the console cannot carry. */
export function resolveOperation(request: ApiCallRequest): { model: ServiceModel; operation: OperationModel } {
  const model = getServiceModel(request.service);
  if (!model) throw new ConsoleHttpError(400, 'UnknownServiceException', `The service '${request.service}' is not provided by this endpoint.`);
  const operation = Object.hasOwn(model.operations, request.operation) ? model.operations[request.operation]! : undefined;
  if (!operation) {
    throw new ConsoleHttpError(400, 'UnknownOperationException', `${model.metadata.serviceId} has no operation ${request.operation}.`);
  }
  if (streams(model, operation.input)) {
    throw new ConsoleHttpError(400, 'StreamingNotSupported',
      `${request.operation} takes a streamed upload body, which the console API does not carry; upload with the AWS CLI or an SDK.`);
  }
  if (streams(model, operation.output)) {
    throw new ConsoleHttpError(400, 'StreamingNotSupported',
      `${request.operation} returns a streamed body; download objects with GET /console/api/s3-object?bucket=&key=.`);
  }
  return { model, operation };
}

/** An AwsError as the console reports it: the AWS code and message, at the AWS status. */
export function awsErrorResponse(model: ServiceModel | undefined, error: AwsError, requestId: string): HttpResponse {
  const status = model ? errorInfo(model, error).status : error.status ?? (error.sender ? 400 : 500);
  return errorResponse(status, error.code, error.message, requestId);
}

export class ConsoleApiCalls {
  constructor(private readonly pipeline: ApiPipeline) {}

  async call(session: ConsoleSession, body: Record<string, unknown>, caller: ConsoleCaller, log: CallLog): Promise<HttpResponse> {
    const request = parseApiCall(body);
    const { model, operation } = resolveOperation(request);
    let output: Params;
    try {
      const input = operation.input
        ? readJsonStructure(model, model.shapes[operation.input.shape]!, request.input, '', BY_MEMBER_NAME)
        : {};
      output = await this.pipeline.callAuthenticated({
        requestId: caller.requestId,
        sourceIp: caller.sourceIp,
        userAgent: CONSOLE_USER_AGENT,
        principal: session.principal,
        service: request.service,
        operation: operation.name,
        input,
        region: request.region ?? session.region,
      }, log);
    } catch (e) {
      if (!isAwsError(e)) throw e;
      return awsErrorResponse(model, e, caller.requestId);
    }
    for (const value of Object.values(output)) if (value instanceof Readable) value.destroy();
    const result: ApiCallResponse = {
      output: operation.output ? writeJsonStructure(model, model.shapes[operation.output.shape]!, output, BY_MEMBER_NAME) : {},
      requestId: caller.requestId,
    };
    return jsonResponse(200, result, { 'x-amzn-requestid': caller.requestId });
  }
}
