/**
 * The trail form's event selectors: the basic form (read/write type, management events, S3
 * data resources) or advanced selectors as JSON, and the PutEventSelectors input they make.
 */
import type { AdvancedEventSelector, EventSelector, EventSelectorsOutput, ReadWriteType } from '../api/aws-types.ts';

export interface SelectorForm {
  mode: 'basic' | 'advanced';
  readWriteType: ReadWriteType;
  managementEvents: boolean;
  s3DataEvents: boolean;
  /** One ARN prefix a line: arn:aws:s3 (all buckets), arn:aws:s3:::bucket/ or arn:aws:s3:::bucket/prefix. */
  s3Values: string;
  advancedJson: string;
  /** Set when the trail's current basic selectors do not fit the form (they will be replaced). */
  warning?: string;
}

export const DEFAULT_ADVANCED: AdvancedEventSelector[] = [
  { Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
];

export const DEFAULT_SELECTORS: SelectorForm = {
  mode: 'basic',
  readWriteType: 'All',
  managementEvents: true,
  s3DataEvents: false,
  s3Values: 'arn:aws:s3',
  advancedJson: JSON.stringify(DEFAULT_ADVANCED, null, 2),
};

export function formFromSelectors(out: EventSelectorsOutput): SelectorForm {
  if (out.AdvancedEventSelectors && out.AdvancedEventSelectors.length > 0) {
    return { ...DEFAULT_SELECTORS, mode: 'advanced', advancedJson: JSON.stringify(out.AdvancedEventSelectors, null, 2) };
  }
  const selectors = out.EventSelectors ?? [];
  const first: EventSelector = selectors[0] ?? {};
  const s3 = (first.DataResources ?? []).filter((d) => d.Type === 'AWS::S3::Object');
  const fits = selectors.length <= 1
    && (first.DataResources ?? []).every((d) => d.Type === 'AWS::S3::Object')
    && (first.ExcludeManagementEventSources ?? []).length === 0;
  return {
    ...DEFAULT_SELECTORS,
    readWriteType: first.ReadWriteType ?? 'All',
    managementEvents: first.IncludeManagementEvents ?? true,
    s3DataEvents: s3.length > 0,
    s3Values: s3.length > 0 ? s3.flatMap((d) => d.Values ?? []).join('\n') : DEFAULT_SELECTORS.s3Values,
    ...(fits ? {} : {
      warning: 'This trail has basic selectors the form cannot show in full (several selectors, other data resource types '
        + 'or excluded event sources). Saving replaces them with what the form shows; or switch to advanced selectors.',
    }),
  };
}

export function isDefaultSelectors(form: SelectorForm): boolean {
  return form.mode === 'basic' && form.readWriteType === 'All' && form.managementEvents && !form.s3DataEvents;
}

/** PutEventSelectors' selector members, or an error message for the form. */
export function selectorsInput(form: SelectorForm):
  | { ok: true; input: { EventSelectors: EventSelector[] } | { AdvancedEventSelectors: AdvancedEventSelector[] } }
  | { ok: false; message: string } {
  if (form.mode === 'advanced') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(form.advancedJson);
    } catch (e) {
      return { ok: false, message: `Advanced event selectors are not valid JSON: ${(e as Error).message}` };
    }
    if (!Array.isArray(parsed) || parsed.length === 0) {
      return { ok: false, message: 'Advanced event selectors must be a JSON array of selectors, e.g. [{"Name": "...", "FieldSelectors": [...]}].' };
    }
    for (const [i, s] of parsed.entries()) {
      if (!s || typeof s !== 'object' || !Array.isArray((s as AdvancedEventSelector).FieldSelectors)) {
        return { ok: false, message: `Selector ${i + 1} needs a FieldSelectors array.` };
      }
    }
    return { ok: true, input: { AdvancedEventSelectors: parsed as AdvancedEventSelector[] } };
  }
  const values = form.s3Values.split(/\s+/).map((v) => v.trim()).filter(Boolean);
  if (form.s3DataEvents && values.length === 0) {
    return { ok: false, message: 'Enter at least one S3 ARN prefix for data events (arn:aws:s3 for all buckets).' };
  }
  if (!form.managementEvents && !form.s3DataEvents) {
    return { ok: false, message: 'Choose management events, S3 data events, or both.' };
  }
  return {
    ok: true,
    input: {
      EventSelectors: [{
        ReadWriteType: form.readWriteType,
        IncludeManagementEvents: form.managementEvents,
        DataResources: form.s3DataEvents ? [{ Type: 'AWS::S3::Object', Values: values }] : [],
        ExcludeManagementEventSources: [],
      }],
    },
  };
}

/** A one-line description of a trail's selectors for its detail page. */
export function describeSelectors(out: EventSelectorsOutput): string[] {
  if (out.AdvancedEventSelectors && out.AdvancedEventSelectors.length > 0) {
    return out.AdvancedEventSelectors.map((s, i) => `${s.Name || `Selector ${i + 1}`}: ${s.FieldSelectors.map((f) => {
      const ops = (['Equals', 'StartsWith', 'EndsWith', 'NotEquals', 'NotStartsWith', 'NotEndsWith'] as const)
        .filter((op) => f[op]?.length).map((op) => `${op} ${f[op]!.join(', ')}`);
      return `${f.Field} ${ops.join('; ')}`;
    }).join(' AND ')}`);
  }
  return (out.EventSelectors ?? []).map((s) => {
    const parts = [`${s.IncludeManagementEvents === false ? 'No' : s.ReadWriteType ?? 'All'} management events`];
    for (const d of s.DataResources ?? []) parts.push(`${d.Type} data events (${s.ReadWriteType ?? 'All'}): ${(d.Values ?? []).join(', ')}`);
    if (s.ExcludeManagementEventSources?.length) parts.push(`excluding ${s.ExcludeManagementEventSources.join(', ')}`);
    return parts.join('; ');
  });
}
