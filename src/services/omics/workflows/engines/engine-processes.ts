/**
 * The processes one run starts, one after another (cwltool --pack, then cwltool; or the operator's
 * engine), each in its own process group, with one cancel for whichever is running.
 */
import { splitLines } from './line-splitter.ts';
import { killProcessGroup, livePids, spawnInGroup, type GroupProcess } from './process-group.ts';

/** Largest stdout kept (an engine's output object); more fails the step rather than filling memory. */
const MAX_STDOUT_BYTES = 64 * 2 ** 20;

export interface ExecResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** Set when the command could not be started (e.g. ENOENT). */
  spawnError?: string;
}

export class EngineProcesses {
  private current: GroupProcess | undefined;
  private cancelling: Promise<void> | undefined;

  get cancelled(): boolean { return this.cancelling !== undefined; }
  processGroup(): number | undefined { return this.current?.pgid; }

  async exec(command: string, args: readonly string[], options: {
    cwd: string; env?: NodeJS.ProcessEnv; stderrLine?: (line: string) => void; stdoutLine?: (line: string) => void;
  }): Promise<ExecResult> {
    if (this.cancelled) return { code: null, signal: 'SIGTERM', stdout: '' };
    const proc = spawnInGroup(command, args, { cwd: options.cwd, env: options.env });
    this.current = proc;
    let spawnError: string | undefined;
    proc.child.once('error', (error: NodeJS.ErrnoException) => { spawnError = error.code ?? error.message; });
    const chunks: Buffer[] = [];
    let size = 0;
    let overflow = false;
    const stdoutDone = new Promise<void>((resolve) => {
      if (options.stdoutLine !== undefined) {
        void splitLines(proc.child.stdout!, options.stdoutLine).then(resolve);
      } else {
        proc.child.stdout!.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_STDOUT_BYTES) chunks.push(chunk); else overflow = true;
        });
        proc.child.stdout!.on('close', resolve);
      }
    });
    const stderrDone = splitLines(proc.child.stderr!, (line) => options.stderrLine?.(line));
    const exit = await proc.exited;
    // A task may leave background processes behind (holding the pipes open): end the group.
    if (livePids(proc.pgid).length > 0) await killProcessGroup(proc.pgid);
    await Promise.all([stdoutDone, stderrDone]);
    this.current = undefined;
    if (overflow) return { ...exit, stdout: '', spawnError: `the engine wrote more than ${MAX_STDOUT_BYTES} bytes to stdout` };
    return { ...exit, stdout: Buffer.concat(chunks).toString('utf8'), ...(spawnError === undefined ? {} : { spawnError }) };
  }

  /** Ends the running process group, and refuses to start another. */
  cancel(): Promise<void> {
    this.cancelling ??= (async () => {
      const proc = this.current;
      if (proc !== undefined) await killProcessGroup(proc.pgid);
    })();
    return this.cancelling;
  }
}
