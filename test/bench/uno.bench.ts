/**
 * The simulated Uno (boards/simavr): the real Uno image in libsimavr.
 * - uno_isr_cycles_max, uno_stack_margin_bytes, uno_ring_peak_pct: measured by the harness (Timer2 ISR
 *   from vector entry to RETI; stack from the stack-pointer low-water mark against the end of static
 *   data; the capture ring's peak fill) over a scripted workout — handshake, HELLOs, LED and TONE
 *   frames, a push-to-talk utterance with the microphone playing while 60 GPIO frames (40 of them
 *   answered by ERRORs) arrive unpaced, a PING flood, a reset. Scripted time: deterministic, so one run
 *   is the figure.
 * - uno_e2e_latency_ms_p50: real time, the whole host (pocketsphinx, the example pack): from the Uno
 *   sending AUDIO_END of "set the light to green" to the command's first response frame reaching the
 *   Uno's UART (its green LED frame). Both ends are stamped by the harness on the wall clock, so the
 *   figure includes the pty, the host and the line time of the response. The first utterance (cold
 *   decoder) is not counted.
 * - uno_tone_reply_ms_p50: the same for "what time is it", whose answer on a board without a speaker is
 *   the success TONE: it waits for the "stopped" earcon (150 ms) to finish playing (a TONE replaces
 *   the one playing, SPEC §4.5), so this is the earcon's length plus the host's time, by design.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav } from '../../base/audio/wav.js';
import { SimavrBoard, UNO_CAPTURE_RING_SAMPLES, VECTOR } from '../../boards/simavr/simavr-board.js';
import demo from '../../examples/typescript-starter/src/index.js';
import { Harness, spoken } from '../../host/cli/demo-harness.js';
import { AudioCodec, type HelloAck, LedEffect } from '../../protocol/ts/messages.js';
import type { BenchOptions } from './run.js';
import { percentile, round } from './stats.js';

const ACK: HelloAck = {
  type: 'HELLO_ACK',
  versionMajor: 1,
  versionMinor: 1,
  features: 0x1ff,
  audioCodec: AudioCodec.IMA_ADPCM,
  audioSampleRate: 8000,
  chunkMs: 20,
  heartbeatMs: 1000,
  flags: 0,
  hostSession: 1,
};

async function workout(dir: string, opts: BenchOptions): Promise<Record<string, number>> {
  const tone = Int16Array.from({ length: 16000 }, (_, i) =>
    Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)),
  );
  writeFileSync(join(dir, 'tone.wav'), encodeWav({ sampleRate: 8000, samples: tone }));
  const board = await SimavrBoard.start({ mode: 'scripted', wav: join(dir, 'tone.wav') });
  try {
    await board.runUntil('HELLO', 1200);
    await board.run(1500); // HELLOs while no host answers
    board.send(ACK);
    await board.run(100);
    board.send({ type: 'LED', index: 0, effect: 3, r: 200, g: 0, b: 0, periodMs: 400, durationMs: 0 });
    board.send({
      type: 'TONE',
      steps: [
        { freqHz: 880, durationMs: 60, volume: 60 },
        { freqHz: 1320, durationMs: 90, volume: 60 },
      ],
    });
    await board.run(200);
    board.press();
    board.play();
    await board.run(300);
    for (let i = 0; i < 40; i++) board.send({ type: 'GPIO_MODE', pin: 13, mode: 1 });
    for (let i = 0; i < 20; i++) board.send({ type: 'GPIO_WRITE', pin: 4, value: i & 1 });
    for (let i = 0; i < 30; i++) board.send({ type: 'PING', token: i + 1 });
    await board.run(900);
    board.release();
    await board.run(500);
    const { ringPeakSamples } = await board.measure(); // the firmware's own mark: a reset clears it
    board.reset();
    await board.runUntil('HELLO', 1200);
    board.resetHostSeq();
    board.send({ ...ACK, hostSession: 2 });
    await board.run(300);
    const m = await board.measure();
    const timer2 = m.isr[String(VECTOR.TIMER2_COMPA)]!;
    opts.log(
      `uno: stack margin ${m.stackMarginBytes} B (deepest: ${m.spMinChain.split('<').slice(0, 4).join(' < ')}), ` +
        `Timer2 ISR ≤ ${timer2.maxCycles} cycles (mean ${timer2.meanCycles}), ring peak ${ringPeakSamples}/${UNO_CAPTURE_RING_SAMPLES}`,
    );
    return {
      uno_isr_cycles_max: timer2.maxCycles,
      uno_stack_margin_bytes: m.stackMarginBytes,
      uno_ring_peak_pct: round((100 * ringPeakSamples) / UNO_CAPTURE_RING_SAMPLES, 1),
    };
  } finally {
    await board.close();
  }
}

async function latency(dir: string, opts: BenchOptions): Promise<Record<string, number>> {
  const reps = opts.quick ? 2 : 6; // of each text
  const board = await SimavrBoard.start({ mode: 'realtime' });
  const h = await Harness.start({ commands: demo, asrThreads: 1 });
  const latencies: number[] = [];
  const tones: number[] = [];
  try {
    const { boardId } = await h.pipeline.open({ path: board.hostPath!, profile: 'arduino-uno-electret' });
    const texts = ['set the light to green', 'what time is it'] as const;
    const wavs = new Map<string, string>();
    for (const text of texts) {
      const wav = join(dir, `${text.replace(/\W+/g, '-')}.wav`);
      writeFileSync(wav, encodeWav(await spoken(text)));
      wavs.set(text, wav);
    }
    for (let i = 0; i < 2 * (reps + 1); i++) {
      const text = texts[i % 2]!;
      board.loadWav(wavs.get(text)!);
      const e0 = h.events.length;
      const f0 = board.frames.length;
      const ended = board.waitFor<{ state: string }>('wav', (l) => l.state === 'ended', 60_000);
      board.press();
      board.play();
      await ended;
      board.release();
      await h.idleAfter(boardId, e0, 60_000);
      await board.reachedTime(board.now + 400_000); // the response has reached the UART
      const frames = board.frames.slice(f0);
      const end = frames.find((f) => f.dir === 'tx' && f.message?.type === 'AUDIO_END');
      const reply = frames.find((f) => {
        if (f.dir !== 'rx' || !end || f.t < end.t) return false;
        const m = f.message;
        return text === 'what time is it'
          ? m?.type === 'TONE' && m.steps[0]?.freqHz === 1047 // the success earcon
          : m?.type === 'LED' && m.effect === LedEffect.SOLID; // the Uno's one LED: thinking blinks
      });
      if (!end?.w || !reply?.w) {
        const got = frames.filter((f) => f.dir === 'rx' && end && f.t >= end.t).map((f) => f.message);
        opts.log(`uno: "${text}" ${i + 1}: no response (not recognised?), skipped: ${JSON.stringify(got)}`);
        continue;
      }
      const ms = (reply.w - end.w) / 1000;
      const warm = i >= 2; // the first of each: a cold decoder
      if (warm) (text === 'what time is it' ? tones : latencies).push(ms);
      opts.log(`uno: "${text}": AUDIO_END → response ${ms.toFixed(1)} ms${warm ? '' : ' (warm-up)'}`);
    }
    const m = await board.measure();
    opts.log(
      `uno: real-time lag ≤ ${(m.lagMaxUs / 1000).toFixed(1)} ms, ${(m.lagLostUs / 1000).toFixed(0)} ms lost to a starved CPU`,
    );
  } finally {
    await h.close();
    await board.close();
  }
  if (latencies.length === 0 || tones.length === 0)
    throw new Error('no utterance of the simulated Uno was answered');
  return {
    uno_e2e_latency_ms_p50: round(percentile(latencies, 50), 1),
    uno_tone_reply_ms_p50: round(percentile(tones, 50), 1),
  };
}

export async function run(opts: BenchOptions): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'hark-uno-bench-'));
  try {
    return { ...(await workout(dir, opts)), ...(await latency(dir, opts)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
