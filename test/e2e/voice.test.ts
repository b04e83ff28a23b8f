/**
 * End to end over a real pseudo-terminal with real recognition: an emulated board speaks espeak-ng
 * commands (push-to-talk and tap-to-talk), pocketsphinx transcribes them in ASR workers, commands
 * run, and the board receives LED, TONE, VOLUME and speaker frames.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import demo from '../../examples/typescript-starter/src/index.js';
import { type BoardObservation, Harness, spoken } from '../../host/cli/demo-harness.js';
import type { PipelineEvent } from '../../host/pipeline.js';
import { ButtonEvent } from '../../protocol/ts/messages.js';

let h: Harness;
let boardId: string;

before(async () => {
  h = await Harness.start({ commands: demo, asrThreads: 1 });
  ({ boardId } = await h.addBoard({ uid: 'e2e-voice', speed: 4 }));
});
after(async () => {
  await h?.close();
});

const commandsSince = (from: number) =>
  h.events
    .slice(from)
    .filter((e): e is Extract<PipelineEvent, { event: 'command' }> => e.event === 'command');
const seenSince = (from: number, kind: BoardObservation['kind']) =>
  h.received.slice(from).filter((o) => o.kind === kind);

test('a spoken command runs with its parameters and the board gets LED, tone and earcons', async () => {
  const e0 = h.events.length;
  const r0 = h.received.length;
  await h.say(boardId, 'set the light to green');
  await h.idleAfter(boardId, e0);
  const [fired] = commandsSince(e0);
  assert.equal(fired?.command, 'light colour');
  assert.deepEqual(fired?.params.color, { name: 'green', r: 0, g: 255, b: 0 });
  await h.waitFor(
    'a green LED on the board',
    () =>
      seenSince(r0, 'led').some(
        (o) => o.detail.effect === 1 && o.detail.r === 0 && o.detail.g === 255 && o.detail.b === 0,
      ) || undefined,
  );
  const leds = seenSince(r0, 'led').map((o) => `${o.detail.effect}/${o.detail.periodMs}`);
  assert.ok(
    leds.includes('3/1000') && leds.includes('3/300'),
    `listening and thinking LED states: ${leds.join(' ')}`,
  );
  assert.ok(seenSince(r0, 'tone').length >= 2, 'listening and stopped earcons');
});

test('a spoken answer streams to the board speaker with credit flow control', async () => {
  const e0 = h.events.length;
  const r0 = h.received.length;
  await h.say(boardId, 'what time is it');
  await h.idleAfter(boardId, e0);
  assert.equal(commandsSince(e0)[0]?.command, 'what time is it');
  await h.waitFor(
    'speech to finish on the board',
    () => seenSince(r0, 'speaker').some((o) => o.detail.event === 'finished') || undefined,
  );
  const speaker = seenSince(r0, 'speaker');
  assert.equal(speaker[0]?.detail.event, 'start');
  const bytes = speaker
    .filter((o) => o.detail.event === 'data')
    .reduce((n, o) => n + Number(o.detail.bytes), 0);
  assert.ok(bytes > 16000, `speech data received: ${bytes} bytes`);
  assert.ok(!speaker.some((o) => o.detail.event === 'overrun'), 'the board buffer never overran');
  const board = h.boards.get(boardId)!;
  const audio = board.speakerAudio();
  assert.ok(
    audio.samples.some((s) => Math.abs(s) > 1000),
    'the board played sound, not silence',
  );
});

test('follow-up: "set a timer" asks for how long, the answer is matched in that context', async () => {
  const e0 = h.events.length;
  const board = h.boards.get(boardId)!;
  await h.say(boardId, 'set a timer');
  board.setAudio(await spoken('for ten minutes'));
  await h.waitFor('two transcripts', () =>
    h.events.slice(e0).filter((e) => e.event === 'transcript').length >= 2 ? true : undefined,
  );
  await h.idleAfter(boardId, e0);
  const fired = commandsSince(e0);
  assert.deepEqual(
    fired.map((c) => c.command),
    ['set a timer', 'timer duration'],
  );
  assert.equal(fired[1]!.params.duration, 600_000);
  const listening = h.events
    .slice(e0)
    .filter((e) => e.event === 'listening')
    .map((e) => (e as { trigger: string }).trigger);
  assert.deepEqual(listening, ['push-to-talk', 'follow-up']);
});

test('tap-to-talk: a click opens a host capture that ends at the end of speech', async () => {
  const e0 = h.events.length;
  const r0 = h.received.length;
  const board = h.boards.get(boardId)!;
  board.setAudio(await spoken('volume down'));
  board.send({ type: 'BUTTON', button: 0, event: ButtonEvent.CLICK });
  await h.idleAfter(boardId, e0);
  await h.streamClosed(boardId); // the host's CAPTURE stop ends the board's stream after the answer
  assert.equal(commandsSince(e0)[0]?.command, 'volume down');
  assert.equal(seenSince(r0, 'capture')[0]?.detail.action, 1, 'the host asked the board to capture');
  await h.waitFor('VOLUME 60', () => seenSince(r0, 'volume').some((o) => o.detail.value === 60) || undefined);
});

test('pressing the button while the board speaks interrupts playback', async () => {
  const e0 = h.events.length;
  const r0 = h.received.length;
  const board = h.boards.get(boardId)!;
  const interruption = await spoken('volume up'); // synthesised first: the press must land while speaking
  await h.say(boardId, 'what time is it');
  await h.waitFor(
    'speech to start',
    () => seenSince(r0, 'speaker').some((o) => o.detail.event === 'start') || undefined,
  );
  board.setAudio(interruption);
  assert.ok(!board.streaming, 'the previous utterance has ended, so this press starts a new one');
  const said = await board.utter();
  assert.ok(!said.interrupted && said.chunks > 0, `the interruption streamed: ${JSON.stringify(said)}`);
  await h.waitFor(
    'the interrupted speech',
    () => h.events.slice(e0).some((e) => e.event === 'speech' && e.result === 'stopped') || undefined,
  );
  assert.ok(
    seenSince(r0, 'speaker').some((o) => o.detail.event === 'stopped'),
    'the board stopped playing',
  );
  await h.waitFor('the new command', () =>
    commandsSince(e0).some((c) => c.command === 'volume up') ? true : undefined,
  );
});
