/**
 * Chaos module (issue 10): a whole host in a process of its own serving a healthy emulated board that
 * keeps speaking commands, next to (1) a board that floods PINGs and HELLOs and never reads, then (2) a
 * board that stops reading while the host has a lot to send it, each for 60 s (`quick`: 6 s); then
 * (3) `hark run` itself with a flooding, stalled port is stopped with SIGTERM.
 *   healthy_board_max_gap_s     longest gap between the healthy board's PING round trips (link helper's
 *                               pingLoop, every 20 ms) across both attacks                  target ≤ 1
 *   healthy_answers_missed      commands the healthy board spoke that got no response
 *   healthy_answer_ms_max       AUDIO end → response event, the slowest
 *   shutdown_s_stalled_port     `hark run`: SIGTERM → exit, a flooding board stalled       target ≤ 3
 *   shutdown_exit_code          … and its exit code (0 documented)
 *   host_crashes_attacks        host processes that exited without being asked            target 0
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { EmulatedBoard } from '../../boards/emulator/emulated-board.js';
import { PtyPair } from '../../boards/emulator/pty-pair.js';
import { spoken } from '../../host/cli/demo-harness.js';
import { type HostEvent, HostProcess } from './host-process.js';

type Log = (line: string) => void;
const FLOODER = new URL('./flooder.js', import.meta.url);
const MAIN = fileURLToPath(new URL('../../host/cli/main.js', import.meta.url));

/** The healthy board says "volume up" again and again until `stop()`; counts answers and their latency. */
function keepSpeaking(
  host: HostProcess,
  board: EmulatedBoard,
): { stop(): Promise<{ spoken: number; missed: number; maxMs: number }> } {
  let running = true;
  let said = 0;
  let missed = 0;
  let maxMs = 0;
  const loop = (async () => {
    const audio = await spoken('volume up');
    while (running) {
      board.setAudio(audio);
      const from = host.events.length;
      const r = await board.utter();
      if (r.interrupted) throw new Error(`the healthy board's utterance was cut off: ${JSON.stringify(r)}`);
      const ended = performance.now();
      said++;
      try {
        await host.next(
          'the answer to "volume up"',
          (e: HostEvent) => e.event === 'response' && e.boardId === board.uid,
          10_000,
          from,
        );
        maxMs = Math.max(maxMs, performance.now() - ended);
      } catch {
        missed++;
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { spoken: said, missed, maxMs: Math.round(maxMs) };
    },
  };
}

async function startFlooder(path: string, uid: string, answerPings = false): Promise<Worker> {
  const w = new Worker(FLOODER, { workerData: { path, uid, answerPings } });
  const [m] = (await Promise.race([
    once(w, 'message'),
    once(w, 'error').then(([e]) => Promise.reject(e)),
  ])) as [{ kind: string }];
  if (m.kind !== 'flooding') throw new Error(`flooder: ${JSON.stringify(m)}`);
  return w;
}

async function stopFlooder(w: Worker): Promise<number> {
  w.postMessage({ kind: 'stop' });
  const [m] = (await once(w, 'message')) as [{ sent: number }];
  await w.terminate();
  return m.sent;
}

const during = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function run(opts: { quick?: boolean; log?: Log } = {}): Promise<Record<string, number>> {
  const log = opts.log ?? (() => {});
  const seconds = opts.quick ? 6 : 60;
  const host = await HostProcess.start();
  const healthy = await EmulatedBoard.overPty({
    uid: 'chaos-healthy',
    speed: 1,
    bootNoise: false,
    helloIntervalMs: 200,
  });
  const floodPair = await PtyPair.create();
  const stallPair = await PtyPair.create();
  let maxGapMs = 0;
  let missed = 0;
  let answerMaxMs = 0;
  try {
    await host.request({ op: 'open', path: healthy.hostPath });

    // 1. A board that floods and never reads.
    const opened = host.request({ op: 'open', path: floodPair.hostPath, waitForBoard: true });
    const flooder = await startFlooder(floodPair.boardPath, 'chaos-flood');
    await opened;
    await host.request({ op: 'ping-start', boardId: 'chaos-healthy' });
    let speaking = keepSpeaking(host, healthy);
    await during(seconds * 1000); // the attack's length (a duration, not a wait for an event)
    const sent = await stopFlooder(flooder);
    let said = await speaking.stop();
    let gaps = await host.request<{ rounds: number; maxGapMs: number }>({
      op: 'ping-stop',
      boardId: 'chaos-healthy',
    });
    log(
      `flood: ${sent} frames in ${seconds} s; healthy board ${gaps.rounds} round trips, longest gap ${gaps.maxGapMs} ms; ${said.spoken} commands, ${said.missed} unanswered, slowest ${said.maxMs} ms`,
    );
    maxGapMs = Math.max(maxGapMs, gaps.maxGapMs);
    missed += said.missed;
    answerMaxMs = Math.max(answerMaxMs, said.maxMs);

    // 2. A board that answers PINGs, then stops reading while the host has a lot to send it.
    const opened2 = host.request({ op: 'open', path: stallPair.hostPath, waitForBoard: true });
    const staller = await startFlooder(stallPair.boardPath, 'chaos-stall', true);
    await opened2;
    await host.request({ op: 'ping-start', boardId: 'chaos-healthy' });
    speaking = keepSpeaking(host, healthy);
    const until = performance.now() + seconds * 1000;
    const blasts: Record<string, number> = {};
    while (performance.now() < until) {
      const counts = await host
        .request<Record<string, number>>({ op: 'blast', boardId: 'chaos-stall', count: 400, bytes: 240 })
        .catch(() => ({ 'not connected': 1 }));
      for (const [k, v] of Object.entries(counts)) blasts[k] = (blasts[k] ?? 0) + v;
      await during(500);
    }
    said = await speaking.stop();
    gaps = await host.request({ op: 'ping-stop', boardId: 'chaos-healthy' });
    log(
      `stall: blasts ${JSON.stringify(blasts)}; healthy board ${gaps.rounds} round trips, longest gap ${gaps.maxGapMs} ms; ${said.spoken} commands, ${said.missed} unanswered, slowest ${said.maxMs} ms`,
    );
    maxGapMs = Math.max(maxGapMs, gaps.maxGapMs);
    missed += said.missed;
    answerMaxMs = Math.max(answerMaxMs, said.maxMs);
    await stopFlooder(staller);
  } finally {
    await host.stop();
    await healthy.close();
    await floodPair.close();
    await stallPair.close();
  }
  const shutdown = await runShutdown(opts.quick ? 3 : 10, log);
  return {
    healthy_board_max_gap_s: Math.round(maxGapMs) / 1000,
    healthy_answers_missed: missed,
    healthy_answer_ms_max: answerMaxMs,
    shutdown_s_stalled_port: Math.round(shutdown.seconds * 100) / 100,
    shutdown_exit_code: shutdown.code ?? -1,
    host_crashes_attacks: (host.crashed ? 1 : 0) + (shutdown.crashed ? 1 : 0),
  };
}

/** `hark run` serving a healthy board and a flooding one that stopped reading; SIGTERM after `seconds`. */
async function runShutdown(
  seconds: number,
  log: Log,
): Promise<{ seconds: number; code: number | null; crashed: boolean }> {
  const healthy = await EmulatedBoard.overPty({
    uid: 'chaos-run-healthy',
    speed: 1,
    bootNoise: false,
    helloIntervalMs: 200,
  });
  const pair = await PtyPair.create();
  const child = spawn(
    process.execPath,
    [MAIN, 'run', '--json', '--port', healthy.hostPath, '--port', pair.hostPath],
    {
      env: { ...process.env, HARK_CONFIG_DIR: '/nonexistent/hark-chaos' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => {
    out = (out + b.toString()).slice(-200_000);
  });
  child.stderr.on('data', (b: Buffer) => {
    err = (err + b.toString()).slice(-20_000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('exit', (code, signal) => r({ code, signal })),
  );
  let crashed = false;
  let flooder: Worker | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (out.includes('"boardId":"chaos-run-healthy"')) resolve();
      };
      child.stdout.on('data', check);
      void exited.then(() => reject(new Error(`hark run exited early: ${err}`)));
    });
    flooder = await startFlooder(pair.boardPath, 'chaos-run-flood');
    await during(seconds * 1000);
    const t0 = performance.now();
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const r = await exited;
    clearTimeout(killer);
    const s = (performance.now() - t0) / 1000;
    log(
      `hark run: SIGTERM with a stalled flooding port → exit ${r.code ?? r.signal} after ${s.toFixed(2)} s`,
    );
    return { seconds: s, code: r.code, crashed };
  } catch (e) {
    crashed = true;
    log(`hark run failed: ${(e as Error).message}`);
    return { seconds: Number.NaN, code: null, crashed };
  } finally {
    if (flooder) await stopFlooder(flooder);
    if (child.exitCode === null) child.kill('SIGKILL');
    await healthy.close();
    await pair.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = await run({
    quick: process.argv.includes('--quick'),
    log: (l) => process.stderr.write(`${l}\n`),
  });
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}
