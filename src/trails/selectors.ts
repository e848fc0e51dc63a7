/**
 * Event selectors (spec/cloudtrail.md §5): validation for PutEventSelectors and the predicate the
 * delivery worker applies to each event. Basic and advanced selectors are mutually exclusive; a
 * trail with neither logs every management event and no data event.
 */
import { AwsError } from '../core/aws-error.ts';

export interface DataResource { Type: string; Values?: string[] }

export interface BasicEventSelector {
  ReadWriteType?: 'ReadOnly' | 'WriteOnly' | 'All';
  IncludeManagementEvents?: boolean;
  DataResources?: DataResource[];
  ExcludeManagementEventSources?: string[];
}

export interface FieldSelector {
  Field: string;
  Equals?: string[];
  StartsWith?: string[];
  EndsWith?: string[];
  NotEquals?: string[];
  NotStartsWith?: string[];
  NotEndsWith?: string[];
}

export interface AdvancedEventSelector { Name?: string; FieldSelectors: FieldSelector[] }

/** What a selector can look at in an event. `record` is parsed only when a selector needs it. */
export interface SelectableEvent {
  eventCategory: string;
  eventSource: string;
  eventName: string;
  readOnly: string | null;
  record(): { eventType?: string; errorCode?: string; sessionCredentialFromConsole?: string; vpcEndpointId?: string;
    userIdentity?: { arn?: string }; resources?: { type?: string; ARN?: string }[] };
}

export const DEFAULT_EVENT_SELECTORS: BasicEventSelector[] = [
  { ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] },
];

const BASIC_DATA_TYPES = new Set(['AWS::S3::Object', 'AWS::Lambda::Function', 'AWS::DynamoDB::Table']);
const EXCLUDABLE_SOURCES = new Set(['kms.amazonaws.com', 'rdsdata.amazonaws.com']);
const MAX_BASIC_SELECTORS = 5;
const MAX_DATA_RESOURCE_VALUES = 250;
const MAX_ADVANCED_VALUES = 500;
const KNOWN_FIELDS = new Set([
  'eventCategory', 'readOnly', 'eventSource', 'eventName', 'resources.type', 'resources.ARN', 'eventType',
  'sessionCredentialFromConsole', 'userIdentity.arn', 'errorCode', 'vpcEndpointId',
]);
const OPERATORS = ['Equals', 'StartsWith', 'EndsWith', 'NotEquals', 'NotStartsWith', 'NotEndsWith'] as const;
const RESOURCE_TYPE = /^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/;

function invalid(message: string): AwsError {
  return new AwsError('InvalidEventSelectorsException', message);
}

export function validateBasicSelectors(selectors: BasicEventSelector[]): BasicEventSelector[] {
  if (selectors.length === 0 || selectors.length > MAX_BASIC_SELECTORS) {
    throw invalid(`A trail can have 1 to ${MAX_BASIC_SELECTORS} event selectors.`);
  }
  let values = 0;
  const normalized = selectors.map((s) => {
    for (const r of s.DataResources ?? []) {
      if (!BASIC_DATA_TYPES.has(r.Type)) {
        throw invalid(`Value ${r.Type} for DataResources.Type is invalid; use advanced event selectors for other resource types.`);
      }
      values += r.Values?.length ?? 0;
      for (const v of r.Values ?? []) {
        if (!v.startsWith('arn:')) throw invalid(`Value ${v} for DataResources.Values is invalid.`);
      }
    }
    for (const source of s.ExcludeManagementEventSources ?? []) {
      if (!EXCLUDABLE_SOURCES.has(source)) throw invalid(`Value ${source} for ExcludeManagementEventSources is invalid.`);
    }
    return {
      ReadWriteType: s.ReadWriteType ?? 'All',
      IncludeManagementEvents: s.IncludeManagementEvents ?? true,
      DataResources: s.DataResources ?? [],
      ExcludeManagementEventSources: s.ExcludeManagementEventSources ?? [],
    };
  });
  if (values > MAX_DATA_RESOURCE_VALUES) throw invalid(`A trail can have at most ${MAX_DATA_RESOURCE_VALUES} data resource values.`);
  return normalized;
}

export function validateAdvancedSelectors(selectors: AdvancedEventSelector[]): AdvancedEventSelector[] {
  if (selectors.length === 0) throw invalid('At least one advanced event selector is required.');
  let values = 0;
  for (const s of selectors) {
    const fields = new Map<string, FieldSelector>();
    for (const f of s.FieldSelectors) {
      if (!KNOWN_FIELDS.has(f.Field)) throw invalid(`Field ${f.Field} is not a valid field for advanced event selectors.`);
      if (fields.has(f.Field)) throw invalid(`Field ${f.Field} appears more than once in a selector.`);
      fields.set(f.Field, f);
      const used = OPERATORS.filter((op) => f[op] !== undefined);
      if (used.length === 0) throw invalid(`Field ${f.Field} needs at least one operator.`);
      for (const op of used) {
        if (f[op]!.length === 0) throw invalid(`Operator ${op} of field ${f.Field} needs at least one value.`);
        values += f[op]!.length;
      }
    }
    const category = fields.get('eventCategory');
    if (!category?.Equals || Object.keys(category).some((k) => k !== 'Field' && k !== 'Equals')) {
      throw invalid('Each advanced event selector needs an eventCategory field with the Equals operator.');
    }
    for (const c of category.Equals) {
      if (!['Management', 'Data', 'NetworkActivity'].includes(c)) throw invalid(`Value ${c} for eventCategory is invalid for a trail.`);
    }
    const type = fields.get('resources.type');
    if (category.Equals.includes('Data')) {
      if (!type?.Equals || type.Equals.length !== 1) {
        throw invalid('Data event selectors need a resources.type field with one Equals value.');
      }
    }
    if (type?.Equals?.some((t) => !RESOURCE_TYPE.test(t))) throw invalid(`Value ${type.Equals.join(',')} for resources.type is invalid.`);
    const readOnly = fields.get('readOnly');
    if (readOnly && (!readOnly.Equals || readOnly.Equals.some((v) => v !== 'true' && v !== 'false'))) {
      throw invalid('The readOnly field takes Equals "true" or "false".');
    }
  }
  if (values > MAX_ADVANCED_VALUES) throw invalid(`A trail can have at most ${MAX_ADVANCED_VALUES} values across its selectors.`);
  return selectors;
}

function readWriteMatches(type: BasicEventSelector['ReadWriteType'], readOnly: string | null): boolean {
  if (!type || type === 'All') return true;
  return type === 'ReadOnly' ? readOnly === 'true' : readOnly !== 'true';
}

function dataResourceMatches(resource: DataResource, arn: string): boolean {
  const service = resource.Type === 'AWS::S3::Object' ? 'arn:aws:s3' : resource.Type === 'AWS::Lambda::Function' ? 'arn:aws:lambda' : 'arn:aws:dynamodb';
  return (resource.Values ?? []).some((v) => {
    if (v === service || v === `${service}:::`) return true;
    // Lambda functions match exactly; S3 and DynamoDB values are ARN prefixes.
    return resource.Type === 'AWS::Lambda::Function' ? arn === v : arn.startsWith(v);
  });
}

function basicMatches(s: BasicEventSelector, e: SelectableEvent): boolean {
  if (!readWriteMatches(s.ReadWriteType, e.readOnly)) return false;
  if (e.eventCategory === 'Management') {
    return (s.IncludeManagementEvents ?? true) && !(s.ExcludeManagementEventSources ?? []).includes(e.eventSource);
  }
  if (e.eventCategory !== 'Data') return false;
  const resources = e.record().resources ?? [];
  return (s.DataResources ?? []).some((d) => resources.some((r) => r.type === d.Type && r.ARN !== undefined && dataResourceMatches(d, r.ARN)));
}

function fieldMatches(f: FieldSelector, value: string | undefined): boolean {
  const v = value ?? '';
  if (f.Equals && !f.Equals.includes(v)) return false;
  if (f.StartsWith && !f.StartsWith.some((p) => v.startsWith(p))) return false;
  if (f.EndsWith && !f.EndsWith.some((p) => v.endsWith(p))) return false;
  if (f.NotEquals && f.NotEquals.includes(v)) return false;
  if (f.NotStartsWith && f.NotStartsWith.some((p) => v.startsWith(p))) return false;
  if (f.NotEndsWith && f.NotEndsWith.some((p) => v.endsWith(p))) return false;
  return true;
}

function scalarField(field: string, e: SelectableEvent): string | undefined {
  switch (field) {
    case 'eventCategory': return e.eventCategory;
    case 'readOnly': return e.readOnly ?? undefined;
    case 'eventSource': return e.eventSource;
    case 'eventName': return e.eventName;
    case 'eventType': return e.record().eventType;
    case 'errorCode': return e.record().errorCode;
    case 'sessionCredentialFromConsole': return e.record().sessionCredentialFromConsole;
    case 'vpcEndpointId': return e.record().vpcEndpointId;
    case 'userIdentity.arn': return e.record().userIdentity?.arn;
    default: return undefined;
  }
}

function advancedMatches(s: AdvancedEventSelector, e: SelectableEvent): boolean {
  const resourceFields = s.FieldSelectors.filter((f) => f.Field.startsWith('resources.'));
  for (const f of s.FieldSelectors) {
    if (!f.Field.startsWith('resources.') && !fieldMatches(f, scalarField(f.Field, e))) return false;
  }
  if (resourceFields.length === 0) return true;
  // Resource conditions hold together for one of the event's resources.
  const resources = e.record().resources ?? [];
  return resources.some((r) => resourceFields.every((f) => fieldMatches(f, f.Field === 'resources.type' ? r.type : r.ARN)));
}

/** The trail's selection as one predicate. */
export function selectorPredicate(
  basic: BasicEventSelector[] | undefined, advanced: AdvancedEventSelector[] | undefined,
): (e: SelectableEvent) => boolean {
  if (advanced) return (e) => advanced.some((s) => advancedMatches(s, e));
  const selectors = basic ?? DEFAULT_EVENT_SELECTORS;
  return (e) => selectors.some((s) => basicMatches(s, e));
}
