/**
 * A parameter template read from the definition (parameterTemplatePath) gets the checks the
 * model gives a template in the request (WorkflowParameterTemplate: 1..2000 entries, names
 * 1..128, descriptions 0..256, optional a boolean), since it bypasses the wire's validation.
 */
import { MAX_DESCRIPTION_LENGTH, MAX_NAME_LENGTH, MAX_PARAMETERS } from '../workflows/definitions/parameter-template.ts';

/** What is wrong with the template, or undefined when it is a valid one. */
export function validateTemplate(template: unknown): string | undefined {
  if (template === null || typeof template !== 'object' || Array.isArray(template)) return 'a parameter template is a JSON object of parameters';
  const entries = Object.entries(template as Record<string, unknown>);
  if (entries.length < 1 || entries.length > MAX_PARAMETERS) return `a parameter template has 1 to ${MAX_PARAMETERS} parameters, not ${entries.length}`;
  for (const [name, p] of entries) {
    if (name.length < 1 || name.length > MAX_NAME_LENGTH) return `parameter name '${name.slice(0, MAX_NAME_LENGTH)}' is not 1-${MAX_NAME_LENGTH} characters`;
    if (p === null || typeof p !== 'object' || Array.isArray(p)) return `parameter ${name} is not an object {description, optional}`;
    const { description, optional } = p as { description?: unknown; optional?: unknown };
    if (description !== undefined && (typeof description !== 'string' || description.length > MAX_DESCRIPTION_LENGTH)) {
      return `parameter ${name}'s description is not a string of at most ${MAX_DESCRIPTION_LENGTH} characters`;
    }
    if (optional !== undefined && typeof optional !== 'boolean') return `parameter ${name}'s optional is not a boolean`;
  }
  return undefined;
}
