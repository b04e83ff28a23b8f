/**
 * Decoders a burst left in a worker's pool go back once the worker has decoded nothing for a while,
 * down to idleSpares — never while any stream still decodes — and are built again on demand.
 * Real pocketsphinx.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HOME_COMMANDS } from '../../../test/fixtures/transcription/home-commands.js';
import { compileGrammar } from '../grammar-engine.js';
import type { CompiledGrammar } from '../types.js';
import { DEFAULT_POCKETSPHINX_MODEL, PocketsphinxEngine } from './pocketsphinx.js';

const trims: { freed: number; atStep: string }[] = [];
let step = 'start';
let trimmed: (() => void) | undefined;
let engine: PocketsphinxEngine;
let grammar: CompiledGrammar;

before(() => {
  engine = new PocketsphinxEngine(DEFAULT_POCKETSPHINX_MODEL, 1e-30, {
    spareDecoders: 1,
    idleSpares: 1,
    idleTrimMs: 20,
    onTrim: (freed) => {
      trims.push({ freed, atStep: step });
      trimmed?.();
    },
  });
  grammar = compileGrammar(
    engine,
    { kind: 'compile', name: 'commands', spec: HOME_COMMANDS, freeFormFallback: false, rejection: true },
    1e-30,
  ).grammar;
});
// The engine's trim timer does not hold a worker's event loop open; this keeps the test's open.
const keepAlive = setInterval(() => {}, 60_000);
after(() => {
  clearInterval(keepAlive);
  engine.close();
});

const nextTrim = () => new Promise<void>((resolve) => (trimmed = resolve));

test('after a burst, the pool shrinks to its spares once the last stream is released', async () => {
  // The compile's own decoder use ends in a trim too (of nothing beyond the spare, or of its refill).
  if (trims.length === 0) await nextTrim();
  trims.length = 0;
  const burst = [1, 2, 3, 4].map((i) => {
    const r = engine.acquire(`board-${i}`);
    r.start(grammar);
    r.accept(new Int16Array(1600));
    return r;
  });
  const pooled = engine.decoderCount;
  assert.ok(pooled >= 4, `4 streams at once hold 4 decoders (${pooled} built)`);
  step = 'three released';
  for (const r of burst.slice(0, 3)) {
    r.finish();
    r.release();
  }
  const done = nextTrim();
  step = 'all released';
  burst[3]!.finish();
  burst[3]!.release();
  await done;
  // The timer of each release restarted; only the last one, with nothing decoding, trimmed.
  assert.deepEqual(
    trims.map((t) => t.atStep),
    ['all released'],
  );
  assert.equal(engine.decoderCount, 1, 'idleSpares: one decoder is kept through the idle period');
  // Everything beyond the spare went: the burst's decoders and any spare built while it ran.
  assert.ok(trims[0]!.freed >= pooled - 1, `freed ${trims[0]!.freed} of ${pooled}`);
  // The kept spare still decodes, and a new burst builds decoders again.
  const again = [5, 6].map((i) => {
    const r = engine.acquire(`board-${i}`);
    r.start(grammar);
    return r;
  });
  assert.ok(engine.decoderCount >= 2);
  for (const r of again) {
    r.finish();
    r.release();
  }
});
