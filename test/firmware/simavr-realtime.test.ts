/**
 * The real Uno image in the simulated Uno (boards/simavr), in real time on a pseudo-terminal against
 * the real host: the host's link opens the port (which resets the AVR, like an Uno's DTR line), the
 * whole pipeline with pocketsphinx hears the Uno's 8 kHz IMA-ADPCM from its ADC, and `hark run` with
 * the example pack drives a spare pin through johnny-five. Waits are on events: a pin state, a frame,
 * a pipeline event, the end of the microphone's WAV — never on a sleep.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { encodeWav } from '../../base/audio/wav.js';
import { getProfile } from '../../boards/profiles/profile-loader.js';
import { SimavrBoard, type SimFrame, type SimPinEvent } from '../../boards/simavr/simavr-board.js';
import demo from '../../examples/typescript-starter/src/index.js';
import { Harness, spoken } from '../../host/cli/demo-harness.js';
import { LinkManager } from '../../host/link/index.js';
import type { PipelineEvent } from '../../host/pipeline.js';
import { type JsonEvent, run } from '../helpers/child.js';
import { pingBarrier } from '../helpers/link.js';

const PROFILE = getProfile('arduino-uno-electret');
const LED_PIN = PROFILE.leds.pins.led!;
const PIEZO_PIN = PROFILE.speaker.pins!.tone!;
const MAIN = fileURLToPath(new URL('../../host/cli/main.js', import.meta.url));
const EXAMPLE_PACK = fileURLToPath(
  new URL('../../examples/typescript-starter/src/index.js', import.meta.url),
);

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'hark-simavr-rt-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Holds the button while the microphone plays `text` (espeak-ng, with silence around it), then lets go. */
async function pushToTalk(board: SimavrBoard, text: string): Promise<void> {
  const wav = join(dir, `${text.replace(/\W+/g, '-')}.wav`);
  writeFileSync(wav, encodeWav(await spoken(text)));
  board.loadWav(wav);
  const ended = board.waitFor<{ state: string }>('wav', (l) => l.state === 'ended', 60_000);
  board.press();
  board.play();
  await ended; // the speech and its trailing silence have played: longer than the 800 ms of a LONG
  board.release();
}

test('handshake with the real host link: opening the port resets the Uno, HELLO, HELLO_ACK, PING', async () => {
  const board = await SimavrBoard.start({ mode: 'realtime' });
  const link = await LinkManager.start();
  link.on('error', () => {});
  try {
    const reset = board.waitFor<{ cause: string }>('reset', (l) => l.cause === 'dtr', 30_000);
    // The firmware defers its LOG frames to a later loop pass with room on the line (hark_device_log.c),
    // so the transition's LOG may follow the PONG: wait for it, listening from before the handshake.
    const ready = board.waitFor<SimFrame>(
      'tx',
      (f) => f.message?.type === 'LOG' && f.message.text === 'link: AWAIT_ACK -> READY',
      30_000,
    );
    const info = await link.open({ path: board.hostPath!, profile: PROFILE.id });
    await reset;
    assert.equal(info.hello.boardModel, PROFILE.id);
    assert.equal(info.hello.maxRxPayload, PROFILE.maxRxPayload);
    assert.equal(info.hello.rxWindowBytes, 64, 'the Uno announces its 64-byte receive ring');
    // the harness reports a frame on its own stdout, which may lag the same bytes on the pty
    const pong = board.waitFor<SimFrame>('tx', (f) => f.message?.type === 'PONG', 30_000);
    await pingBarrier(link, info.boardId);
    await pong; // the Uno answered the host PING
    await ready; // the Uno logged its link's transition to READY
  } finally {
    await link.close();
    await board.close();
  }
});

describe('simulated Uno through the whole host: push-to-talk, pins, reset', () => {
  let h: Harness;
  let board: SimavrBoard;
  let boardId: string;
  before(async () => {
    board = await SimavrBoard.start({ mode: 'realtime', pinEdges: [PIEZO_PIN] });
    h = await Harness.start({ commands: demo, asrThreads: 1 });
    ({ boardId } = await h.pipeline.open({ path: board.hostPath!, profile: PROFILE.id }));
  });
  after(async () => {
    await h?.close();
    await board?.close();
  });

  const commandsSince = (from: number) =>
    h.events
      .slice(from)
      .filter((e): e is Extract<PipelineEvent, { event: 'command' }> => e.event === 'command');

  test('push-to-talk held past 800 ms, two commands twice each: every utterance is dispatched', async () => {
    const said = ['set the light to green', 'what time is it', 'set the light to green', 'what time is it'];
    const dispatched: string[] = [];
    for (const text of said) {
      const e0 = h.events.length;
      const f0 = board.frames.length;
      await pushToTalk(board, text);
      await h.idleAfter(boardId, e0, 60_000);
      assert.ok(
        board.sent('BUTTON', f0).some((b) => b.event === 4),
        `"${text}": the hold sent LONG`,
      );
      dispatched.push(...commandsSince(e0).map((c) => c.command));
    }
    assert.deepEqual(dispatched, ['light colour', 'what time is it', 'light colour', 'what time is it']);
  });

  test('the LED and piezo pins follow the frames the host sends', async () => {
    const f0 = board.frames.length;
    const p0 = board.pinLog.length;
    const e0 = h.events.length;
    await pushToTalk(board, 'what time is it');
    await h.idleAfter(boardId, e0, 60_000);
    // let everything sent play out: the last TONE's steps, then two blink periods of pin log
    const sent = () => board.frames.slice(f0).filter((f) => f.dir === 'rx');
    const tones = sent().filter((f) => f.message?.type === 'TONE');
    const last = tones.at(-1);
    const toneEnd =
      last?.message?.type === 'TONE'
        ? last.t + last.message.steps.reduce((ms, st) => ms + st.durationMs, 0) * 1000
        : 0;
    const seenUntil = Math.max(toneEnd, board.now) + 700_000;
    await board.reachedTime(seenUntil);
    const rx = sent().filter((f) => f.t < seenUntil);
    const pins = board.pinLog.slice(p0);
    const stateAt = (pin: number, t: number) =>
      board.pinLog.filter((p) => p.pin === pin && p.t <= t).at(-1)?.state;
    // every LED frame: solid lights the pin, off darkens it, a blink toggles it at its period
    const leds = rx.filter((f) => f.message?.type === 'LED');
    assert.ok(leds.length >= 2, 'listening and thinking LED states at least');
    for (const [i, f] of leds.entries()) {
      if (f.message?.type !== 'LED') continue;
      const next = leds[i + 1]?.t ?? seenUntil;
      const { effect, periodMs } = f.message;
      const settled = Math.min(next, f.t + 40_000); // one pin-log window later
      if (effect === 1 && next - f.t >= 40_000)
        assert.equal(stateAt(LED_PIN, settled), 'high', `solid LED at ${f.t} µs`);
      if (effect === 0 && next - f.t >= 40_000)
        assert.equal(stateAt(LED_PIN, settled), 'low', `LED off at ${f.t} µs`);
      if (effect === 2 && next - f.t > 2 * periodMs * 1000) {
        const toggles = pins.filter(
          (p) => p.pin === LED_PIN && p.t >= f.t && p.t < next && p.state !== 'osc',
        );
        assert.ok(
          toggles.length >= 2,
          `a ${periodMs} ms blink at ${f.t} µs toggles the pin: ${JSON.stringify(toggles)}`,
        );
      }
    }
    // every TONE frame: the piezo plays each of its steps, measured from the piezo pin's own edges
    // over the part of the step that the next TONE does not replace (SPEC §4.5: a new TONE replaces
    // the one playing), 5 ms in from either end (the firmware starts a TONE in the pass after its
    // frame arrives). Edges, not the 32 ms pin-log windows: a 60 ms step need not fill a window.
    assert.ok(tones.length >= 2, 'the listening and stopped earcons at least');
    const rising = (from: number, to: number) =>
      board.history
        .filter((l) => l.e === 'edge' && l.pin === PIEZO_PIN && l.level === 1)
        .map((l) => l.t as number)
        .filter((t) => t >= from && t < to);
    let checked = 0;
    for (const [i, f] of tones.entries()) {
      if (f.message?.type !== 'TONE') continue;
      const replaced = tones[i + 1]?.t ?? Infinity;
      let start = f.t;
      for (const step of f.message.steps) {
        const from = start + 5_000;
        const to = Math.min(start + step.durationMs * 1000, replaced) - 5_000;
        start += step.durationMs * 1000;
        if (to - from < 15_000) continue;
        const r = rising(from, to);
        if (step.freqHz === 0 || step.volume === 0) {
          assert.equal(r.length, 0, `a silent step of the TONE at ${f.t} µs is silent`);
          continue;
        }
        assert.ok(
          r.length >= 8,
          `the piezo plays ${step.freqHz} Hz after the TONE at ${f.t} µs (${r.length} edges)`,
        );
        // the mean period over the middle half of the window's edges: the firmware starts a TONE in a
        // later loop pass, so edges at either end may still belong to the neighbouring step, and one
        // period is quantised to the 125 µs sample tick (only the mean is the tone's frequency)
        const mid = r.slice(Math.floor(r.length / 4), Math.ceil((r.length * 3) / 4));
        const hz = ((mid.length - 1) * 1e6) / (mid.at(-1)! - mid[0]!);
        // On failure, say what the pin did around the step: which TONEs came when, and the periods.
        const around = () => {
          const near = tones.filter((x) => Math.abs(x.t - f.t) < 500_000).map((x) => x.t - f.t);
          const periods = r.slice(1).map((t, k) => t - r[k]!);
          return `TONE frames at ${JSON.stringify(near)} µs from it; the step's window ${from - f.t}..${to - f.t} µs; periods ${JSON.stringify(periods)} µs`;
        };
        assert.ok(
          Math.abs(hz - step.freqHz) / step.freqHz < 0.03,
          `piezo at ${hz.toFixed(1)} Hz, the TONE at ${f.t} µs asks ${step.freqHz} Hz (${around()})`,
        );
        checked++;
      }
    }
    assert.ok(checked >= 2, `${checked} tone steps long enough to measure`);
    assert.equal(stateAt(PIEZO_PIN, seenUntil), 'low', 'the piezo is silent once the earcons are over');
  });

  test("the command's success tone never cuts off the stopped earcon", async () => {
    const f0 = board.frames.length;
    const e0 = h.events.length;
    await pushToTalk(board, 'what time is it');
    await h.idleAfter(boardId, e0, 60_000);
    await board.reachedTime(board.now + 500_000);
    const tones = board.frames.slice(f0).filter((f) => f.dir === 'rx' && f.message?.type === 'TONE');
    for (const [i, f] of tones.entries()) {
      const next = tones[i + 1];
      if (!next || f.message?.type !== 'TONE') continue;
      const length = f.message.steps.reduce((ms, st) => ms + st.durationMs, 0) * 1000;
      // A real board's clock is the wall clock. The simulator's can fall behind it on a loaded
      // machine (it then loses the time, lagLostUs), which shortens the simulated gap although the
      // host waited: the gap a real board would see is the frames' wall-clock one.
      const gap = next.w !== undefined && f.w !== undefined ? next.w - f.w : next.t - f.t;
      assert.ok(
        gap >= length,
        `a TONE ${(gap / 1000).toFixed(1)} ms (simulated ${((next.t - f.t) / 1000).toFixed(1)} ms) into a ${length / 1000} ms one`,
      );
    }
  });

  test('pins the host set are restored after the board resets (nothing lost in the replay)', async () => {
    const io = h.pipeline.io(boardId);
    if (!io.isReady) await new Promise((r) => io.once('ready', r));
    const high = [4, 7, 11, 15]; // not 3: the example pack's light (its first spare output) lives there
    const low = [9, 10, 12];
    for (const p of high) io.digitalWrite(p, 1);
    for (const p of low) io.digitalWrite(p, 0);
    io.pwmWrite(5, 128);
    io.pwmWrite(6, 64);
    const expected = (p: number) => (high.includes(p) ? 'high' : low.includes(p) ? 'low' : 'osc');
    const pins = [...high, ...low, 5, 6];
    const allSet = () => pins.every((p) => board.pinState(p)?.state === expected(p));
    const settled = async (what: string) => {
      if (allSet()) return;
      await board
        .waitFor('pin', () => allSet(), 30_000)
        .catch(async (e: Error) => {
          const m = await board.measure();
          const states = pins.map((p) => `${p}:${board.pinState(p)?.state}`).join(' ');
          throw new Error(
            `${what}: ${states} (lost frames ${m.rxLostFrames}, lag lost ${m.lagLostUs} µs): ${e.message}`,
          );
        });
    };
    await settled('pins set by the host');
    const before = await board.measure();
    board.reset();
    await board.waitFor('pin', (p) => p.state === 'float', 10_000); // the reset released every pin
    await settled('pins after the reset');
    const afterReset = await board.measure();
    assert.equal(afterReset.rxLostFrames, 0, 'the replay lost no frame');
    assert.ok(afterReset.t > before.t);
  });
});

test('hark run with the example pack on the simulated Uno: the light on a spare pin, the host survives', async () => {
  const board = await SimavrBoard.start({ mode: 'realtime' });
  const child = run(
    process.execPath,
    [MAIN, 'run', '--json', '--port', board.hostPath!, '--profile', PROFILE.id, '--commands', EXAMPLE_PACK],
    { env: { ...process.env, HARK_CONFIG_DIR: join(dir, 'no-config') } },
  );
  const seen = (what: string, pred: (e: JsonEvent) => boolean, from = 0) =>
    child.event(pred, what, { from, timeoutMs: 90_000 });
  try {
    await seen('the board', (e) => e.event === 'board');
    const e0 = child.events().length;
    await pushToTalk(board, 'turn the light on');
    const cmd = await seen('the lights command', (e) => e.event === 'command', e0);
    assert.equal(cmd.command, 'lights');
    const lightPin = PROFILE.gpio.find((g) => g.caps.includes('output'))!.pin;
    await board.waitFor<SimPinEvent>('pin', (p) => p.pin === lightPin && p.state === 'high', 60_000);
    assert.notEqual(lightPin, PROFILE.buttons[0]!.pin, "the example's light is never the Uno's button");
    // the host is still serving: a second command is dispatched too
    const e1 = child.events().length;
    await pushToTalk(board, 'what time is it');
    const second = await seen('a second command', (e) => e.event === 'command', e1);
    assert.equal(second.command, 'what time is it');
    assert.equal(child.proc.exitCode, null, 'hark run is still running');
    assert.equal(await child.stop('SIGTERM'), 0, `exit code\n${child.transcript().slice(-2000)}`);
  } finally {
    if (child.proc.exitCode === null) child.proc.kill('SIGKILL');
    await board.close();
  }
});
