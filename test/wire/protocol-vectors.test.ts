/**
 * botocore's protocol test vectors, used from the server's side of the wire:
 *  - input cases: the request a client sends must parse to the client's params;
 *  - output cases: our serialized response, read back by a model-driven client parser
 *    (test/wire/support/client-parse.ts), must give the expected result; the same parser must
 *    also read the vector's own response (which keeps the parser honest);
 *  - error cases: status, the code where clients look (__type / x-amzn-ErrorType / <Code>),
 *    and the modelled members.
 *
 * Skipped, besides botocore's own protocol-tests-ignore-list.json:
 *
 * | case                                  | reason                                                        |
 * |---------------------------------------|---------------------------------------------------------------|
 * | AwsJson10EndpointTrait                | vector only asserts the endpoint host prefix (a client        |
 * | AwsJson10EndpointTraitWithHostLabel   | concern) and omits X-Amz-Target/Content-Type, so no server    |
 * |                                       | can route it                                                  |
 *
 * Client-only vectors whose params are not what a server can see, with the server's expectation:
 *
 * | case                                      | server expectation and why                                |
 * |-------------------------------------------|-----------------------------------------------------------|
 * | RestJsonQueryParamsStringListMap          | every query parameter lands in the httpQueryParams map    |
 * |                                           | (Smithy's server test RestJsonServersPutAllQueryParamsInMap)|
 * | RestJsonOmitsEmptyListQueryValues         | clients omit empty lists: nothing on the wire, so {}      |
 * | RestJsonHttpWithEmptyStructurePayload     | a "{}" payload body is an empty structure, not "unset"    |
 * | RestJsonHttpWithHeadersButNoPayload       | same: payloadConfig is {}                                 |
 * | RestJsonHttpPrefixHeadersAreNotPresent    | an empty prefix-headers map sends no header: no fooMap    |
 * | QueryEmptyQueryMaps                       | an empty map sends no parameter: no MapArg                |
 * | RestXmlQueryParamsStringListMap           | as RestJsonQueryParamsStringListMap                       |
 * | HttpPrefixHeadersAreNotPresent (input)    | as RestJsonHttpPrefixHeadersAreNotPresent                 |
 * | rest-xml AllQueryStringTypes and the      | the input also has an httpQueryParams map the client left |
 * | other AllQueryStringTypes cases           | unset: a server puts every query parameter in it          |
 *
 * | RestXmlQueryPrecedence                    | the named member wins on the wire, so the server's map    |
 * |                                           | holds bar=named too (the map gets every parameter)        |
 *
 * The ignore list covers request compression (PutWithContentEncoding), idempotency-token
 * auto-fill and host-with-path suites, and a few client-parsing dark corners. Its rest-xml
 * cases are about botocore's client and pass here, so they run, except:
 *
 * | case (rest-xml)        | reason                                                               |
 * |------------------------|----------------------------------------------------------------------|
 * | XmlLists (output)      | names flattened list items the way botocore's parsers do not; our    |
 * |                        | round trip reads responses with botocore's rule                       |
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../src/core/aws-error.ts';
import { protocolFor } from '../../src/wire/protocols/index.ts';
import { messageMemberOf } from '../../src/wire/protocols/errors.ts';
import type { HttpResponse, OperationModel, ServiceModel } from '../../src/wire/types.ts';
import { parseError, parseJsonOutput, parseQueryOutput, parseRestJsonOutput, parseRestXmlOutput } from './support/client-parse.ts';
import {
  dropNulls, loadIgnoreList, loadSuites, modelFor, normalize, requestFor, toParams, vectorsAvailable,
  type VectorCase, type VectorSuite,
} from './support/vectors.ts';

const FILES: Array<{ file: string; key: string }> = [
  { file: 'json.json', key: 'json' },
  { file: 'json_1_0.json', key: 'json_1_0' },
  { file: 'rest-json.json', key: 'rest-json' },
  { file: 'query.json', key: 'query' },
  { file: 'rest-xml.json', key: 'rest-xml' },
];

const SKIPS: Record<string, string> = {
  AwsJson10EndpointTrait: 'host-prefix vector without X-Amz-Target/Content-Type (client-only)',
  AwsJson10EndpointTraitWithHostLabel: 'host-prefix vector without X-Amz-Target/Content-Type (client-only)',
};

const SERVER_PARAMS: Record<string, Record<string, unknown>> = {
  RestJsonQueryParamsStringListMap: { qux: 'named', foo: { corge: ['named'], baz: ['bar', 'qux'] } },
  RestJsonOmitsEmptyListQueryValues: {},
  RestJsonHttpWithEmptyStructurePayload: { payloadConfig: {} },
  RestJsonHttpWithHeadersButNoPayload: { testId: 't-12345', payloadConfig: {} },
  RestJsonHttpPrefixHeadersAreNotPresent: { foo: 'Foo' },
  QueryEmptyQueryMaps: {},
  RestXmlQueryParamsStringListMap: { qux: 'named', foo: { corge: ['named'], baz: ['bar', 'qux'] } },
  HttpPrefixHeadersAreNotPresent: { foo: 'Foo' },
  RestXmlQueryPrecedence: { foo: 'named', baz: { bar: 'named', qux: 'alsoFromMap' } },
};

const REST_XML_SKIPS: Record<string, string> = {
  'output/XmlLists': "botocore's parsers name flattened list items differently from this vector",
};

/** Smithy's server rule for an httpQueryParams map (a query-bound map without a name) that the
 * client left unset: it still receives every query parameter of the request. */
function withQueryParamsMap(model: ServiceModel, c: VectorCase, expected: Record<string, unknown>): Record<string, unknown> {
  const input = c.given.input ? model.shapes[c.given.input.shape] : undefined;
  const entry = Object.entries(input?.members ?? {}).find(([, ref]) => ref.location === 'querystring' && !ref.locationName
    && model.shapes[ref.shape]!.type === 'map');
  if (!entry || entry[0] in expected) return expected;
  const map: Record<string, unknown> = {};
  const listValues = model.shapes[model.shapes[entry[1].shape]!.value!.shape]!.type === 'list';
  for (const [k, v] of new URLSearchParams(requestFor(c).query)) {
    if (listValues) ((map[k] ??= []) as unknown[]).push(v);
    else map[k] ??= v;
  }
  return Object.keys(map).length > 0 ? { ...expected, [entry[0]]: map } : expected;
}

const counts: Record<string, { pass: number; skip: number; fail: number }> = {};

function skipReason(key: string, direction: 'input' | 'output', suite: VectorSuite, c: VectorCase): string | undefined {
  const ignore = loadIgnoreList();
  if (ignore.general[direction]?.suites?.includes(suite.description)) return 'botocore ignore list (suite)';
  if (key === 'rest-xml') return REST_XML_SKIPS[`${direction}/${c.id}`] ?? SKIPS[c.id];
  if (ignore.protocols[key]?.[direction]?.cases?.includes(c.id)) return 'botocore ignore list';
  return SKIPS[c.id];
}

function parseOutput(protocol: string, model: ServiceModel, op: OperationModel, res: HttpResponse) {
  if (protocol === 'query') return parseQueryOutput(model, op, res);
  if (protocol === 'rest-json') return parseRestJsonOutput(model, op, res);
  if (protocol === 'rest-xml') return parseRestXmlOutput(model, op, res);
  return parseJsonOutput(model, op, res);
}

function vectorResponse(c: VectorCase): HttpResponse {
  return { status: c.response!.status_code, headers: c.response!.headers ?? {}, body: c.response!.body ?? '' };
}

function checkInput(suite: VectorSuite, c: VectorCase): void {
  const model = modelFor(suite, c);
  const parsed = protocolFor(model).parseRequest(model, requestFor(c));
  assert.equal(parsed.operation.name, c.given.name);
  const expected = SERVER_PARAMS[c.id] ?? withQueryParamsMap(model, c, dropNulls(c.params ?? {}) as Record<string, unknown>);
  assert.deepEqual(normalize(parsed.input), expected);
}

function checkOutput(suite: VectorSuite, c: VectorCase): void {
  const model = modelFor(suite, c);
  const op = c.given;
  const protocol = model.metadata.protocol;
  const expected = dropNulls(c.result ?? {});
  // The client parser must agree with the vector itself before it may judge us.
  assert.deepEqual(normalize(parseOutput(protocol, model, op, vectorResponse(c))), expected, 'client parser vs vector');
  const value = op.output ? toParams(model, op.output, c.result ?? {}) as Record<string, unknown> : {};
  const res = protocolFor(model).serializeResponse(model, op, value, 'req-1');
  assert.equal(res.status, c.response!.status_code);
  assert.equal(res.headers['x-amzn-requestid'], 'req-1');
  assert.deepEqual(normalize(parseOutput(protocol, model, op, res)), expected, 'round trip');
}

function checkError(suite: VectorSuite, c: VectorCase): void {
  const model = modelFor(suite, c);
  const protocol = model.metadata.protocol;
  const code = c.errorCode!;
  const shape = Object.entries(model.shapes).find(([n, s]) => s.exception && (n === code || s.error?.code === code))?.[1];
  const messageMember = messageMemberOf(shape);
  const fields = { ...(c.error ?? {}) };
  const message = c.errorMessage ?? (fields[messageMember] as string | undefined) ?? '';
  delete fields[messageMember];
  const typed = shape ? toParams(model, { shape: Object.keys(model.shapes).find((n) => model.shapes[n] === shape)! }, fields) : fields;
  const res = protocolFor(model).serializeError(model, new AwsError(code, message, { fields: typed as Record<string, unknown> }), 'req-1');
  assert.equal(res.status, c.response!.status_code, 'status');
  const parsed = parseError(protocol, model, res);
  assert.equal(parsed.code, code);
  if (protocol !== 'query' && protocol !== 'rest-xml') {
    assert.equal(res.headers['x-amzn-errortype'], code);
    if (protocol === 'json') assert.equal(JSON.parse(String(res.body)).__type, code);
  }
  assert.deepEqual(normalize(parsed.members), dropNulls(c.error ?? {}));
}

if (!vectorsAvailable()) {
  describe('botocore protocol vectors', { skip: 'not found: expected ../shared/protocol-tests/botocore beside the repo' }, () => {});
} else {
  for (const { file, key } of FILES) {
    for (const direction of ['input', 'output'] as const) {
      describe(`${direction}/${file}`, () => {
        const tally = (counts[`${direction}/${file}`] ??= { pass: 0, skip: 0, fail: 0 });
        for (const suite of loadSuites(direction, file)) {
          for (const c of suite.cases) {
            const skip = skipReason(key, direction, suite, c);
            it(c.id, { skip }, () => {
              try {
                if (direction === 'input') checkInput(suite, c);
                else if (c.errorCode) checkError(suite, c);
                else checkOutput(suite, c);
                tally.pass++;
              } catch (e) {
                tally.fail++;
                throw e;
              }
            });
            if (skip) tally.skip++;
          }
        }
      });
    }
  }
  after(() => {
    for (const [name, t] of Object.entries(counts)) {
      console.log(`# vectors ${name}: ${t.pass} passed, ${t.skip} skipped, ${t.fail} failed`);
    }
  });
}
