import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import { MessageEncoder } from './message-encoder.js';
import { ALL_EXAMPLES } from './message-examples.js';
import { type DecodedMessage, MessageDecodeStream } from './message-stream.js';

test('MessageDecodeStream turns a chunked byte stream with noise into messages', async () => {
  const enc = new MessageEncoder();
  const bytes = Buffer.concat([
    Buffer.from('boot noise\r\n\0'),
    ...ALL_EXAMPLES.map((m) => enc.encode(m)),
    Buffer.from([1, 2, 3, 0]),
  ]);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 7) chunks.push(bytes.subarray(i, i + 7));
  const stream = new MessageDecodeStream();
  const got: DecodedMessage[] = [];
  await pipeline(Readable.from(chunks), stream, async (source: AsyncIterable<DecodedMessage>) => {
    for await (const m of source) got.push(m);
  });
  assert.deepEqual(
    got.map((g) => g.message),
    ALL_EXAMPLES,
  );
  assert.deepEqual(
    got.map((g) => g.seq),
    ALL_EXAMPLES.map((_, i) => i),
  );
  assert.equal(
    stream.decoder.stats.malformed + stream.decoder.stats.crcErrors + stream.decoder.stats.truncated,
    2,
  );
});
