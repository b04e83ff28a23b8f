/**
 * The TypeScript codec against every golden vector in protocol/vectors.json (read from the file, not
 * regenerated): the decoder's transcript must match, whole and when the wire is split into 1-byte and
 * random chunks, and messages must encode to exactly the wire bytes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { FrameDecoder } from './frame-decoder.js';
import { decodeMessage } from './message-codec.js';
import { MessageEncoder } from './message-encoder.js';
import { LAYOUTS } from './message-layout.js';
import type { Message, MessageTypeName } from './messages.js';
import { dumpFrame, dumpMessage, dumpStats, transcribe } from './transcript.js';

interface FileVector {
  name: string;
  wire: string;
  encode?: { seq: number; message: Record<string, unknown> }[];
  expect: string[];
}
const file = JSON.parse(readFileSync(new URL('../../../protocol/vectors.json', import.meta.url), 'utf8')) as {
  vectors: FileVector[];
};

/** vectors.json stores byte fields as hex; turn them back into Uint8Array. */
function fromJson(m: Record<string, unknown>): Message {
  const out: Record<string, unknown> = { ...m };
  for (const f of LAYOUTS[m['type'] as MessageTypeName]) {
    if (f.kind === 'bytes') out[f.name] = new Uint8Array(Buffer.from(m[f.name] as string, 'hex'));
  }
  return out as unknown as Message;
}

function transcribeChunked(wire: Uint8Array, sizes: () => number): string[] {
  const lines: string[] = [];
  const d = new FrameDecoder();
  for (let i = 0; i < wire.length; ) {
    const n = sizes();
    d.push(wire.subarray(i, i + n), (frame) => {
      lines.push(dumpFrame(frame));
      const r = decodeMessage(frame.type, frame.payload);
      lines.push(r.ok ? `msg ${dumpMessage(r.message)}` : `drop ${r.reason}`);
    });
    i += n;
  }
  lines.push(dumpStats(d.stats));
  return lines;
}

test('there are at least 30 vectors covering every message type and every drop reason', () => {
  assert.ok(file.vectors.length >= 30, `${file.vectors.length} vectors`);
  const all = file.vectors.flatMap((v) => v.expect).join('\n');
  for (const name of Object.keys(LAYOUTS)) assert.match(all, new RegExp(`^msg ${name} `, 'm'), name);
  for (const counter of ['oversized', 'malformed', 'truncated', 'crc']) {
    assert.match(all, new RegExp(`${counter}=[1-9]`), counter);
  }
  assert.match(all, /drop unknown_type/);
  assert.match(all, /drop bad_payload/);
  assert.ok(
    file.vectors.some((v) => v.wire.length === 2 * 1035),
    'a maximum-size frame',
  );
});

for (const v of file.vectors) {
  test(`vector ${v.name}`, () => {
    const wire = new Uint8Array(Buffer.from(v.wire, 'hex'));
    assert.deepEqual(transcribe(wire), v.expect, 'decoded in one chunk');
    assert.deepEqual(
      transcribeChunked(wire, () => 1),
      v.expect,
      'decoded one byte at a time',
    );
    assert.deepEqual(
      transcribeChunked(wire, () => 1 + Math.floor(Math.random() * 64)),
      v.expect,
      'random chunks',
    );
    if (v.encode) {
      const frames = v.encode.map((e) => new MessageEncoder({ firstSeq: e.seq }).encode(fromJson(e.message)));
      assert.equal(Buffer.concat(frames).toString('hex'), v.wire, 'encoding gives the wire bytes');
    }
  });
}
