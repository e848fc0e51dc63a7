/**
 * Engine processes run in their own process group (spawned detached), so that cancelling a run
 * ends the engine and every task process it started: SIGTERM to the group, then SIGKILL to what is
 * left after a grace period. Zombies (exited, not yet reaped by their parent) are not left running
 * and are not waited for.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface GroupProcess {
  child: ChildProcess;
  /** The process group id (= the child's pid). */
  pgid: number;
  /** Exit code (null when killed by a signal) and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnInGroup(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): GroupProcess {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', () => resolve({ code: 127, signal: null }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, pgid: child.pid ?? -1, exited };
}

/** Live (non-zombie) processes of a process group, read from /proc. */
export function livePids(pgid: number): number[] {
  const pids: number[] = [];
  let entries: string[];
  try { entries = readdirSync('/proc'); } catch { return pids; }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      // Fields after the parenthesised command: state, ppid, pgrp, …
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') pids.push(Number(entry));
    } catch { /* the process ended while we looked */ }
  }
  return pids;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try { process.kill(-pgid, signal); } catch { /* ESRCH: nothing left in the group */ }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Ends every process of the group: TERM, wait up to graceMs, then KILL; resolves when none is left running. */
export async function killProcessGroup(pgid: number, graceMs = 3000): Promise<void> {
  if (!(pgid > 1)) return;
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (livePids(pgid).length > 0 && Date.now() < deadline) await sleep(25);
  if (livePids(pgid).length === 0) return;
  signalGroup(pgid, 'SIGKILL');
  for (let i = 0; i < 200 && livePids(pgid).length > 0; i++) await sleep(25);
}
