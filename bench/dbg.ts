import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { signJsonRequest, load } from './lib.ts';
const ROOT = { accessKeyId: 'AKIABENCHMARKROOT000', secretAccessKey: 'benchmark/root/secret/key/000000000000000' };
const prof = process.argv[2] === 'prof';
const child = spawn(process.execPath, [...(prof ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []), '--import', 'tsx', '/work/main/bench/server-process.ts', 'healthtrail'], {
  env: { ...process.env, HEALTHTRAIL_AUDIT: process.env.AUDIT ?? 'true', HEALTHTRAIL_DATA_DIR: '/tmp/dbgdata'+Date.now(), HEALTHTRAIL_ROOT_ACCESS_KEY_ID: ROOT.accessKeyId, HEALTHTRAIL_ROOT_SECRET_ACCESS_KEY: ROOT.secretAccessKey }, stdio: ['ignore','pipe','inherit'] });
const [line] = await once(createInterface({ input: child.stdout! }), 'line') as [string];
const port = Number(line);
const r = await signJsonRequest(port, ROOT, 'healthlake', 'HealthLake.ListFHIRDatastores', 'application/x-amz-json-1.0', {});
console.log((await load(`http://127.0.0.1:${port}`, r, 5)).requestsPerSecond);
child.kill('SIGINT'); await once(child, 'exit');
