/** The help footer of a command: examples, then the exit codes. */
import type { Command } from 'commander';
import { EXIT_CODES_HELP } from './exit-codes.ts';

export function helpFooter(cmd: Command, examples: string[], notes: string[] = []): Command {
  const parts = [];
  if (notes.length) parts.push(notes.join('\n'));
  if (examples.length) parts.push(`Examples:\n${examples.map((e) => `  $ ${e}`).join('\n')}`);
  parts.push(EXIT_CODES_HELP);
  return cmd.addHelpText('after', `\n${parts.join('\n\n')}`);
}
