/**
 * TranscriptionService behaviour around the happy path: early ends, disconnects, cancellation, a
 * crashing worker, concurrency, grammar reports and errors, engine choice and wake streams.
 * Real pocketsphinx in real worker threads throughout.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isHarkError } from '../../base/errors.js';
import { end, feed, feedAll, type SpokenClip, speak } from '../../test/fixtures/transcription/feed.js';
import { HOME_COMMANDS } from '../../test/fixtures/transcription/home-commands.js';
import { FAULTY_WORKER_URL } from '../../test/fixtures/transcription/worker-urls.js';
import type { GrammarSpec } from '../grammar/spec.js';
import { selectEngine } from './engine-select.js';
import { TranscriptionService } from './service.js';
import type { LoadProgress } from './types.js';

let svc: TranscriptionService;
const progress: LoadProgress[] = [];
let clip: SpokenClip;

before(async () => {
  svc = await TranscriptionService.create({
    engine: 'auto',
    threads: 2,
    workerUrl: FAULTY_WORKER_URL,
    onProgress: (p) => progress.push(p),
  });
  await svc.setGrammar('commands', HOME_COMMANDS);
  clip = await speak('open the garage door');
});
after(() => svc.close());

const open = (boardId: string, extra: object = {}) =>
  svc.openStream({ boardId, grammar: 'commands', codec: clip.codec, sampleRate: clip.sampleRate, ...extra });

test('create() reports engine choice, each worker loading its model, then ready; setGrammar its size', () => {
  assert.equal(svc.engine, 'pocketsphinx');
  assert.equal(progress[0]?.stage, 'engine');
  assert.match(progress[0]!.message, /pocketsphinx/);
  assert.deepEqual(
    progress.filter((p) => p.stage === 'worker').map((p) => p.loaded),
    [1, 2],
  );
  const ready = progress.findIndex((p) => p.stage === 'ready');
  assert.equal(ready, progress.length - 2, 'ready, then the grammar compiled after create()');
  const g = progress.at(-1)!;
  assert.equal(g.stage, 'grammar');
  assert.equal(g.report?.name, 'commands');
  // One size per command (the home grammar's 10 top-level rules), every one of them a finite count.
  assert.equal(g.report?.rules.length, HOME_COMMANDS.root.length);
  assert.ok(g.report!.rules.every((r) => Number.isFinite(r.phrases) && r.phrases >= 1));
  assert.match(g.message, /grammar 'commands': \d+ phrases, \d+ dictionary entries — lights \d+ phrases/);
});

test('a stream that ends early, or with no audio at all, still gets a final transcript', async () => {
  const s1 = open('early');
  feed(s1, clip, 0, Math.floor(clip.blocks.length * 0.4));
  end(s1);
  const t1 = await s1.result;
  assert.equal(t1.endedBy, 'end');
  assert.notEqual(t1.text, 'open the garage door');
  assert.ok(Math.abs(t1.audioMs - Math.floor(clip.blocks.length * 0.4) * 16) < 40, `audioMs ${t1.audioMs}`);
  const s2 = open('empty');
  end(s2);
  const t2 = await s2.result;
  assert.equal(t2.text, '');
  assert.equal(t2.audioMs, 0);
  // Never silent: both carry a verdict (the second one heard nothing at all).
  assert.equal(t2.verdict, 'rejected');
  assert.equal(t2.rejectReason, 'no-speech');
  assert.equal(t2.confidence, 0);
  assert.ok(t1.verdict === 'accepted' || t1.verdict === 'rejected');
  assert.ok(t1.confidence >= 0 && t1.confidence <= 1);
});

test("a board disconnecting mid-utterance ('abort') fails the stream with a clear error and frees its recognizer", async () => {
  const s = open('gone');
  const errors: unknown[] = [];
  s.on('error', (e) => errors.push(e));
  feed(s, clip, 0, 20);
  s.port.postMessage({ kind: 'abort', stream: 1, reason: 'disconnected' });
  await assert.rejects(
    s.result,
    (e) => isHarkError(e, 'HARK_ERR_TRANSCRIPTION_ABORTED') && /gone.*disconnected/.test(e.message),
  );
  assert.equal(errors.length, 1);
  // The same board speaks again right away and is understood.
  const again = open('gone');
  feedAll(again, clip);
  const t = await again.result;
  assert.equal(t.text, 'open the garage door');
  // The segment features the confidence came from travel with it (hark explain prints them).
  assert.equal(t.scores?.words, 4);
  assert.ok(t.scores!.coverage! > 0 && t.scores!.coverage! <= 1, `coverage ${t.scores?.coverage}`);
  assert.ok(t.scores!.voicedMs! > 300 && t.scores!.voicedMs! < t.audioMs, `voiced ${t.scores?.voicedMs}`);
});

test('cancel() rejects the result at once and the service keeps serving', async () => {
  const s = open('cancelled');
  feed(s, clip, 0, 10);
  s.cancel('user pressed the button again');
  await assert.rejects(
    s.result,
    (e) => isHarkError(e, 'HARK_ERR_TRANSCRIPTION_ABORTED') && /pressed the button/.test(e.message),
  );
  assert.ok(s.finished);
  const next = open('cancelled');
  feedAll(next, clip);
  assert.equal((await next.result).text, 'open the garage door');
});

test('a crashing ASR worker fails its stream with HARK_ERR_TRANSCRIPTION_WORKER; the pool replaces it', async () => {
  const s = open('crash-after-5');
  feed(s, clip, 0, 10);
  await assert.rejects(
    s.result,
    (e) => isHarkError(e, 'HARK_ERR_TRANSCRIPTION_WORKER') && /crash/.test(e.message),
  );
  // Both workers (one of them new, model reloaded) decode again.
  const after = await Promise.all(
    ['crash-a', 'crash-b', 'crash-c'].map(async (b) => {
      const x = open(b);
      feedAll(x, clip);
      return (await x.result).text;
    }),
  );
  assert.deepEqual(after, ['open the garage door', 'open the garage door', 'open the garage door']);
});

test('8 concurrent streams are decoded independently', async () => {
  const texts = [
    'turn on the kitchen lights',
    'set a timer for twenty five minutes',
    'what is the weather like',
    'lock the front door',
    'play the radio',
    'set the volume to fifty',
    'cancel the timer',
    'close the blinds',
  ];
  const clips = await Promise.all(texts.map((t) => speak(t)));
  const streams = clips.map((_, i) => open(`many-${i}`));
  // Interleave the chunks the way eight boards' audio would arrive.
  const longest = Math.max(...clips.map((c) => c.blocks.length));
  for (let b = 0; b < longest; b++) {
    clips.forEach((c, i) => {
      if (b < c.blocks.length) feed(streams[i]!, c, b, b + 1);
    });
  }
  for (const s of streams) end(s);
  const results = await Promise.all(streams.map((s) => s.result));
  const exact = results.filter((r, i) => r.text === texts[i]).length;
  assert.ok(exact >= 7, `only ${exact}/8 exact: ${JSON.stringify(results.map((r) => r.text))}`);
});

test('setGrammar reports words the model lacks, drops only the phrases that need them, rejects bad specs', async () => {
  const spec: GrammarSpec = {
    rules: {
      a: {
        kind: 'seq',
        items: [
          { kind: 'word', word: 'open' },
          { kind: 'word', word: 'the' },
          {
            kind: 'alt',
            options: [
              { kind: 'word', word: 'window' },
              { kind: 'word', word: 'zorblax' },
            ],
          },
        ],
      },
      b: {
        kind: 'seq',
        items: [
          { kind: 'word', word: 'frobnicate' },
          { kind: 'word', word: 'it' },
        ],
      },
    },
    root: ['a', 'b'],
    vocabulary: ['frobnicate', 'it', 'open', 'the', 'window', 'zorblax'],
  };
  const report = await svc.setGrammar('partial-words', spec);
  assert.deepEqual(report.missingWords, ['frobnicate', 'zorblax']);
  await assert.rejects(
    svc.setGrammar('nothing-left', { rules: { b: spec.rules['b']! }, root: ['b'], vocabulary: [] }),
    (e) => isHarkError(e, 'HARK_ERR_TRANSCRIPTION_GRAMMAR') && /frobnicate/.test(e.message),
  );
  await assert.rejects(
    svc.setGrammar('cycle', {
      rules: { a: { kind: 'ref', rule: 'b' }, b: { kind: 'ref', rule: 'a' } },
      root: ['a'],
      vocabulary: [],
    }),
    (e) => isHarkError(e, 'HARK_ERR_TRANSCRIPTION_GRAMMAR') && /cycle/.test(e.message),
  );
  assert.throws(
    () => svc.openStream({ boardId: 'x', grammar: 'nope', codec: 0, sampleRate: 16000 }),
    (e) => isHarkError(e, 'HARK_ERR_TRANSCRIPTION_GRAMMAR') && /setGrammar\('nope'/.test(e.message),
  );
  assert.throws(
    () => svc.openStream({ boardId: 'x', grammar: 'commands', codec: 0, sampleRate: 1000 }),
    (e) => isHarkError(e, 'HARK_ERR_TRANSCRIPTION_AUDIO'),
  );
});

test('a hands-free stream: keyphrase search, then the command grammar, then back to the keyphrase', async () => {
  await svc.setGrammar(
    'wake',
    { rules: { w: { kind: 'word', word: 'computer' } }, root: ['w'], vocabulary: ['computer'] },
    { keyphrase: true },
  );
  const talk = await speak('good morning. computer, turn on the kitchen lights', { tailMs: 1500 });
  const s = svc.openStream({
    boardId: 'handsfree',
    grammar: 'wake',
    afterWake: 'commands',
    codec: talk.codec,
    sampleRate: talk.sampleRate,
  });
  const wakes: { phrase: string; atMs: number }[] = [];
  const finals: string[] = [];
  s.on('wake', (w: { phrase: string; atMs: number }) => wakes.push(w));
  s.on('final', (t: { text: string }) => finals.push(t.text));
  feedAll(s, talk);
  const t = await s.result;
  assert.equal(wakes.length, 1);
  assert.equal(wakes[0]!.phrase, 'computer');
  assert.ok(wakes[0]!.atMs > 900, `wake at ${wakes[0]!.atMs} ms: after "good morning"`);
  assert.deepEqual(finals, ['turn on the kitchen lights']);
  assert.equal(t.text, 'turn on the kitchen lights');
  assert.ok(
    (t.words?.[0]?.startMs ?? 0) >= wakes[0]!.atMs - 200,
    'command word times count from the stream start',
  );
});

test('engine choice: one clear error naming both engines and the commands to get them', () => {
  assert.throws(
    () => selectEngine({ engine: 'auto', pocketsphinxModel: '/nonexistent/model' }),
    (e) =>
      isHarkError(e, 'HARK_ERR_TRANSCRIPTION_NO_ENGINE') &&
      /apt-get install libpocketsphinx3 pocketsphinx-en-us/.test(e.message) &&
      /vosk-model-small-en-us/.test(e.message),
  );
  assert.throws(
    () => selectEngine({ engine: 'pocketsphinx', pocketsphinxModel: '/nonexistent/model' }),
    (e) => isHarkError(e, 'HARK_ERR_TRANSCRIPTION_POCKETSPHINX') && /\/nonexistent\/model/.test(e.message),
  );
  assert.throws(
    () => selectEngine({ engine: 'whisper' as 'auto' }),
    (e) => isHarkError(e, 'HARK_ERR_TRANSCRIPTION_CONFIG'),
  );
  assert.throws(
    () => selectEngine({ pocketsphinxArgs: { '-hmm': '/x' } }),
    (e) => isHarkError(e, 'HARK_ERR_TRANSCRIPTION_CONFIG'),
  );
  assert.equal(selectEngine({}).engine, 'pocketsphinx');
});

test('workerInfo() reports each worker and its memory', async () => {
  const info = await svc.workerInfo();
  assert.ok(info.length >= 1);
  for (const i of info) assert.ok(i.rssMb > 20 && i.engine === 'pocketsphinx');
});
