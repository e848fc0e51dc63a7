/**
 * HealthOmics workflow fixtures for tests: a CWL workflow of two steps, the first scattered over
 * a File[] input (wc -l on each file), the second gathering the counts (cat), zipped as
 * CreateWorkflow takes it; and waiting helpers for workflows and runs.
 */
import { zipSync, strToU8 } from 'fflate';
import { GetRunCommand, GetWorkflowCommand, type GetRunCommandOutput, type OmicsClient } from '@aws-sdk/client-omics';

export const COUNT_LINES_CWL = `cwlVersion: v1.2
class: Workflow
label: Count the lines of each file, then gather the counts
requirements:
  ScatterFeatureRequirement: {}
inputs:
  files:
    type: File[]
    label: Text files to count
  note:
    type: string?
    label: An optional note
outputs:
  counts:
    type: File[]
    outputSource: count/count
  total:
    type: File
    outputSource: gather/total
steps:
  count:
    run: count.cwl
    scatter: input
    in:
      input: files
    out: [count]
  gather:
    run: gather.cwl
    in:
      counts: count/count
    out: [total]
`;

export const COUNT_CWL = `cwlVersion: v1.2
class: CommandLineTool
requirements:
  ResourceRequirement:
    coresMin: 1
    ramMin: 1024
  DockerRequirement:
    dockerPull: public.ecr.aws/docker/library/ubuntu:22.04
baseCommand: [wc, -l]
stdin: $(inputs.input.path)
inputs:
  input: File
outputs:
  count:
    type: stdout
stdout: $(inputs.input.nameroot).count
`;

export const GATHER_CWL = `cwlVersion: v1.2
class: CommandLineTool
baseCommand: cat
inputs:
  counts:
    type: File[]
    inputBinding: {}
outputs:
  total:
    type: stdout
stdout: total.txt
`;

/** A step that runs until it is killed (CancelRun and kill -9 tests). */
export const SLEEP_CWL = `cwlVersion: v1.2
class: CommandLineTool
baseCommand: [sh, -c, 'sleep "$0"']
inputs:
  seconds:
    type: int
    inputBinding: {position: 1}
outputs: []
`;

export function zipOf(files: Record<string, string>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strToU8(v)])));
}

export const countLinesZip = () => zipOf({ 'main.cwl': COUNT_LINES_CWL, 'count.cwl': COUNT_CWL, 'gather.cwl': GATHER_CWL });

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitWorkflow(client: OmicsClient, id: string): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const w = await client.send(new GetWorkflowCommand({ id }));
    if (w.status !== 'CREATING') return w.status!;
    await sleep(100);
  }
  throw new Error(`workflow ${id} still CREATING`);
}

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

export async function waitRun(client: OmicsClient, id: string, until: (status: string) => boolean = (s) => TERMINAL.has(s)): Promise<GetRunCommandOutput> {
  for (let i = 0; i < 1200; i++) {
    const r = await client.send(new GetRunCommand({ id }));
    if (until(r.status!)) return r;
    await sleep(100);
  }
  throw new Error(`run ${id} did not reach the awaited status`);
}
