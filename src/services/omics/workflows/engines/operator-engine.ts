/**
 * What the adapters for operator-supplied engines (miniwdl, nextflow) share: a run that cannot
 * start because no engine is configured ends FAILED at once, naming the engine and the setting
 * (never a simulated success); the last error lines of an engine become the failure reason.
 */
import type { EngineRunResult, RunHandle } from './engine.ts';

export function notConfiguredRun(failureReason: string): RunHandle {
  const done = Promise.resolve<EngineRunResult>({ status: 'FAILED', failureReason });
  return { done, processGroup: () => undefined, cancel: async () => { await done; } };
}

/** Keeps the last lines of an engine's stderr, to explain a failure. */
export class TailLines {
  private readonly lines: string[] = [];
  constructor(private readonly max = 20) {}
  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.max) this.lines.shift();
  }
  /** The last line that says error (else the last non-empty line), trimmed. */
  reason(): string | undefined {
    const meaningful = this.lines.map((l) => l.trim()).filter((l) => l !== '');
    return [...meaningful].reverse().find((l) => /error|fail|exception/i.test(l)) ?? meaningful.at(-1);
  }
}
