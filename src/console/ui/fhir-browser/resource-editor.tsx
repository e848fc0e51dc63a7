/** Creating a resource (POST) from JSON typed by the user. */
import { useId, useState, type FormEvent } from 'react';
import { ApiError } from '../api/errors.ts';
import { useConsole } from '../shell/console-context.tsx';
import { ErrorAlert } from '../shell/error-alert.tsx';
import { navigate } from '../shell/router.tsx';
import { useAction } from '../shell/use-load.ts';
import type { FhirResource } from './fhir.ts';

/** The JSON of an editor as a resource of `type`, or an error to show. */
export function parseResource(text: string, type: string, id?: string): FhirResource {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ApiError(0, 'InvalidJson', `The resource is not valid JSON: ${(e as Error).message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ApiError(0, 'InvalidJson', 'A resource is a JSON object.');
  const r = value as FhirResource;
  if (r.resourceType !== type) throw new ApiError(0, 'InvalidResource', `resourceType must be ${type}.`);
  if (id !== undefined && r.id !== id) throw new ApiError(0, 'InvalidResource', `id must stay ${id}.`);
  return r;
}

export function NewResourceForm({ datastoreId, type, onCancel }: { datastoreId: string; type: string; onCancel: () => void }) {
  const { api, region } = useConsole();
  const id = useId();
  const [text, setText] = useState(() => JSON.stringify({ resourceType: type }, null, 2));
  const action = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const resource = parseResource(text, type);
      const res = await api.fhir<FhirResource>(datastoreId, encodeURIComponent(type), region, { method: 'POST', body: resource });
      const created = res.body;
      if (created?.id) navigate(`/healthlake/${datastoreId}/fhir/${encodeURIComponent(type)}/${encodeURIComponent(created.id)}`);
      else onCancel();
    });
  };

  return (
    <form className="panel" onSubmit={submit} aria-label={`New ${type} resource`}>
      <div className="field">
        <label htmlFor={`${id}-json`}>New {type} (FHIR JSON)</label>
        <textarea id={`${id}-json`} className="code-input" rows={12} spellCheck={false} value={text} onChange={(e) => setText(e.target.value)} />
      </div>
      <ErrorAlert error={action.error} title="Could not create the resource" />
      <div className="button-row">
        <button type="submit" className="button primary" disabled={action.busy}>Create</button>
        <button type="button" className="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
