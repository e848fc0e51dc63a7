/**
 * The `healthtrail` command line: one registration per command group (src/cli/), run with the
 * exit codes of src/cli/exit-codes.ts.
 */
import { createProgram, runProgram } from './cli/program.ts';
import { registerServe } from './cli/serve-command.ts';
import { registerValidateLogs } from './cli/validate-logs-command.ts';
import { registerEvents } from './cli/events-command.ts';
import { registerTrails } from './cli/trails-command.ts';
import { registerHosts } from './cli/hosts-command.ts';
import { registerImport } from './cli/import-command.ts';
import { registerExport } from './cli/export-command.ts';
import { registerTransfer } from './cli/transfer-command.ts';
import { registerOmics } from './cli/omics/omics-command.ts';

const program = createProgram();
registerServe(program);
registerValidateLogs(program);
registerEvents(program);
registerTrails(program);
registerHosts(program);
registerImport(program);
registerExport(program);
registerTransfer(program);
registerOmics(program);
await runProgram(program, process.argv);
