/** `healthtrail serve`: runs the server until SIGINT/SIGTERM. */
import type { Command } from 'commander';
import { loadConfig, publicBaseUrl } from '../config.ts';
import { credentialsFilePath } from '../credentials-file.ts';
import { startServer } from '../server.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the server (configuration from HEALTHTRAIL_* environment variables)')
    .action(async () => {
      const config = loadConfig();
      const server = await startServer(config);
      const url = publicBaseUrl({ ...config, port: server.port });
      process.stderr.write([
        `HealthTrail listening on ${url} (data in ${config.dataDir})`,
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
