/** Option parsers the `healthtrail omics` commands share: tags, part sizes, run parameters. */
import { existsSync, readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';

export const MiB = 1024 * 1024;
/** "Each part cannot be larger than 100 MB" (the model's UploadReadSetPart documentation). */
export const MAX_PART_MIB = 100;

/** commander collector for a repeatable `--tag key=value`. */
export function collectTag(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('expected key=value.');
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

/** commander argParser for --part-size: whole MiB, 1 to 100. */
export function parsePartSize(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_PART_MIB) {
    throw new InvalidArgumentError(`expected whole MiB from 1 to ${MAX_PART_MIB} (a part is 100 MiB at most).`);
  }
  return Number(value);
}

/**
 * --parameters: a JSON object inline, or the path of a file holding one (also as file://path,
 * as the AWS CLI writes it).
 */
export function parseParameters(value: string): Record<string, unknown> {
  const path = value.startsWith('file://') ? value.slice('file://'.length) : value;
  let text = value;
  if (!value.trimStart().startsWith('{')) {
    if (!existsSync(path)) throw new InvalidArgumentError('expected a JSON object or the path of a file holding one.');
    text = readFileSync(path, 'utf8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError(`not JSON: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidArgumentError('expected a JSON object.');
  return parsed as Record<string, unknown>;
}
