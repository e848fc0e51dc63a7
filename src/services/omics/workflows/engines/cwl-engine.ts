/**
 * CWL runs for real with cwltool (Debian's cwltool 3.1) as a child process:
 *   cwltool --pack <main>              → one JSON document; DockerRequirement moved to hints
 *   cwltool --no-container --outdir <outputDir> --tmpdir-prefix … --tmp-outdir-prefix …
 *           [--cachedir <cacheDir>] packed.json inputs.json
 * Its stdout is the output object; its stderr drives the tasks (cwltool-log.ts). Tasks run on
 * the host: the containers a definition names are recorded, not pulled.
 * Creation-time validation runs `cwltool --validate` (which checks more than --pack: it also
 * builds the tool, e.g. its JavaScript) and, beside it, `cwltool --pack`, whose output is kept —
 * in `packCacheDir` keyed by the definition's content and main (definition-key.ts), else in the
 * definition directory's hidden .healthtrail/ — and runs reuse it instead of starting cwltool
 * twice, which would cost each run a second start of cwltool (about 1 s idle, several under load).
 * A run of a definition that was never validated packs it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { withAbsoluteDirs, type EngineRunResult, type EngineRunSpec, type EngineValidation, type RunHandle, type WorkflowEngine } from './engine.ts';
import { EngineProcesses } from './engine-processes.ts';
import { cwlJob, describePacked, moveDockerRequirementsToHints } from './cwl-packed.ts';
import { CwltoolLog } from './cwltool-log.ts';
import { definitionKey } from './definition-key.ts';

export interface CwlEngineOptions {
  /** The cwltool executable (HEALTHTRAIL_CWLTOOL), default `cwltool` on PATH. */
  command?: string;
  /** Where packed documents are kept across definition directories (see above). */
  packCacheDir?: string;
}

const missing = (command: string) => `The CWL engine (${command}) could not be started: install cwltool or set HEALTHTRAIL_CWLTOOL to its path`;

/** The first ERROR of cwltool's output with its detail lines, without this server's directory names. */
function firstError(lines: readonly string[], definitionDir: string): string | undefined {
  const start = lines.findIndex((l) => l.startsWith('ERROR '));
  if (start < 0) return undefined;
  const detail = [lines[start]!.slice('ERROR '.length)];
  for (const line of lines.slice(start + 1)) {
    if (/^(INFO|WARNING|ERROR|DEBUG|CRITICAL) /.test(line) || detail.length >= 12) break;
    detail.push(line);
  }
  const dirUrl = `${pathToFileURL(definitionDir).href}/`;
  return detail.join(' ').split(dirUrl).join('').split(`${definitionDir}/`).join('').replace(/\s+/g, ' ').trim();
}

/** Where validate() keeps the packed document of a definition's main file. */
export function packedCachePath(definitionDir: string, main: string, packCacheDir?: string): string {
  if (packCacheDir !== undefined) return join(packCacheDir, `${definitionKey(definitionDir, main)}.json`);
  return join(definitionDir, '.healthtrail', 'cwl-packed', `${main.replace(/[/\\]/g, '__')}.json`);
}

/** The packed document names files of the definition (e.g. a default File) by absolute URL:
 * kept with a placeholder for the directory, put back for the directory a run unpacked into. */
const DIR_TOKEN = 'healthtrail-definition-dir:';
const dirUrl = (dir: string) => `${pathToFileURL(dir).href}/`;
const portable = (packed: string, dir: string) => packed.split(dirUrl(dir)).join(`${DIR_TOKEN}/`);
const located = (packed: string, dir: string) => packed.split(`${DIR_TOKEN}/`).join(dirUrl(dir));

export class CwlEngine implements WorkflowEngine {
  readonly name = 'CWL' as const;
  private readonly command: string;
  private readonly packCacheDir: string | undefined;

  constructor(options: CwlEngineOptions = {}) {
    this.command = options.command ?? 'cwltool';
    this.packCacheDir = options.packCacheDir;
  }

  async validate(definitionDir: string, main: string): Promise<EngineValidation> {
    const lines: string[] = [];
    const [result, pack] = await Promise.all([
      new EngineProcesses().exec(this.command, ['--disable-color', '--validate', main], {
        cwd: definitionDir, stderrLine: (l) => lines.push(l), stdoutLine: (l) => lines.push(l),
      }),
      new EngineProcesses().exec(this.command, ['--disable-color', '--pack', main], { cwd: definitionDir }),
    ]);
    if (result.spawnError !== undefined) return { ok: false, statusMessage: missing(this.command) };
    if (result.code !== 0) return { ok: false, statusMessage: firstError(lines, definitionDir) ?? `cwltool --validate exited with code ${result.code}` };
    if (pack.code === 0 && pack.stdout.trim() !== '') {
      const cache = packedCachePath(definitionDir, main, this.packCacheDir);
      mkdirSync(dirname(cache), { recursive: true });
      writeFileSync(cache, portable(pack.stdout, definitionDir));
    }
    return { ok: true, checked: true };
  }

  run(spec: EngineRunSpec): RunHandle {
    const processes = new EngineProcesses();
    let log: CwltoolLog | undefined;
    const done = this.execute(withAbsoluteDirs(spec), processes, (l) => { log = l; }).then((result) => {
      if (processes.cancelled) { log?.cancelRunning(); return { status: 'CANCELLED' } satisfies EngineRunResult; }
      return result;
    }, (error: Error): EngineRunResult => ({ status: 'FAILED', failureReason: `The CWL engine failed: ${error.message}` }));
    return {
      done,
      processGroup: () => processes.processGroup(),
      cancel: async () => { await processes.cancel(); await done; },
    };
  }

  private async execute(spec: EngineRunSpec, processes: EngineProcesses, setLog: (log: CwltoolLog) => void): Promise<EngineRunResult> {
    const now = spec.now ?? (() => new Date());
    for (const dir of [spec.workDir, spec.outputDir, join(spec.workDir, 'tmp'), join(spec.workDir, 'tmp-out')]) mkdirSync(dir, { recursive: true });
    const cache = packedCachePath(spec.definitionDir, spec.main, this.packCacheDir);
    let packedText: string;
    if (existsSync(cache)) {
      packedText = located(readFileSync(cache, 'utf8'), spec.definitionDir);
    } else {
      const packErrors: string[] = [];
      const pack = await processes.exec(this.command, ['--disable-color', '--pack', spec.main], {
        cwd: spec.definitionDir, stderrLine: (l) => { packErrors.push(l); spec.listener.engineLog(l); },
      });
      if (processes.cancelled) return { status: 'CANCELLED' };
      if (pack.spawnError !== undefined) return { status: 'FAILED', failureReason: missing(this.command) };
      if (pack.code !== 0) {
        return { status: 'FAILED', failureReason: firstError(packErrors, spec.definitionDir) ?? `cwltool --pack exited with code ${pack.code}` };
      }
      packedText = pack.stdout;
    }
    const doc: unknown = JSON.parse(packedText);
    moveDockerRequirementsToHints(doc);
    const packed = describePacked(doc);
    const packedPath = join(spec.workDir, 'packed.json');
    const inputsPath = join(spec.workDir, 'inputs.json');
    writeFileSync(packedPath, JSON.stringify(doc));
    writeFileSync(inputsPath, JSON.stringify(cwlJob(packed, spec.inputs)));

    const log = new CwltoolLog(packed, spec.listener, now);
    setLog(log);
    const args = [
      '--disable-color', '--no-container',
      '--outdir', spec.outputDir,
      '--tmpdir-prefix', `${join(spec.workDir, 'tmp')}/`,
      // cwltool takes either a tmp-outdir prefix or a cache directory (the cache holds the step outputs).
      ...(spec.cacheDir === undefined ? ['--tmp-outdir-prefix', `${join(spec.workDir, 'tmp-out')}/`] : ['--cachedir', spec.cacheDir]),
      packedPath, inputsPath,
    ];
    const run = await processes.exec(this.command, args, { cwd: spec.workDir, stderrLine: (l) => log.line(l) });
    if (processes.cancelled) return { status: 'CANCELLED' };
    if (run.spawnError !== undefined) return { status: 'FAILED', failureReason: missing(this.command) };
    if (run.code !== 0) {
      const reason = log.failureReason() ?? (run.signal !== null ? `cwltool was ended by ${run.signal}` : `cwltool exited with code ${run.code}`);
      log.failRunning(reason);
      return { status: 'FAILED', failureReason: reason };
    }
    let outputs: unknown;
    try { outputs = JSON.parse(run.stdout); } catch { return { status: 'FAILED', failureReason: 'cwltool did not print its output object' }; }
    return { status: 'COMPLETED', outputs: outputs as Record<string, unknown> };
  }
}
