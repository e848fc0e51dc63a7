/**
 * parameterTemplate extraction (src/services/omics/workflows/definitions): CWL inputs, the WDL
 * workflow's input block with parameter_meta, Nextflow's nextflow_schema.json and params
 * assignments, and AWS's limits on names and descriptions.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cwlParameters } from '../../../../src/services/omics/workflows/definitions/cwl-parameters.ts';
import { wdlParameters } from '../../../../src/services/omics/workflows/definitions/wdl-parameters.ts';
import { nextflowSchemaParameters, nextflowScriptParameters } from '../../../../src/services/omics/workflows/definitions/nextflow-parameters.ts';
import { buildTemplate, fitDescription } from '../../../../src/services/omics/workflows/definitions/parameter-template.ts';

const template = (r: { ok: boolean; parameters?: { name: string; optional: boolean; description?: string }[] }) => {
  assert.equal(r.ok, true, JSON.stringify(r));
  const built = buildTemplate(r.parameters!);
  assert.equal(built.ok, true);
  return (built as { template: unknown }).template;
};

describe('CWL parameter template', () => {
  it('reads map-form inputs: ? types, null unions and defaults are optional; label, else doc, describes', () => {
    const source = `cwlVersion: v1.2
class: Workflow
inputs:
  reads: {type: File, label: Reads to align}
  sample: string?
  threads: {type: int, default: 4, doc: Threads to use}
  mode: {type: ["null", string], doc: [Mode, of operation]}
  names: string[]
outputs: {}
steps: {}
`;
    assert.deepEqual(template(cwlParameters(source)), {
      reads: { description: 'Reads to align', optional: false },
      sample: { description: '', optional: true },
      threads: { description: 'Threads to use', optional: true },
      mode: { description: 'Mode of operation', optional: true },
      names: { description: '', optional: false },
    });
  });

  it('reads array-form inputs of a packed $graph document\'s #main', () => {
    const source = JSON.stringify({
      cwlVersion: 'v1.2',
      $graph: [
        { class: 'CommandLineTool', id: '#tool.cwl', inputs: [{ id: '#tool.cwl/x', type: 'int' }], outputs: [] },
        { class: 'Workflow', id: '#main', inputs: [{ id: '#main/files', type: { type: 'array', items: 'File' } }, { id: '#main/n', type: 'int', default: 1 }], outputs: [], steps: [] },
      ],
    });
    assert.deepEqual(template(cwlParameters(source)), { files: { description: '', optional: false }, n: { description: '', optional: true } });
  });

  it('fails a main file that is not YAML', () => {
    assert.equal(cwlParameters('a: [b').ok, false);
  });
});

describe('WDL parameter template', () => {
  it('reads the workflow input block (optional types, defaults, compound types) and parameter_meta', () => {
    const source = `version 1.0
import "tasks.wdl" as t

task count {
  input { File f }
  command <<< wc -l < ~{f} | awk '{print $1}' >>>
  output { Int n = read_int(stdout()) }
}

workflow CountLines {
  input {
    Array[File]+ files   # the inputs
    String? label
    Int threads = 2
    Map[String, Pair[Int, String]] table = {"a": (1, "x")}
    String greeting = "hello ~{label} {not a block}"
    File reference
  }
  parameter_meta {
    files: "Files whose lines are counted"
    threads: { description: "How many threads", help: "ignored" }
    reference: {
      help: "The reference FASTA"
    }
  }
  scatter (f in files) {
    call count { input: f = f }
  }
  output { Array[Int] counts = count.n }
}
`;
    assert.deepEqual(template(wdlParameters(source)), {
      files: { description: 'Files whose lines are counted', optional: false },
      label: { description: '', optional: true },
      threads: { description: 'How many threads', optional: true },
      table: { description: '', optional: true },
      greeting: { description: '', optional: true },
      reference: { description: 'The reference FASTA', optional: false },
    });
  });

  it('has no parameters for a workflow without an input block, and fails a file without a workflow', () => {
    assert.deepEqual(wdlParameters('version 1.0\nworkflow w {\n  call t\n}\n'), { ok: true, parameters: [] });
    assert.equal(wdlParameters('version 1.0\ntask t { command {} }\n').ok, false);
  });
});

describe('Nextflow parameter template', () => {
  it('reads nextflow_schema.json groups and required lists; a default makes a parameter optional', () => {
    const schema = JSON.stringify({
      $schema: 'http://json-schema.org/draft-07/schema',
      definitions: {
        input_output_options: {
          type: 'object', required: ['input', 'outdir', 'genome'],
          properties: {
            input: { type: 'string', description: 'Path to the\nsamplesheet.' },
            outdir: { type: 'string', description: 'Results directory' },
            genome: { type: 'string', default: 'GRCh38' },
          },
        },
      },
      properties: { max_cpus: { type: 'integer', description: 'Most CPUs', default: 16 } },
      allOf: [{ $ref: '#/definitions/input_output_options' }],
    });
    assert.deepEqual(template(nextflowSchemaParameters(schema)), {
      input: { description: 'Path to the samplesheet.', optional: false },
      outdir: { description: 'Results directory', optional: false },
      genome: { description: '', optional: true },
      max_cpus: { description: 'Most CPUs', optional: true },
    });
  });

  it('reads params assignments from main.nf and params blocks from nextflow.config (null: required)', () => {
    const main = `nextflow.enable.dsl=2\nparams.reads = null\nparams.outdir = "results" // where\n/* params.ignored = 1 */\nif (params.reads == null) error "x"\n`;
    const config = `params {\n  threads = 4\n  reads = 'overridden'\n}\n`;
    assert.deepEqual(template({ ok: true, parameters: nextflowScriptParameters([main, config]) }), {
      reads: { description: '', optional: false },
      outdir: { description: '', optional: true },
      threads: { description: '', optional: true },
    });
  });
});

describe('AWS limits on the template', () => {
  it('fits descriptions: no control characters, at most 256 characters', () => {
    assert.equal(fitDescription('line one\n\tline two\u0007'), 'line one line two');
    assert.equal(fitDescription('x'.repeat(300)).length, 256);
  });
  it('fails a name longer than 128 characters or with control characters, and more than 2000 parameters', () => {
    assert.equal(buildTemplate([{ name: 'n'.repeat(129), optional: false }]).ok, false);
    assert.equal(buildTemplate([{ name: 'a\nb', optional: false }]).ok, false);
    assert.equal(buildTemplate([{ name: 'n'.repeat(128), optional: false }]).ok, true);
    const many = Array.from({ length: 2001 }, (_, i) => ({ name: `p${i}`, optional: true }));
    assert.deepEqual(buildTemplate(many), { ok: false, statusMessage: 'The workflow declares 2001 parameters; a parameter template holds at most 2000' });
  });
});
