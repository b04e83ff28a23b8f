/**
 * Beyond one host (issue 16), through the whole host with an emulated board streaming in real time
 * over a pty:
 * - `wyoming_remote_asr_e2e_ms_p50`: the board's AUDIO_END → the command's first response frame (its
 *   LED colour) back at the board, recognition done by a loopback Wyoming ASR server (the test peer,
 *   test/net/wyoming-peer.ts, which answers at once: this is hark's own cost, not a recogniser's).
 * - `mqtt_event_latency_ms_p50`: the transcript event on main → the transcript message at an MQTT
 *   subscriber, through Debian's mosquitto on loopback.
 * - `dashboard_update_ms_p95`: the transcript event on main → the transcript visible in the page, in
 *   Debian's Chromium (a MutationObserver in the page stamps it; both clocks are the same wall clock).
 * - `arbitration_window_ms`: in a room of three boards that all hear the command, how long the
 *   answering board's claim waited for the decision (median).
 */
import { EventEmitter } from 'node:events';
import mqtt from 'mqtt';
import demo from '../../examples/typescript-starter/src/index.js';
import { Harness, spoken } from '../../host/cli/demo-harness.js';
import type { PipelineEvent } from '../../host/pipeline.js';
import { launchChromium } from '../net/browser.js';
import { Mosquitto } from '../net/mosquitto.js';
import { FakeAsrServer } from '../net/wyoming-peer.js';
import type { BenchOptions } from './run.js';
import { median, percentile, round } from './stats.js';

// Runs inside the page; the DOM's types are not part of this project.
declare const document: {
  querySelector(s: string): unknown;
};
declare class MutationObserver {
  constructor(cb: () => void);
  observe(target: unknown, opts: { childList: boolean; subtree: boolean }): void;
}
declare const window: { __seen: { text: string; t: number }[] };

const COLORS: [string, [number, number, number]][] = [
  ['red', [255, 0, 0]],
  ['green', [0, 255, 0]],
  ['blue', [0, 0, 255]],
];
const wall = () => performance.timeOrigin + performance.now();

async function remoteMqttDashboard(opts: BenchOptions) {
  const reps = opts.quick ? 3 : 12;
  const asr = await new FakeAsrServer().start();
  const broker = await Mosquitto.start();
  const h = await Harness.start({
    commands: demo,
    asrThreads: 1,
    wyoming: { asr: { uri: asr.uri } },
    mqtt: { url: broker.url, countersIntervalMs: 0, discoveryPrefix: '' },
    dashboard: { port: 0 },
  });
  const browser = await launchChromium();
  const sub = await mqtt.connectAsync(broker.url);
  const e2e: number[] = [];
  const mqttMs: number[] = [];
  const dashMs: number[] = [];
  try {
    const got = new EventEmitter();
    sub.on('message', (_t, payload) =>
      got.emit('m', { text: JSON.parse(payload.toString()).text as string, at: performance.now() }),
    );
    await sub.subscribeAsync('hark/+/transcript', { qos: 1 });
    const page = await browser.context.newPage();
    await page.goto(h.pipeline.dashboard!.url);
    await page.waitForSelector('#conn.live');
    await page.evaluate(() => {
      window.__seen = [];
      const list = document.querySelector('#transcripts');
      new MutationObserver(() => {
        const li = (list as { querySelector(s: string): { textContent: string } | null }).querySelector(
          'li.transcript .text',
        );
        if (li) window.__seen.push({ text: li.textContent, t: performance.timeOrigin + performance.now() });
      }).observe(list, { childList: true, subtree: true });
    });
    const { boardId, board } = await h.addBoard({ uid: 'bench-net', speed: 1 });
    for (let i = -1; i < reps; i++) {
      const [name, [r, g, b]] = COLORS[(i + 3) % COLORS.length]!;
      const text = `set the light to ${name}`;
      const since = wall();
      asr.texts.push(text);
      const e0 = h.events.length;
      const r0 = h.received.length;
      let endAt = 0;
      board.once('stream-end', () => {
        endAt = performance.now();
      });
      const heard = new Promise<{ at: number; wallAt: number }>((resolve) => {
        const on = (e: PipelineEvent) => {
          if (e.event !== 'transcript' || e.text !== text) return;
          h.pipeline.off('event', on);
          resolve({ at: performance.now(), wallAt: wall() });
        };
        h.pipeline.on('event', on);
      });
      const atSubscriber = new Promise<number>((resolve) => {
        const on = (m: { text: string; at: number }) => {
          if (m.text !== text) return;
          got.off('m', on);
          resolve(m.at);
        };
        got.on('m', on);
      });
      board.setAudio(await spoken(text));
      await board.utter();
      const t = await heard;
      const led = await h.waitFor(`the ${name} LED`, () =>
        h.received
          .slice(r0)
          .find(
            (o) =>
              o.kind === 'led' && o.at >= endAt && o.detail.r === r && o.detail.g === g && o.detail.b === b,
          ),
      );
      const subAt = await atSubscriber;
      const shown = await page.waitForFunction(
        ([want, after]) => window.__seen.find((s) => s.text === `"${want}"` && s.t > after)?.t,
        [text, since] as const,
      );
      const shownAt = Number(await shown.jsonValue());
      await h.idleAfter(boardId, e0);
      if (i < 0) continue; // warm-up
      e2e.push(led.at - endAt);
      mqttMs.push(subAt - t.at);
      dashMs.push(shownAt - t.wallAt);
    }
  } finally {
    await sub.endAsync();
    await browser.close();
    await h.close();
    await broker.close();
    await asr.stop();
  }
  opts.log(`  remote ASR e2e ${e2e.map((v) => v.toFixed(1)).join(' ')} ms`);
  opts.log(
    `  mqtt ${mqttMs.map((v) => v.toFixed(2)).join(' ')} ms; dashboard ${dashMs.map((v) => v.toFixed(1)).join(' ')} ms`,
  );
  return {
    wyoming_remote_asr_e2e_ms_p50: round(median(e2e), 1),
    mqtt_event_latency_ms_p50: round(median(mqttMs), 2),
    dashboard_update_ms_p95: round(percentile(dashMs, 95), 1),
  };
}

async function arbitration(opts: BenchOptions) {
  const reps = opts.quick ? 2 : 6;
  const h = await Harness.start({
    commands: demo,
    asrThreads: 2,
    rooms: { rooms: { bench: ['r1', 'r2', 'r3'] } },
  });
  const waits: number[] = [];
  try {
    const boards = [];
    for (const uid of ['r1', 'r2', 'r3']) boards.push(await h.addBoard({ uid, speed: 1 }));
    const speech = await spoken('turn the light on');
    for (let i = 0; i < reps; i++) {
      const e0 = h.events.length;
      const loud = i % 3;
      await Promise.all(
        boards.map(async ({ board }, j) => {
          const gain = j === loud ? 1 : 0.4;
          board.setAudio({
            sampleRate: speech.sampleRate,
            samples: Int16Array.from(speech.samples, (s) => Math.round(s * gain)),
          });
          await board.utter();
        }),
      );
      await Promise.all(boards.map(({ boardId }) => h.idleAfter(boardId, e0)));
      const w = h.pipeline.rooms!.waits.filter((x) => x.won).at(-1);
      if (w) waits.push(w.ms);
    }
  } finally {
    await h.close();
  }
  opts.log(`  arbitration: winner waited ${waits.map((v) => v.toFixed(1)).join(' ')} ms`);
  return { arbitration_window_ms: round(median(waits), 1) };
}

export async function run(opts: BenchOptions): Promise<Record<string, number>> {
  return { ...(await remoteMqttDashboard(opts)), ...(await arbitration(opts)) };
}
