/** The aws-chunked decoder: framing, trailers, and refusal of malformed bodies. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { AwsChunkedDecoder, type AwsChunkedHandlers } from '../../src/wire/aws-chunked.ts';

async function decode(input: Buffer | string, handlers: AwsChunkedHandlers = {}, pieceSize = 0): Promise<string> {
  const bytes = Buffer.from(input);
  const pieces: Buffer[] = [];
  if (pieceSize > 0) for (let i = 0; i < bytes.length; i += pieceSize) pieces.push(bytes.subarray(i, i + pieceSize));
  else pieces.push(bytes);
  const out: Buffer[] = [];
  for await (const chunk of Readable.from(pieces).pipe(new AwsChunkedDecoder(handlers))) out.push(chunk as Buffer);
  return Buffer.concat(out).toString('latin1');
}

describe('AwsChunkedDecoder', () => {
  const body = '5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n';

  it('decodes chunks and hands over the trailer', async () => {
    let trailer: Record<string, string> = {};
    let signed = '';
    assert.equal(await decode(body, { onTrailer: (fields, text) => { trailer = fields; signed = text; } }), 'hello world');
    assert.deepEqual(trailer, { 'x-amz-checksum-crc32': 'NhCmhg==' });
    assert.equal(signed, 'x-amz-checksum-crc32:NhCmhg==\n');
  });

  it('gives the same result whatever the network splits', async () => {
    for (const size of [1, 2, 3, 7, 13]) assert.equal(await decode(body, {}, size), 'hello world', `pieces of ${size}`);
  });

  it('reports each chunk with its signature and hash', async () => {
    const seen: Array<[number, string | undefined, string | undefined]> = [];
    await decode('3;chunk-signature=abc\r\nxyz\r\n0;chunk-signature=def\r\n\r\n',
      { hashChunks: true, onChunk: (size, sig, hash) => seen.push([size, sig, hash?.slice(0, 8)]) }, 4);
    assert.deepEqual(seen, [[3, 'abc', '3608bca1'], [0, 'def', 'e3b0c442']]);
  });

  it('keeps CR LF inside data, and accepts a body without the closing empty line', async () => {
    assert.equal(await decode('4\r\na\r\nb\r\n0\r\n'), 'a\r\nb');
    assert.equal(await decode('0\r\n\r\n'), '');
  });

  it('refuses malformed bodies with S3 errors', async () => {
    const cases: Array<[string, string]> = [
      ['zz\r\nhello\r\n0\r\n\r\n', 'InvalidRequest'],
      ['3\r\nhello\r\n0\r\n\r\n', 'InvalidRequest'],
      ['5\r\nhel', 'IncompleteBody'],
      ['', 'IncompleteBody'],
      ['5\r\nhello\r\n', 'IncompleteBody'],
      ['0\r\n\r\nmore', 'InvalidRequest'],
      ['0\r\nno-colon-here\r\n\r\n', 'InvalidRequest'],
      [`${'1'.repeat(5000)}`, 'InvalidRequest'],
      ['fffffffffffffffff\r\n', 'InvalidRequest'],
    ];
    for (const [input, code] of cases) {
      await assert.rejects(decode(input), (e: { code?: string }) => e.code === code, JSON.stringify(input.slice(0, 30)));
    }
  });

  it('fails the stream when a handler refuses a chunk', async () => {
    await assert.rejects(decode('3;chunk-signature=bad\r\nxyz\r\n0\r\n\r\n', {
      onChunk: () => { throw Object.assign(new Error('no'), { code: 'SignatureDoesNotMatch' }); },
    }), { code: 'SignatureDoesNotMatch' });
  });
});
