/**
 * The recognizer hands pocketsphinx blocks of DECODE_BLOCK_SAMPLES (20 ms board chunks one by one
 * cost far more CPU), yet nothing is held back from a partial or the final: every accepted sample
 * reaches the decoder before either is read. Real pocketsphinx in this thread, speech from espeak-ng.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { speak } from '../../../test/fixtures/transcription/feed.js';
import { HOME_COMMANDS } from '../../../test/fixtures/transcription/home-commands.js';
import { compileGrammar } from '../grammar-engine.js';
import type { CompiledGrammar } from '../types.js';
import { DEFAULT_POCKETSPHINX_MODEL, PocketsphinxEngine } from './pocketsphinx.js';
import { PsDecoder } from './pocketsphinx-decoder.js';
import { DECODE_BLOCK_SAMPLES } from './pocketsphinx-recognizer.js';

let engine: PocketsphinxEngine;
let grammar: CompiledGrammar;
before(() => {
  engine = new PocketsphinxEngine(DEFAULT_POCKETSPHINX_MODEL, 1e-30);
  grammar = compileGrammar(
    engine,
    { kind: 'compile', name: 'commands', spec: HOME_COMMANDS, freeFormFallback: false, rejection: true },
    1e-30,
  ).grammar;
});
after(() => engine.close());

/** The sizes of the blocks PsDecoder.process receives while `fn` runs. */
function blocksOf<T>(fn: () => T): { result: T; blocks: number[] } {
  const proto = PsDecoder.prototype;
  const { process } = proto;
  const blocks: number[] = [];
  proto.process = function (this: PsDecoder, s: Int16Array) {
    blocks.push(s.length);
    return process.call(this, s);
  };
  try {
    return { result: fn(), blocks };
  } finally {
    proto.process = process;
  }
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

test('20 ms chunks reach the decoder in blocks of at least DECODE_BLOCK_SAMPLES, and every sample does', async () => {
  const clip = await speak('turn on the kitchen lights', { voice: 'en-us' });
  const { result, blocks } = blocksOf(() => {
    const rec = engine.acquire('board-blocks', undefined);
    rec.start(grammar);
    for (let o = 0; o < clip.samples.length; o += 320) rec.accept(clip.samples.subarray(o, o + 320));
    const r = rec.finish();
    rec.release();
    return r;
  });
  assert.equal(sum(blocks), clip.samples.length, 'no sample lost or decoded twice');
  // Only the last block (flushed by finish) may be short.
  assert.ok(
    blocks.slice(0, -1).every((n) => n >= DECODE_BLOCK_SAMPLES),
    `blocks: ${blocks.join(',')}`,
  );
  assert.ok(blocks.length <= Math.ceil(clip.samples.length / DECODE_BLOCK_SAMPLES));
  assert.equal(result.text, 'turn on the kitchen lights');
});

test('a partial and the final flush what is pending: nothing accepted is held back from them', async () => {
  const clip = await speak('turn on the kitchen lights', { voice: 'en-us' });
  const rec = engine.acquire('board-flush', undefined);
  rec.start(grammar);
  // Less than one block: without a flush the decoder would have seen nothing yet.
  const { blocks: beforePartial } = blocksOf(() => rec.accept(clip.samples.subarray(0, 500)));
  assert.deepEqual(beforePartial, [], 'a short input waits for its block');
  const { blocks: atPartial } = blocksOf(() => rec.partial());
  assert.deepEqual(atPartial, [500], 'partial() decodes the pending samples first');
  const { blocks: rest, result } = blocksOf(() => {
    for (let o = 500; o < clip.samples.length; o += 320) rec.accept(clip.samples.subarray(o, o + 320));
    return rec.finish();
  });
  assert.equal(sum(rest), clip.samples.length - 500);
  assert.equal(result.text, 'turn on the kitchen lights');
  // Nothing after the end: audio accepted once the utterance is over is not decoded.
  const { blocks: late } = blocksOf(() => {
    rec.accept(clip.samples.subarray(0, 320));
    rec.partial();
  });
  assert.deepEqual(late, []);
  rec.release();
});
