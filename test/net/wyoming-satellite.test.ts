/**
 * Every board a Home Assistant satellite: a fake Home Assistant (test/net/wyoming-peer.ts, written
 * from the Wyoming docs and Home Assistant's satellite flow) connects to a board's satellite server
 * and runs whole pipelines against the real host: mic audio up, its transcript shown (not run
 * locally), its spoken reply played on the board's speaker, `played` back, LED states following,
 * timers ringing on the board that set them, errors, pause, takeover and malformed input.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import demo from '../../examples/typescript-starter/src/index.js';
import type { BoardObservation } from '../../host/cli/demo-harness.js';
import { Harness } from '../../host/cli/demo-harness.js';
import type { PipelineEvent } from '../../host/pipeline.js';
import { LedEffect } from '../../protocol/ts/messages.js';
import { addReadyBoard } from './helpers.js';
import { FakeHomeAssistant, rmsDb } from './wyoming-peer.js';

type Ev<K extends PipelineEvent['event']> = Extract<PipelineEvent, { event: K }>;
const of = <K extends PipelineEvent['event']>(h: Harness, kind: K, from = 0) =>
  h.events.slice(from).filter((e): e is Ev<K> => e.event === kind);

async function satelliteHost(uids: string[]) {
  const h = await Harness.start({
    commands: demo,
    asrThreads: 1,
    wyoming: {
      satellite: {
        enabled: true,
        host: '127.0.0.1',
        ports: Object.fromEntries(uids.map((u) => [u, 0])),
        areas: { [uids[0]!]: 'kitchen' },
      },
    },
  });
  const boards = [];
  for (const uid of uids) {
    const b = await addReadyBoard(h, { uid });
    const sat = await h.waitFor(`the satellite of ${uid}`, () =>
      h.pipeline.wyoming?.satellites.get(b.boardId),
    );
    boards.push({ ...b, port: sat.port });
  }
  return { h, boards };
}

const running = (h: Harness, boardId: string) =>
  h.waitFor(`${boardId} to run as a satellite`, () =>
    h.pipeline.wyoming?.satellites.get(boardId)?.active ? true : undefined,
  );

const EFFECT = Object.fromEntries(Object.entries(LedEffect).map(([k, v]) => [v, k.toLowerCase()]));

const ledsAfter = (h: Harness, boardId: string, at: number) =>
  h.received.filter((o: BoardObservation) => o.boardId === boardId && o.kind === 'led' && o.at >= at);

test('Home Assistant runs a whole pipeline through a board: audio up, transcript, reply on the speaker, played', async () => {
  const { h, boards } = await satelliteHost(['sat-1']);
  const [{ boardId, port }] = boards as [(typeof boards)[0]];
  const ha = await FakeHomeAssistant.connect(port);
  try {
    const info = await ha.start();
    const sat = info.data.satellite as Record<string, unknown>;
    assert.equal(sat.name, 'hark sat-1');
    assert.equal(sat.area, 'kitchen');
    assert.equal(sat.supports_trigger, true);
    assert.deepEqual((info.data.mic as { mic_format: unknown }[])[0]!.mic_format, {
      rate: 16000,
      width: 2,
      channels: 1,
    });
    assert.deepEqual((info.data.snd as { snd_format: unknown }[])[0]!.snd_format, {
      rate: 16000,
      width: 2,
      channels: 1,
    });
    await running(h, boardId);

    ha.runs.push({
      transcript: 'What is the weather like?',
      reply: 'It is sunny and 21 degrees',
      replyMs: 700,
    });
    const e0 = h.events.length;
    const t0 = performance.now();
    const played = ha.peer.next('played', 30_000);
    await h.say(boardId, 'what is the weather like');
    await played;
    await h.idleAfter(boardId, e0);

    const [up] = ha.audio;
    assert.ok(up, 'Home Assistant received the utterance');
    assert.deepEqual(up.run, { start_stage: 'asr', end_stage: 'tts', restart_on_end: false });
    const seconds = up.pcm.length / 32000;
    assert.ok(seconds > 1 && seconds < 6, `utterance of ${seconds.toFixed(2)} s`);
    assert.ok(rmsDb(up.pcm) > -45, `speech in the audio (${rmsDb(up.pcm).toFixed(1)} dBFS)`);
    const chunk = ha.peer.received.find((e) => e.type === 'audio-chunk');
    assert.deepEqual([chunk?.data.rate, chunk?.data.width, chunk?.data.channels], [16000, 2, 1]);

    const [t] = of(h, 'transcript', e0);
    assert.equal(t?.text, 'what is the weather like');
    assert.equal(t?.handledBy, 'homeassistant');
    assert.equal(of(h, 'command', e0).length, 0, 'Home Assistant handled it: no local command ran');
    const [r] = of(h, 'response', e0);
    assert.equal(r?.text, 'It is sunny and 21 degrees');
    const [speech] = of(h, 'speech', e0);
    assert.equal(speech?.durationMs, 700, "Home Assistant's 700 ms reply was played");
    assert.equal(speech?.result, 'finished');
    assert.ok(
      h.received.some((o) => o.boardId === boardId && o.kind === 'speaker' && o.at >= t0),
      'speaker frames reached the board',
    );
    // LED: listening (slow pulse), thinking (fast pulse), replying (solid), then idle (off).
    const sequence = () =>
      ledsAfter(h, boardId, t0).map((o) => `${EFFECT[o.detail.effect as number]}/${o.detail.periodMs ?? 0}`);
    const want = ['pulse/1000', 'pulse/300', 'solid/0', 'off/0'];
    const follows = () => {
      let i = 0;
      for (const l of sequence()) if (l === want[i]) i++;
      return i === want.length ? true : undefined;
    };
    await h.waitFor(`LED ${want.join(' → ')} (got ${sequence().join(' → ')})`, follows, 5000);
    assert.equal(of(h, 'error', e0).length, 0, JSON.stringify(of(h, 'error', e0)));
  } finally {
    ha.close();
    await h.close();
  }
});

test('timers ring on the board that set them, not on the other one', async () => {
  const { h, boards } = await satelliteHost(['sat-a', 'sat-b']);
  const [a, b] = boards as [(typeof boards)[0], (typeof boards)[0]];
  const haA = await FakeHomeAssistant.connect(a.port);
  const haB = await FakeHomeAssistant.connect(b.port);
  try {
    await haA.start();
    await haB.start();
    await running(h, a.boardId);
    await running(h, b.boardId);
    const t0 = performance.now();
    haA.peer.send('timer-started', { id: 't1', total_seconds: 300, name: 'pasta', start_minutes: 5 });
    await h.waitFor('the timer to be tracked', () =>
      of(h, 'net').find((e) => e.boardId === a.boardId && e.state === 'timer-started'),
    );
    assert.deepEqual(
      h.pipeline.wyoming!.satellites.get(a.boardId)!.timers.map((t) => [t.id, t.totalSeconds, t.name]),
      [['t1', 300, 'pasta']],
    );
    haA.peer.send('timer-finished', { id: 't1' });
    const alarm = await h.waitFor('the alarm on board A', () =>
      h.received.find((o) => o.boardId === a.boardId && o.kind === 'tone' && o.at >= t0),
    );
    const steps = alarm.detail.steps as { freqHz: number }[];
    assert.ok(
      steps.some((s) => s.freqHz === 1760),
      'the alarm earcon',
    );
    await h.waitFor('board A back to idle', () =>
      of(h, 'session').some((e) => e.boardId === a.boardId && / -> idle on reply\.done/.test(e.line))
        ? true
        : undefined,
    );
    assert.ok(
      !h.received.some((o) => o.boardId === b.boardId && o.kind === 'tone' && o.at >= t0),
      'board B stayed quiet',
    );
    assert.equal(h.pipeline.wyoming!.satellites.get(a.boardId)!.timers.length, 0);
  } finally {
    haA.close();
    haB.close();
    await h.close();
  }
});

test('an error from Home Assistant shows as the error state; pause sends utterances back to local commands', async () => {
  const { h, boards } = await satelliteHost(['sat-err']);
  const [{ boardId, port }] = boards as [(typeof boards)[0]];
  const ha = await FakeHomeAssistant.connect(port);
  try {
    await ha.start();
    await running(h, boardId);
    ha.runs.push({ transcript: '', error: { text: 'No text recognized', code: 'stt-no-text-recognized' } });
    const e0 = h.events.length;
    await h.say(boardId, 'turn the light on');
    const err = await h.waitFor('the remote error', () =>
      of(h, 'error', e0).find((e) => e.code === 'HARK_ERR_WYOMING_REMOTE'),
    );
    assert.match(err.message, /No text recognized \(stt-no-text-recognized\)/);
    await h.waitFor('the error state', () =>
      of(h, 'session', e0).some((e) => / -> error on failure/.test(e.line)) ? true : undefined,
    );
    await h.idleAfter(boardId, e0);

    ha.peer.send('pause-satellite');
    await h.waitFor('the satellite paused', () =>
      h.pipeline.wyoming!.satellites.get(boardId)!.active ? undefined : true,
    );
    const e1 = h.events.length;
    const heard = ha.audio.length;
    await h.say(boardId, 'turn the light on');
    await h.idleAfter(boardId, e1);
    assert.equal(of(h, 'command', e1)[0]?.command, 'lights', 'the local command ran');
    assert.equal(of(h, 'transcript', e1)[0]?.engine, 'pocketsphinx');
    assert.equal(ha.audio.length, heard, 'nothing went to Home Assistant while paused');
  } finally {
    ha.close();
    await h.close();
  }
});

test('describe works on any connection; a newer run-satellite takes over; malformed input closes only that connection', async () => {
  const { h, boards } = await satelliteHost(['sat-x']);
  const [{ boardId, port }] = boards as [(typeof boards)[0]];
  const first = await FakeHomeAssistant.connect(port);
  const second = await FakeHomeAssistant.connect(port);
  const rogue = await FakeHomeAssistant.connect(port);
  try {
    await first.start();
    await running(h, boardId);
    // A config-flow probe: describe only, on another connection, while the first one runs.
    second.peer.send('describe');
    await second.peer.next('info');
    assert.ok(h.pipeline.wyoming!.satellites.get(boardId)!.active);
    // Pings are answered (by the Wyoming worker, whatever main is doing).
    first.peer.send('ping', { text: 'hello?' });
    assert.equal((await first.peer.next('pong')).data.text, 'hello?');
    // Garbage on a third connection closes it with a clear error; the running one is untouched.
    const e0 = h.events.length;
    rogue.peer.socket.write('{"type": "audio-chunk", "payload_length": "lots"}\n');
    const err = await h.waitFor('the frame error', () =>
      of(h, 'error', e0).find((e) => e.code === 'HARK_ERR_WYOMING_FRAME'),
    );
    assert.match(err.message, /payload_length of 'audio-chunk' is "lots"/);
    await new Promise<void>((resolve) =>
      rogue.peer.socket.destroyed ? resolve() : rogue.peer.once('close', resolve),
    );
    assert.ok(h.pipeline.wyoming!.satellites.get(boardId)!.active);
    // The second connection takes over; the first is closed.
    const closed = new Promise<void>((resolve) => first.peer.once('close', resolve));
    second.peer.send('run-satellite');
    await closed;
    second.runs.push({ transcript: 'hello', reply: 'hi', replyMs: 200 });
    const played = second.peer.next('played', 30_000);
    await h.say(boardId, 'what time is it');
    await played;
    assert.equal(second.audio.length, 1);
    assert.equal(first.audio.length, 0);
  } finally {
    first.close();
    second.close();
    rogue.close();
    await h.close();
  }
});

test('a port already in use is reported with HARK_ERR_WYOMING_LISTEN naming the board', async () => {
  const { createServer } = await import('node:net');
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const taken = (blocker.address() as { port: number }).port;
  const h = await Harness.start({
    commands: demo,
    asrThreads: 1,
    wyoming: { satellite: { enabled: true, host: '127.0.0.1', ports: { 'sat-busy': taken } } },
  });
  try {
    const e0 = h.events.length;
    await addReadyBoard(h, { uid: 'sat-busy' });
    const err = await h.waitFor('the listen error', () =>
      of(h, 'error', e0).find((e) => e.code === 'HARK_ERR_WYOMING_LISTEN'),
    );
    assert.match(
      err.message,
      new RegExp(
        `board sat-busy: cannot listen for Home Assistant on 127\\.0\\.0\\.1:${taken} \\(EADDRINUSE\\)`,
      ),
    );
  } finally {
    await h.close();
    blocker.close();
  }
});
