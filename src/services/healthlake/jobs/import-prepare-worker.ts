/**
 * An import worker thread (started by import-prepare-pool.ts through import-prepare-thread.mjs):
 * prepares the batches of lines it is sent, one at a time, in the order they arrive.
 */
import { parentPort } from 'node:worker_threads';
import { fhirDefinitions } from '../fhir/definitions.ts';
import type { ValidationLevel } from '../fhir/validation.ts';
import { internKeyNames, prepareLines, type InputLine } from './import-prepare.ts';

export interface PrepareRequest { seq: number; lines: InputLine[]; level: ValidationLevel; now: number }

const port = parentPort!;
fhirDefinitions(); // load the R4 definitions before the first batch arrives
port.on('message', (m: PrepareRequest) => {
  try {
    const lines = prepareLines(m.lines, m.level, m.now);
    const keyNames = internKeyNames(lines);
    port.postMessage({ seq: m.seq, lines, keyNames });
  } catch (e) {
    port.postMessage({ seq: m.seq, error: String((e as Error)?.stack ?? e) });
  }
});
port.postMessage({ ready: true });
