/**
 * The `healthtrail` program: commander set up so that every outcome maps to a documented exit
 * code (help 0, usage 2, errors through exit-codes.ts), and the run that applies it.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { CliError, EXIT, EXIT_CODES_HELP } from './exit-codes.ts';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function createProgram(): Command {
  const program = new Command('healthtrail')
    .description('Self-hosted HealthLake, HealthOmics and CloudTrail with a verifiable audit trail')
    .version(version())
    .showHelpAfterError('(add --help for usage)')
    // Commander's errors come back as exceptions (mapped to exit codes in runProgram), inherited
    // by every subcommand created after this.
    .exitOverride();
  program.addHelpText('after', `
Client commands (events, trails, import, export, upload, download, omics) call the server at
--endpoint-url (default $HEALTHTRAIL_ENDPOINT, else http://127.0.0.1:$HEALTHTRAIL_PORT, else
http://127.0.0.1:4599), with credentials from the standard AWS chain (AWS_ACCESS_KEY_ID, AWS_PROFILE
or --profile, ~/.aws/credentials, ...) or else profile "healthtrail" of the server's
<$HEALTHTRAIL_DATA_DIR or ./data>/credentials. "healthtrail <command> --help" shows examples.

${EXIT_CODES_HELP}`);
  return program;
}

export async function runProgram(program: Command, argv: string[]): Promise<void> {
  // A reader that goes away (| head) ends the output, not the process with a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has printed the message or the help; --help and --version exit 0.
      process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    const e = err instanceof CliError ? err : new CliError(err instanceof Error ? err.message : String(err), EXIT.failed);
    process.stderr.write(`healthtrail: ${e.message}\n`);
    process.exitCode = e.exitCode;
  }
}
