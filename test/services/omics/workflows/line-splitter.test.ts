/**
 * Engine output split into log lines (src/services/omics/workflows/engines/line-splitter.ts):
 * lines across chunk boundaries and multi-byte characters split between chunks, CRLF, a last line
 * without newline, and a bound on a line's length.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { splitLines, TRUNCATED } from '../../../../src/services/omics/workflows/engines/line-splitter.ts';

async function lines(chunks: Buffer[], max?: number): Promise<string[]> {
  const stream = new PassThrough();
  const out: string[] = [];
  const done = splitLines(stream, (l) => out.push(l), max);
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  await done;
  return out;
}

describe('splitLines', () => {
  it('joins lines across chunks, keeps multi-byte characters whole, drops CR, keeps a last unterminated line', async () => {
    const text = Buffer.from('first li', 'utf8');
    const euro = Buffer.from('€', 'utf8');
    assert.deepEqual(await lines([text, Buffer.from('ne\r\nsecond '), euro.subarray(0, 1), euro.subarray(1), Buffer.from('\nlast')]),
      ['first line', 'second €', 'last']);
  });
  it('cuts a line longer than the bound and drops the rest of it', async () => {
    assert.deepEqual(await lines([Buffer.from('x'.repeat(10)), Buffer.from('y'.repeat(10)), Buffer.from('zz\nnext\n')], 8),
      [`${'x'.repeat(8)}${TRUNCATED}`, 'next']);
  });
});
