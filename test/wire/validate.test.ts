import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getServiceModel } from '../../src/wire/models.ts';
import { compilePattern, formatValidationMessage, validateInput } from '../../src/wire/validate.ts';
import type { ServiceModel } from '../../src/wire/types.ts';

const healthlake = getServiceModel('healthlake')!;
const iam = getServiceModel('iam')!;

function messages(model: ServiceModel, op: string, input: Record<string, unknown>): string[] {
  return validateInput(model, model.operations[op]!, input).map((v) => v.message);
}

describe('validateInput', () => {
  it('accepts valid input', () => {
    assert.deepEqual(messages(healthlake, 'CreateFHIRDatastore', {
      DatastoreName: 'my store', DatastoreTypeVersion: 'R4', Tags: [{ Key: 'team', Value: 'a' }],
    }), []);
  });

  it('reports a missing required member as null, with a lowerCamelCase path', () => {
    const v = validateInput(healthlake, healthlake.operations.CreateFHIRDatastore!, {});
    assert.deepEqual(v, [{
      path: 'datastoreTypeVersion',
      message: "Value null at 'datastoreTypeVersion' failed to satisfy constraint: Member must not be null",
    }]);
  });

  it('checks enums, patterns and lengths', () => {
    assert.deepEqual(messages(healthlake, 'CreateFHIRDatastore', { DatastoreTypeVersion: 'R5', DatastoreName: 'bad<name>' }), [
      "Value 'bad<name>' at 'datastoreName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-%@]*)$",
      "Value 'R5' at 'datastoreTypeVersion' failed to satisfy constraint: Member must satisfy enum value set: [R4]",
    ]);
    assert.deepEqual(messages(healthlake, 'CreateFHIRDatastore', { DatastoreTypeVersion: 'R4', DatastoreName: 'x'.repeat(257) }), [
      `Value '${'x'.repeat(257)}' at 'datastoreName' failed to satisfy constraint: Member must have length less than or equal to 256`,
    ]);
    assert.deepEqual(messages(healthlake, 'CreateFHIRDatastore', { DatastoreTypeVersion: 'R4', DatastoreName: '' }), [
      "Value '' at 'datastoreName' failed to satisfy constraint: Member must have length greater than or equal to 1",
    ]);
  });

  it('counts code points, not UTF-16 units, for string length', () => {
    // A letter outside the BMP is two UTF-16 units but one character: 256 of them fit the max.
    const name = '\u{1D400}'.repeat(256);
    assert.deepEqual(messages(healthlake, 'CreateFHIRDatastore', { DatastoreTypeVersion: 'R4', DatastoreName: name }), []);
  });

  it('uses 1-based list paths with .member', () => {
    assert.deepEqual(messages(healthlake, 'CreateFHIRDatastore', {
      DatastoreTypeVersion: 'R4', Tags: [{ Key: 'ok', Value: 'v' }, { Value: 'v' }, { Key: '', Value: 'v' }],
    }), [
      "Value null at 'tags.2.member.key' failed to satisfy constraint: Member must not be null",
      "Value '' at 'tags.3.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1",
    ]);
  });

  it('checks numeric ranges and list sizes', () => {
    assert.deepEqual(messages(healthlake, 'ListFHIRDatastores', { MaxResults: 0 }), [
      "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
    ]);
    assert.deepEqual(messages(healthlake, 'ListFHIRDatastores', { MaxResults: 501 }), [
      "Value '501' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 500",
    ]);
    const tags = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    const [msg] = messages(iam, 'CreateUser', { UserName: 'bob', Tags: tags });
    assert.match(msg!, /^Value '\[\{Key=k0, Value=v\}, .*' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50$/);
  });

  it('never echoes sensitive values', () => {
    const [msg] = messages(iam, 'CreateLoginProfile', { UserName: 'bob', Password: 'hunter2\u0001' });
    assert.equal(msg, "Value '***' at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+");
  });

  it('lists every violation, nested paths included', () => {
    const v = validateInput(healthlake, healthlake.operations.CreateFHIRDatastore!, {
      DatastoreTypeVersion: 'R4', SseConfiguration: { KmsEncryptionConfig: {} }, ClientToken: 'not valid!',
    });
    assert.deepEqual(v.map((x) => x.path), ['sseConfiguration.kmsEncryptionConfig.cmkType', 'clientToken']);
  });

  it('requires exactly one member of a union, and checks map keys and values', () => {
    const model: ServiceModel = {
      metadata: { apiVersion: '1', endpointPrefix: 't', protocol: 'json', serviceId: 'T' },
      operations: { Op: { name: 'Op', http: { method: 'POST', requestUri: '/' }, input: { shape: 'In' } } },
      shapes: {
        In: { type: 'structure', members: { Choice: { shape: 'U' }, Labels: { shape: 'M' } } },
        U: { type: 'structure', union: true, members: { A: { shape: 'S' }, B: { shape: 'S' } } },
        M: { type: 'map', key: { shape: 'K' }, value: { shape: 'S' }, max: 1 },
        K: { type: 'string', min: 2 },
        S: { type: 'string', max: 3 },
      },
    };
    assert.deepEqual(messages(model, 'Op', { Choice: { A: 'x', B: 'y' }, Labels: { k: 'long value' } }), [
      "Value '{A=x, B=y}' at 'choice' failed to satisfy constraint: Member must have exactly one member set, but 2 were set",
      "Value 'k' at 'labels' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length greater than or equal to 2]",
      "Value 'long value' at 'labels' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 3]",
    ]);
    assert.deepEqual(messages(model, 'Op', { Choice: {} }), [
      "Value '{}' at 'choice' failed to satisfy constraint: Member must have exactly one member set, but 0 were set",
    ]);
  });

  it('skips a pattern JavaScript cannot compile instead of crashing', () => {
    const model: ServiceModel = {
      metadata: { apiVersion: '1', endpointPrefix: 't', protocol: 'json', serviceId: 'T' },
      operations: { Op: { name: 'Op', http: { method: 'POST', requestUri: '/' }, input: { shape: 'In' } } },
      shapes: { In: { type: 'structure', members: { V: { shape: 'S' } } }, S: { type: 'string', pattern: '[a-z' } },
    };
    assert.equal(compilePattern('[a-z'), null);
    assert.deepEqual(messages(model, 'Op', { V: 'anything' }), []);
  });
});

describe('compilePattern', () => {
  it('translates Java-only syntax: inline flags and escaped punctuation', () => {
    assert.ok(compilePattern('(?s).*')!.test('a\nb'));
    assert.ok(compilePattern('[\\w+=,.@\\:-]*')!.test('a:b@c'));
    assert.ok(!compilePattern('[\\w+=,.@\\:-]*')!.test('a b'));
  });

  it('matches the whole value and caches the compiled RegExp', () => {
    assert.ok(!compilePattern('[a-z]+')!.test('abc1'));
    assert.equal(compilePattern('[a-z]+'), compilePattern('[a-z]+'));
  });
});

describe('formatValidationMessage', () => {
  it('uses the Coral wording, singular and plural', () => {
    assert.equal(formatValidationMessage([{ path: 'a', message: 'M1' }]), '1 validation error detected: M1');
    assert.equal(formatValidationMessage([{ path: 'a', message: 'M1' }, { path: 'b', message: 'M2' }]),
      '2 validation errors detected: M1; M2');
  });
});
