/** `healthtrail serve`: runs the server until SIGINT/SIGTERM. */
import type { Command } from 'commander';
import { consoleBaseUrl, loadConfig, publicBaseUrl } from '../config.ts';
import { credentialsFilePath } from '../credentials-file.ts';
import { startServer } from '../server.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the server (configuration from HEALTHTRAIL_* environment variables)')
    .action(async () => {
      const config = loadConfig();
      let server: Awaited<ReturnType<typeof startServer>>;
      try {
        server = await startServer(config);
      } catch (err) {
        // startServer has closed what it opened (database, worker threads): nothing else holds
        // the data directory, and a supervisor sees the failure at once.
        process.stderr.write(`HealthTrail could not start: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      }
      const url = publicBaseUrl({ ...config, port: server.port });
      const consoleUrl = consoleBaseUrl({ ...config, consolePort: server.consolePort });
      process.stderr.write([
        `HealthTrail listening on ${url} (data in ${config.dataDir})`,
        `Web console on ${consoleUrl}/console/ (its own origin; the API port serves no console)`,
        config.rootAccessKeyId
          ? 'Root access key: from HEALTHTRAIL_ROOT_ACCESS_KEY_ID.'
          : `Root credentials: profile "healthtrail" in ${credentialsFilePath(config.dataDir)}`,
        `  export AWS_SHARED_CREDENTIALS_FILE=${credentialsFilePath(config.dataDir)} AWS_PROFILE=healthtrail`,
        `  aws --endpoint-url ${url} cloudtrail lookup-events`,
        '',
      ].join('\n'));
      const stop = () => {
        server.close().then(() => process.exit(0), () => process.exit(1));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
