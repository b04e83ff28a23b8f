/**
 * The full pipeline as two processes: a host (host-process.ts, assembled like `hark run`) and its
 * boards (boards-process.ts, emulated boards over real ptys), driven from the benchmark's own process,
 * which only orchestrates and reads the host's memory from /proc. Used by pipeline.bench.ts and by
 * `npm run profile` (which starts the host with --cpu-prof).
 */
import { readFileSync } from 'node:fs';
import { ConfigStore } from '../../../host/config/index.js';
import { LedEffectNames } from '../../../protocol/ts/messages.js';
import type { BoardsCall, LedMatch, UtterRequest, UtterResult } from './boards-process.js';
import type { HostCall, HostCounters, LoopFigures } from './host-process.js';
import { ChildRpc } from './ipc.js';

/** The "thinking" LED exactly as the default config shows it (the session's acknowledgement). */
export function thinkingLed(): LedMatch {
  const base = new ConfigStore({ cwd: '/nonexistent/hark-bench', configName: 'none' }).resolve();
  const t = base.leds.thinking;
  return { effect: LedEffectNames.id(t.effect)!, ...t.color, periodMs: t.periodMs };
}

/** Colour commands whose LED can't be mistaken for a session state's (thinking and replying are blue). */
export const COLOURS: { name: string; led: LedMatch }[] = [
  { name: 'red', led: { effect: LedEffectNames.id('solid')!, r: 255, g: 0, b: 0 } },
  { name: 'green', led: { effect: LedEffectNames.id('solid')!, r: 0, g: 255, b: 0 } },
  { name: 'orange', led: { effect: LedEffectNames.id('solid')!, r: 255, g: 128, b: 0 } },
  { name: 'purple', led: { effect: LedEffectNames.id('solid')!, r: 128, g: 0, b: 255 } },
];

/** The example pack's spoken reply. */
export const SPOKEN_COMMAND = 'what time is it';

export class Fleet {
  private nextPrefix = 0;
  private readonly ack = thinkingLed();

  private constructor(
    readonly host: ChildRpc<HostCall, { event: string }>,
    readonly boards: ChildRpc<BoardsCall, { event: string }>,
  ) {}

  /** Starts the host (models loaded) and the boards' process. `hostExecArgv`: e.g. --cpu-prof. */
  static async start(opts: { hostExecArgv?: string[] } = {}): Promise<Fleet> {
    const [host, boards] = await Promise.all([
      ChildRpc.start<HostCall, { event: string }>(new URL('./host-process.js', import.meta.url), {
        execArgv: opts.hostExecArgv ?? [],
      }),
      ChildRpc.start<BoardsCall, { event: string }>(new URL('./boards-process.js', import.meta.url)),
    ]);
    return new Fleet(host, boards);
  }

  get hostPid(): number {
    return this.host.child.pid!;
  }

  /** Creates `n` new boards (uids never seen by the host), opens them and waits for both handshakes. */
  async add(n: number): Promise<string[]> {
    const prefix = `b${this.nextPrefix++}`;
    const made = await this.boards.call<{ uid: string; hostPath: string }[]>({
      op: 'create',
      prefix,
      count: n,
    });
    await this.host.call({ op: 'open', paths: made.map((m) => m.hostPath) });
    const uids = made.map((m) => m.uid);
    await this.boards.call({ op: 'wait-acks', uids, timeoutMs: 30_000 });
    return uids;
  }

  async remove(uids: string[]): Promise<void> {
    await this.boards.call({ op: 'remove', uids });
  }

  /** Every board in `uids` says `text` (within `spreadMs`); resolves once each got its response. */
  async say(
    uids: string[],
    text: string,
    expect: UtterRequest['expect'],
    opts: { spreadMs?: number; timeoutMs?: number; texts?: string[] } = {},
  ): Promise<UtterResult[]> {
    const req: UtterRequest = {
      uids,
      text,
      ...(opts.texts ? { texts: opts.texts } : {}),
      expect,
      ack: this.ack,
      spreadMs: opts.spreadMs ?? 0,
      timeoutMs: opts.timeoutMs ?? 20_000,
    };
    const results = await this.boards.call<UtterResult[]>({ op: 'utter', req }, req.timeoutMs + 30_000);
    // The next utterance starts from idle sessions, as a user's would.
    await this.host.call({ op: 'wait-idle', timeoutMs: 15_000 });
    return results;
  }

  /** A colour command on every board (colour i rotates), waiting for its LED. */
  sayColour(uids: string[], round: number, opts: { spreadMs?: number } = {}): Promise<UtterResult[]> {
    const c = COLOURS[round % COLOURS.length]!;
    return this.say(uids, `set the light to ${c.name}`, { led: c.led }, opts);
  }

  /** "What time is it" on every board: one reply text for all (the host's reply cache serves 7 of 8). */
  saySpoken(uids: string[], opts: { spreadMs?: number } = {}): Promise<UtterResult[]> {
    return this.say(uids, SPOKEN_COMMAND, { speech: true }, opts);
  }

  #unique = 0;
  /**
   * "Count the primes below N" for an N no board asked before ("There are 168 primes below 1000"):
   * every reply is a new text, synthesised afresh, and it has no tone before the words (a blocking
   * command: it also crosses a command worker, as such commands do).
   */
  sayUniqueSpoken(uids: string[], opts: { spreadMs?: number } = {}): Promise<UtterResult[]> {
    const texts = uids.map(() => `count the primes below ${1000 + 7 * this.#unique++}`);
    return this.say(uids, texts[0]!, { speech: true }, { ...opts, texts });
  }

  /**
   * A timer of a new duration: a new text too, but the reply starts with the success tone, which waits
   * for the "stopped" earcon of the release to end (host/responses/tone-sequencer.ts). Hours, so no
   * timer rings while the benchmark runs.
   */
  sayUniqueAfterTone(uids: string[], opts: { spreadMs?: number } = {}): Promise<UtterResult[]> {
    const texts = uids.map(() => `set a timer for ${1 + (this.#unique++ % 99)} hours`);
    return this.say(uids, texts[0]!, { speech: true }, { ...opts, texts });
  }

  loopReset(): Promise<unknown> {
    return this.host.call({ op: 'loop-reset' });
  }
  loopRead(): Promise<LoopFigures> {
    return this.host.call<LoopFigures>({ op: 'loop-read' });
  }
  boardsLoop(): Promise<{ max: number; p99: number }> {
    return this.boards.call({ op: 'loop-read' });
  }
  /** The host's monotonic clock in µs (the time base of its CPU profiles). */
  hostClockUs(): Promise<number> {
    return this.host.call<number>({ op: 'clock' });
  }
  counters(): Promise<HostCounters> {
    return this.host.call<HostCounters>({ op: 'counters' });
  }

  /** The host process's resident memory (every thread: main, link, ASR and command workers), MB. */
  hostRssMb(): number {
    const status = readFileSync(`/proc/${this.hostPid}/status`, 'utf8');
    const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN);
    return kb / 1024;
  }

  /**
   * CPU time the host process has used (every thread), ms, from /proc (utime + stime in clock ticks,
   * 100 a second on Linux): a 10 ms resolution, fine over windows of seconds.
   */
  hostCpuMs(): number {
    const stat = readFileSync(`/proc/${this.hostPid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // fields 14 and 15 of stat(5)
  }

  /** Runs `work` while sampling the host's RSS every 50 ms; returns its result and the peak, MB. */
  async withRssPeak<T>(work: () => Promise<T>): Promise<{ value: T; peakMb: number }> {
    let peakMb = this.hostRssMb();
    const timer = setInterval(() => {
      peakMb = Math.max(peakMb, this.hostRssMb());
    }, 50);
    try {
      const value = await work();
      return { value, peakMb: Math.max(peakMb, this.hostRssMb()) };
    } finally {
      clearInterval(timer);
    }
  }

  async stop(): Promise<void> {
    await Promise.all([this.boards.stop(), this.host.stop(30_000)]);
  }
}
