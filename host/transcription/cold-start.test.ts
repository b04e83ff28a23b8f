/**
 * A board never heard before is decoded once, as its audio streams, starting from the mean it is
 * handed (the host's prior) — not decoded a second time after AUDIO_END; only with no mean at all is
 * the first utterance decoded again as a whole. Real pocketsphinx in this thread, speech from espeak-ng.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { speak } from '../../test/fixtures/transcription/feed.js';
import { HOME_COMMANDS } from '../../test/fixtures/transcription/home-commands.js';
import { DEFAULT_POCKETSPHINX_MODEL, PocketsphinxEngine } from './engines/pocketsphinx.js';
import { PsDecoder } from './engines/pocketsphinx-decoder.js';
import { compileGrammar } from './grammar-engine.js';
import type { CompiledGrammar } from './types.js';

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

/** Counts calls of PsDecoder methods while `fn` runs. */
async function counting<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; whole: number; means: Float32Array[] }> {
  const proto = PsDecoder.prototype;
  const { processWhole, setMean } = proto;
  let whole = 0;
  const means: Float32Array[] = [];
  proto.processWhole = function (this: PsDecoder, s: Int16Array) {
    whole++;
    return processWhole.call(this, s);
  };
  proto.setMean = function (this: PsDecoder, v: Float32Array) {
    means.push(v);
    return setMean.call(this, v);
  };
  try {
    return { result: await fn(), whole, means };
  } finally {
    proto.processWhole = processWhole;
    proto.setMean = setMean;
  }
}

async function decode(board: string, adaptation?: number[]) {
  const clip = await speak('turn on the kitchen lights', { voice: 'en-us' });
  const rec = engine.acquire(board, adaptation);
  rec.start(grammar);
  for (let o = 0; o < clip.samples.length; o += 320) rec.accept(clip.samples.subarray(o, o + 320));
  const r = rec.finish();
  const mean = rec.adaptation?.();
  rec.release();
  return { r, mean };
}

test('a never-heard board handed the host prior streams from it and is decoded once', async () => {
  const warm = await decode('board-heard-before');
  assert.ok(warm.mean && warm.mean.length > 0, 'the decoder exposes its cepstral mean');
  const prior = warm.mean!.map((x) => x + 0.5);
  const { result, whole, means } = await counting(() => decode('board-new', prior));
  assert.equal(whole, 0, 'no batch re-decode of the first utterance');
  assert.ok(
    means.some((m) => m.every((x, k) => Math.abs(x - prior[k]!) < 1e-4)),
    'the decoder started from the prior it was handed',
  );
  assert.equal(result.r.text, 'turn on the kitchen lights');
});

test('with no mean at all (a host that has heard no board) the first utterance is decoded again as a whole', async () => {
  const first = await counting(() => decode('board-first-ever'));
  assert.equal(first.whole, 1, 'the batch re-decode of the only utterance nothing is known about');
  assert.equal(first.result.r.text, 'turn on the kitchen lights');
  // Its second utterance streams from its own mean (remembered by the engine): decoded once.
  const second = await counting(() => decode('board-first-ever'));
  assert.equal(second.whole, 0);
});
