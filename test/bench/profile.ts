/**
 * `npm run profile` — where the host's CPU goes under the 8-board load. Starts the full-pipeline host
 * (bench/pipeline/host-process.ts, assembled like `hark run`) with `node --cpu-prof`, which profiles
 * main and every worker thread (link worker, ASR workers, command workers, watchdog) and writes one
 * .cpuprofile per thread when the host exits; drives it with 8 emulated boards in another process
 * (spoken replies, each a new text as in the benchmark, and LED commands), then prints each thread's busy time and its
 * top functions by self time. The files stay in the printed folder for Chrome DevTools.
 *   --seconds N   length of the measured load (default 20)
 *   --top N       functions per thread (default 12)
 *   --json        one JSON object (threads with their top functions) on stdout instead of the table
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Fleet } from './pipeline/fleet.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ThreadProfile {
  thread: string;
  file: string;
  wallMs: number;
  /** Sampled time not idle (GC and "(program)" included): what the thread cost. */
  busyMs: number;
  gcMs: number;
  top: { fn: string; selfMs: number; pct: number }[];
}

const args = process.argv.slice(2);
const flag = (name: string, def: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
};

/** Names a thread by the worker entry file its profile runs (main has none of them). */
const THREADS: [RegExp, string][] = [
  [/host\/link\/worker\.js/, 'link worker'],
  [/host\/transcription\/worker\.js/, 'ASR worker'],
  [/host\/commands\/blocking-worker\.js/, 'command worker'],
  [/host\/commands\/watchdog-worker\.js/, 'watchdog'],
  [/host\/wyoming\/worker\.js/, 'wyoming worker'],
  [/host\/tts\/speech-worker\.js/, 'speech worker'],
];

function threadName(p: CpuProfile, tid: string): string {
  const urls = new Set(p.nodes.map((n) => n.callFrame.url));
  for (const [re, name] of THREADS) if ([...urls].some((u) => re.test(u))) return `${name} (thread ${tid})`;
  return tid === '0' ? 'main' : `thread ${tid}`;
}

const short = (url: string) => url.replace(/^file:\/\/.*?\/dist\//, '').replace(/^node:/, 'node:');

/** Self time per function (name + file:line), from the samples and their time deltas. */
export function summarise(
  p: CpuProfile,
  window: { fromUs: number; toUs: number },
  thread: string,
  file: string,
  topN: number,
): ThreadProfile {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let gc = 0;
  let at = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    at += p.timeDeltas[i] ?? 0;
    const us = p.timeDeltas[i + 1] ?? 0; // the delta after a sample is the time it stood for
    if (at < window.fromUs || at > window.toUs) continue; // start-up and shutdown are not the load
    const cf = byId.get(p.samples[i]!)?.callFrame;
    if (!cf || cf.functionName === '(idle)') continue;
    if (cf.functionName === '(garbage collector)') gc += us;
    const key =
      `${cf.functionName || '(anonymous)'} ${cf.url ? `${short(cf.url)}:${cf.lineNumber + 1}` : ''}`.trim();
    self.set(key, (self.get(key) ?? 0) + us);
  }
  const wallUs = Math.min(p.endTime, window.toUs) - Math.max(p.startTime, window.fromUs);
  const busyUs = [...self.values()].reduce((a, b) => a + b, 0);
  const top = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, topN)
    .map(([fn, us]) => ({
      fn,
      selfMs: Math.round(us / 100) / 10,
      pct: Math.round((us / busyUs) * 1000) / 10,
    }));
  return {
    thread,
    file,
    wallMs: Math.round(wallUs / 1000),
    busyMs: Math.round(busyUs / 1000),
    gcMs: Math.round(gc / 1000),
    top,
  };
}

/** Runs the load; returns its window on the host's profile clock. */
async function load(
  fleet: Fleet,
  seconds: number,
  log: (l: string) => void,
): Promise<{ fromUs: number; toUs: number }> {
  const eight = await fleet.add(8);
  await fleet.sayColour(eight, 0, { spreadMs: 500 }); // first utterances (decoders made): not the load
  await fleet.loopReset();
  const fromUs = await fleet.hostClockUs();
  const until = performance.now() + seconds * 1000;
  let round = 0;
  while (performance.now() < until) {
    // Two spoken rounds for one LED round: spoken replies are the heaviest thing a host does.
    if (round % 3 === 2) await fleet.sayColour(eight, round, { spreadMs: 500 });
    else await fleet.sayUniqueSpoken(eight, { spreadMs: 500 }); // each reply a new text: no cache hits
    round++;
  }
  const toUs = await fleet.hostClockUs();
  const loop = await fleet.loopRead();
  log(
    `${round} rounds of 8 boards; host main loop delay max ${loop.max.toFixed(1)} ms, p99 ${loop.p99.toFixed(1)} ms`,
  );
  return { fromUs, toUs };
}

const json = args.includes('--json');
const seconds = flag('--seconds', 20);
const topN = flag('--top', 12);
const log = (l: string) => process.stderr.write(`${l}\n`);
const dir = mkdtempSync(join(tmpdir(), 'hark-profile-'));
const fleet = await Fleet.start({ hostExecArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
let window = { fromUs: 0, toUs: Number.POSITIVE_INFINITY };
try {
  window = await load(fleet, seconds, log);
} finally {
  await fleet.stop();
}
const threads = readdirSync(dir)
  .filter((f) => f.endsWith('.cpuprofile'))
  .map((f) => {
    const p = JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile;
    const tid = f.split('.').at(-3) ?? '?';
    return summarise(p, window, threadName(p, tid), join(dir, f), topN);
  })
  .sort((a, b) => b.busyMs - a.busyMs);
if (json) process.stdout.write(`${JSON.stringify({ seconds, dir, threads })}\n`);
else {
  for (const t of threads) {
    // The watchdog sleeps inside Atomics.wait, which the sampler counts as running JS: it costs no CPU.
    const note = t.thread.startsWith('watchdog') ? ' — asleep in Atomics.wait, not CPU' : '';
    process.stdout.write(
      `\n${t.thread}: busy ${t.busyMs} ms of ${t.wallMs} ms (${Math.round((t.busyMs / t.wallMs) * 100)} %), GC ${t.gcMs} ms${note}\n`,
    );
    for (const f of t.top)
      process.stdout.write(`  ${String(f.selfMs).padStart(8)} ms ${String(f.pct).padStart(5)} %  ${f.fn}\n`);
  }
  process.stdout.write(`\nprofiles (open in Chrome DevTools → Performance): ${dir}\n`);
}
