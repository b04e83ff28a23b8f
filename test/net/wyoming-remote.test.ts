/**
 * The `wyoming` speech engine through the whole host: an emulated board on a pty, the real link and
 * ASR workers, and a Wyoming ASR/TTS server written in the test from the protocol's docs
 * (test/net/wyoming-peer.ts). The remote server answers; then it never answers, closes early, sends
 * garbage or is gone — and local pocketsphinx answers instead, reported once per outage.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import demo from '../../examples/typescript-starter/src/index.js';
import { Harness } from '../../host/cli/demo-harness.js';
import type { PipelineEvent } from '../../host/pipeline.js';
import { addReadyBoard } from './helpers.js';
import { FakeAsrServer, FakeTtsServer, rmsDb } from './wyoming-peer.js';

type Ev<K extends PipelineEvent['event']> = Extract<PipelineEvent, { event: K }>;
const of = <K extends PipelineEvent['event']>(h: Harness, kind: K, from = 0) =>
  h.events.slice(from).filter((e): e is Ev<K> => e.event === kind);

/** Real utterances (the health probe sends exactly 100 ms of silence). */
const spoken = (s: FakeAsrServer) => s.utterances.filter((u) => u.audio.length !== 3200);

test('a command utterance is transcribed by the Wyoming ASR server and runs; pocketsphinx is not used', async () => {
  const asr = await new FakeAsrServer().start();
  asr.texts = ['Turn the light on.'];
  const h = await Harness.start({
    commands: demo,
    asrThreads: 1,
    wyoming: { asr: { uri: asr.uri, responseTimeoutMs: 5000 } },
  });
  try {
    const { boardId } = await addReadyBoard(h, { uid: 'remote-1' });
    const e0 = h.events.length;
    await h.say(boardId, 'turn the light on');
    await h.idleAfter(boardId, e0);
    const [t] = of(h, 'transcript', e0);
    assert.equal(t?.engine, 'wyoming');
    assert.equal(t?.text, 'turn the light on', 'the server text, normalised');
    const [cmd] = of(h, 'command', e0);
    assert.equal(cmd?.command, 'lights');
    assert.deepEqual(cmd?.params, { state: true });
    const [u] = spoken(asr);
    assert.ok(u, 'the server received the utterance');
    assert.deepEqual(u.format, { rate: 16000, width: 2, channels: 1 });
    assert.equal(u.language, 'en');
    const seconds = u.audio.length / 32000;
    assert.ok(seconds > 1 && seconds < 5, `utterance of ${seconds.toFixed(2)} s`);
    assert.ok(rmsDb(u.audio) > -45, `speech in the audio (${rmsDb(u.audio).toFixed(1)} dBFS)`);
    const wy = h.pipeline.wyoming!;
    assert.deepEqual(wy.remoteAsr!.counts, { remote: 1, local: 0, fallbacks: 0 });
    assert.equal(of(h, 'error', 0).length, 0, JSON.stringify(of(h, 'error', 0)));
  } finally {
    await h.close();
    await asr.stop();
  }
});

for (const behaviour of ['never-answer', 'close-after-stop', 'garbage'] as const) {
  const label = {
    'never-answer': 'never answers',
    'close-after-stop': 'closes before its transcript',
    garbage: 'answers garbage',
  }[behaviour];
  test(`a server that ${label}: pocketsphinx finishes the utterance, said once`, async () => {
    const asr = await new FakeAsrServer().start();
    const h = await Harness.start({
      commands: demo,
      asrThreads: 1,
      wyoming: { asr: { uri: asr.uri, responseTimeoutMs: 600, backoff: { initialMs: 60_000 } } },
    });
    try {
      assert.equal(h.pipeline.wyoming!.remoteAsr!.state, 'up', 'the start-up probe found the server');
      asr.behaviour = behaviour;
      const { boardId } = await addReadyBoard(h, { uid: `remote-${behaviour}` });
      const e0 = h.events.length;
      await h.say(boardId, 'turn the light on');
      await h.idleAfter(boardId, e0);
      const [t] = of(h, 'transcript', e0);
      assert.equal(t?.engine, 'pocketsphinx', 'the local engine finished the utterance');
      assert.equal(of(h, 'command', e0)[0]?.command, 'lights');
      const down = of(h, 'error', e0).filter((e) => e.code === 'HARK_ERR_WYOMING_UNAVAILABLE');
      assert.equal(down.length, 1, JSON.stringify(of(h, 'error', e0)));
      const why = {
        'never-answer': /no transcript within 600 ms/,
        'close-after-stop': /closed the connection before a transcript/,
        garbage: /not UTF-8 JSON/,
      }[behaviour];
      assert.match(down[0]!.message, why);
      assert.match(down[0]!.message, /local pocketsphinx answers until it is back/);
      // The next utterance goes local at once: no new connection, no second report.
      const before = asr.connections;
      const e1 = h.events.length;
      await h.say(boardId, 'what time is it');
      await h.idleAfter(boardId, e1);
      assert.equal(of(h, 'transcript', e1)[0]?.engine, 'pocketsphinx');
      assert.equal(asr.connections, before, 'no connection attempt while the server is down');
      assert.equal(of(h, 'error', e1).filter((e) => e.code === 'HARK_ERR_WYOMING_UNAVAILABLE').length, 0);
      assert.deepEqual(h.pipeline.wyoming!.remoteAsr!.counts, { remote: 1, local: 1, fallbacks: 1 });
    } finally {
      await h.close();
      await asr.stop();
    }
  });
}

test('a server that is gone at start is reported once, probed with backoff, and used again when it is back', async () => {
  const asr = await new FakeAsrServer().start();
  const port = asr.port;
  await asr.stop();
  const h = await Harness.start({
    commands: demo,
    asrThreads: 1,
    wyoming: { asr: { uri: `tcp://127.0.0.1:${port}`, backoff: { initialMs: 100, maxMs: 400 } } },
  });
  const back = new FakeAsrServer();
  try {
    const wy = h.pipeline.wyoming!;
    assert.equal(wy.remoteAsr!.state, 'down');
    const down = await h.waitFor('the start-up report', () => {
      const d = of(h, 'error').filter((e) => e.code === 'HARK_ERR_WYOMING_UNAVAILABLE');
      return d.length ? d : undefined;
    });
    assert.equal(down.length, 1);
    assert.match(down[0]!.message, /ECONNREFUSED/);
    const { boardId } = await addReadyBoard(h, { uid: 'remote-gone' });
    const e0 = h.events.length;
    await h.say(boardId, 'turn the light on');
    await h.idleAfter(boardId, e0);
    assert.equal(of(h, 'transcript', e0)[0]?.engine, 'pocketsphinx');
    await back.start(port);
    back.texts = ['What time is it?'];
    await h.waitFor('the server to be found again', () =>
      of(h, 'net').some((e) => e.what === 'remote-asr' && e.state === 'up') ? true : undefined,
    );
    assert.ok(wy.remoteAsr!.health.probes >= 1);
    const e1 = h.events.length;
    await h.say(boardId, 'what time is it');
    await h.idleAfter(boardId, e1);
    const [t] = of(h, 'transcript', e1);
    assert.equal(t?.engine, 'wyoming');
    assert.equal(t?.text, 'what time is it');
    assert.equal(
      of(h, 'error').filter((e) => e.code === 'HARK_ERR_WYOMING_UNAVAILABLE').length,
      1,
      'one report for the whole outage',
    );
  } finally {
    await h.close();
    await back.stop().catch(() => {});
  }
});

test('spoken replies come from the Wyoming TTS server, and from espeak-ng when it stops answering', async () => {
  const tts = await new FakeTtsServer().start();
  tts.replyMs = 300;
  const h = await Harness.start({
    commands: demo,
    asrThreads: 1,
    wyoming: { tts: { uri: tts.uri, responseTimeoutMs: 800, backoff: { initialMs: 60_000 } } },
  });
  try {
    const { boardId } = await addReadyBoard(h, { uid: 'remote-tts' });
    const e0 = h.events.length;
    await h.say(boardId, 'what time is it');
    await h.idleAfter(boardId, e0);
    const [speech] = of(h, 'speech', e0);
    assert.ok(speech, 'a spoken reply');
    assert.equal(speech.durationMs, 300, "the server's 300 ms reply was played");
    assert.ok(
      tts.requests.some((r) => /^It is/.test(r)),
      JSON.stringify(tts.requests),
    );
    tts.behaviour = 'never-answer';
    const e1 = h.events.length;
    await h.say(boardId, 'what time is it');
    await h.idleAfter(boardId, e1);
    const [local] = of(h, 'speech', e1);
    assert.ok(local && local.durationMs !== 300, 'espeak-ng spoke instead');
    const down = of(h, 'error', e1).filter((e) => e.code === 'HARK_ERR_WYOMING_UNAVAILABLE');
    assert.equal(down.length, 1);
    assert.match(down[0]!.message, /espeak-ng answers until it is back/);
    assert.deepEqual(h.pipeline.wyoming!.remoteTts!.counts, { remote: 1, local: 1 });
  } finally {
    await h.close();
    await tts.stop();
  }
});

test('Wyoming options that cannot work are refused at start with HARK_ERR_WYOMING_CONFIG', async () => {
  for (const [uri, re] of [
    ['http://host:10300', /must be tcp:\/\/HOST:PORT/],
    ['tcp://host', /must be tcp:\/\/HOST:PORT/],
    ['not a uri', /is not a URI/],
  ] as const) {
    await assert.rejects(
      Harness.start({ commands: demo, asrThreads: 1, wyoming: { asr: { uri } } }),
      (e: Error & { code?: string }) => e.code === 'HARK_ERR_WYOMING_CONFIG' && re.test(e.message),
      uri,
    );
  }
});
