/**
 * What the dashboard shows, kept up to date from the pipeline's events on main: each board (link,
 * session state, mute, counters, mic level), the last transcripts with confidence and verdict, the
 * command log, latency per stage as histograms, and the main loop's delay once a second. Every change
 * is also emitted as one small update, which the server streams to the page.
 */
import { EventEmitter } from 'node:events';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AudioLevel } from '../../base/audio/level-meter.js';
import type { PipelineEvent } from '../events.js';
import type { BoardInfo, LinkStats, StateEvent } from '../link/index.js';
import type { BoardRuntime } from '../sessions/board-runtime.js';

/** Upper bounds (ms) of the latency histograms' buckets; the last bucket is everything above. */
export const BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] as const;

export const STAGES = {
  asr: 'end of audio → transcript',
  match: 'transcript → command matched',
  respond: 'transcript → first response',
} as const;
export type Stage = keyof typeof STAGES;

export interface Histogram {
  stage: Stage;
  label: string;
  counts: number[];
  n: number;
  p50: number;
  p95: number;
}

export interface BoardView {
  boardId: string;
  model: string;
  path: string;
  link: string;
  session: string;
  muted: boolean;
  counters?: Partial<LinkStats>;
  level?: AudioLevel & { t: number };
}

export interface TranscriptView {
  t: number;
  boardId: string;
  text: string;
  engine: string;
  latencyMs: number;
  confidence?: number;
  verdict?: string;
  handledBy?: string;
}

export interface LogEntry {
  t: number;
  boardId: string;
  kind: 'command' | 'response' | 'error' | 'net';
  text: string;
}

export interface LoopPoint {
  t: number;
  p50: number;
  p99: number;
  max: number;
}

export interface Snapshot {
  host: string;
  boards: BoardView[];
  transcripts: TranscriptView[];
  log: LogEntry[];
  histograms: Histogram[];
  loop: LoopPoint[];
}

/** What the state reads from the host (HarkPipeline is one). */
export interface DashboardHost {
  on(event: 'event', fn: (e: PipelineEvent) => void): unknown;
  on(event: 'link', fn: (e: StateEvent) => void): unknown;
  on(event: 'board', fn: (info: BoardInfo) => void): unknown;
  on(event: 'level', fn: (l: AudioLevel & { boardId: string }) => void): unknown;
  // biome-ignore lint/suspicious/noExplicitAny: EventEmitter's own listener type.
  off(event: string, fn: (...args: any[]) => void): unknown;
  board(boardId: string): BoardRuntime | undefined;
  readonly boards: readonly BoardRuntime[];
  readonly link: { stats(boardId: string): Promise<LinkStats> };
}

const KEEP_TRANSCRIPTS = 50;
const KEEP_LOG = 200;
const KEEP_LOOP = 120;
const LEVEL_EVERY_MS = 100;

function percentile(counts: number[], n: number, q: number): number {
  if (n === 0) return 0;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i]!;
    if (seen >= q * n) return BUCKETS_MS[i] ?? Number.POSITIVE_INFINITY;
  }
  return Number.POSITIVE_INFINITY;
}

/** Events: 'update' ({ kind, data }) for each change the page should show. */
export class DashboardState extends EventEmitter {
  readonly host: string;
  readonly #h: DashboardHost;
  readonly #boards = new Map<string, BoardView>();
  readonly #transcripts: TranscriptView[] = [];
  readonly #log: LogEntry[] = [];
  readonly #hist = new Map<Stage, { counts: number[]; n: number }>();
  readonly #loop: LoopPoint[] = [];
  /** performance.now() of each board's last transcript, for the match / respond stages. */
  readonly #heardAt = new Map<string, { t: number; responded: boolean }>();
  readonly #levelAt = new Map<string, number>();
  readonly #listeners: [string, (x: never) => void][] = [];
  readonly #delay = monitorEventLoopDelay({ resolution: 10 });
  readonly #timers: NodeJS.Timeout[] = [];

  constructor(h: DashboardHost, hostName: string, opts: { countersEveryMs?: number } = {}) {
    super();
    this.host = hostName;
    this.#h = h;
    for (const s of Object.keys(STAGES) as Stage[])
      this.#hist.set(s, { counts: new Array(BUCKETS_MS.length + 1).fill(0), n: 0 });
    for (const rt of h.boards) this.#board(rt.info);
    const on = <T>(event: string, fn: (x: T) => void) => {
      h.on(event as 'event', fn as never);
      this.#listeners.push([event, fn as never]);
    };
    on<PipelineEvent>('event', (e) => this.#onEvent(e));
    on<StateEvent>('link', (e) => this.#onLink(e));
    on<BoardInfo>('board', (info) => this.#board(info));
    on<AudioLevel & { boardId: string }>('level', (l) => this.#onLevel(l));
    this.#delay.enable();
    const loop = setInterval(() => this.#sampleLoop(), 1000);
    const counters = setInterval(() => void this.#pollCounters(), opts.countersEveryMs ?? 2000);
    loop.unref();
    counters.unref();
    this.#timers.push(loop, counters);
  }

  snapshot(): Snapshot {
    return {
      host: this.host,
      boards: [...this.#boards.values()],
      transcripts: [...this.#transcripts],
      log: [...this.#log],
      histograms: [...this.#hist.keys()].map((s) => this.#histogram(s)),
      loop: [...this.#loop],
    };
  }

  #update(kind: string, data: unknown): void {
    this.emit('update', { kind, data });
  }

  #board(info: BoardInfo): void {
    const rt = this.#h.board(info.boardId);
    const b: BoardView = {
      ...(this.#boards.get(info.boardId) ?? {}),
      boardId: info.boardId,
      model: info.hello.boardModel || info.profile,
      path: info.path,
      link: 'ready',
      session: rt?.session.state ?? 'idle',
      muted: rt?.session.muted ?? false,
    };
    this.#boards.set(info.boardId, b);
    this.#update('board', b);
  }

  #touch(boardId: string, f: (b: BoardView) => void): void {
    const b = this.#boards.get(boardId);
    if (!b) return;
    f(b);
    this.#update('board', b);
  }

  #onLink(e: StateEvent): void {
    this.#touch(e.boardId, (b) => {
      b.link = e.state;
      b.path = e.path;
    });
  }

  #onLevel(l: AudioLevel & { boardId: string }): void {
    const now = performance.now();
    if (now - (this.#levelAt.get(l.boardId) ?? 0) < LEVEL_EVERY_MS) return;
    this.#levelAt.set(l.boardId, now);
    this.#touch(l.boardId, (b) => {
      b.level = { rmsDb: l.rmsDb, peakDb: l.peakDb, t: Date.now() };
    });
  }

  #onEvent(e: PipelineEvent): void {
    const now = performance.now();
    switch (e.event) {
      case 'transcript': {
        const x = e as typeof e & { confidence?: number; verdict?: string };
        const t: TranscriptView = {
          t: Date.now(),
          boardId: e.boardId,
          text: e.text,
          engine: e.engine,
          latencyMs: e.latencyMs,
          ...(typeof x.confidence === 'number' ? { confidence: x.confidence } : {}),
          ...(typeof x.verdict === 'string' ? { verdict: x.verdict } : {}),
          ...(e.handledBy ? { handledBy: e.handledBy } : {}),
        };
        this.#push(this.#transcripts, t, KEEP_TRANSCRIPTS);
        this.#update('transcript', t);
        this.#record('asr', e.latencyMs);
        this.#heardAt.set(e.boardId, { t: now, responded: false });
        return;
      }
      case 'command': {
        const heard = this.#heardAt.get(e.boardId);
        if (heard) this.#record('match', now - heard.t);
        this.#logEntry(e.boardId, 'command', `${e.command} ${JSON.stringify(e.params)} ← "${e.utterance}"`);
        return;
      }
      case 'response': {
        const heard = this.#heardAt.get(e.boardId);
        if (heard && !heard.responded && !e.late) {
          heard.responded = true;
          this.#record('respond', now - heard.t);
        }
        this.#logEntry(e.boardId, 'response', `[${e.status}] ${e.text ?? ''}${e.late ? ' (later)' : ''}`);
        return;
      }
      case 'error':
        this.#logEntry(e.boardId, 'error', `${e.code}: ${e.message}`);
        return;
      case 'net':
        this.#logEntry(e.boardId, 'net', `${e.what} ${e.state}${e.detail ? `: ${e.detail}` : ''}`);
        return;
      case 'session':
      case 'listening': {
        const rt = this.#h.board(e.boardId);
        if (rt)
          this.#touch(e.boardId, (b) => {
            b.session = rt.session.state;
            b.muted = rt.session.muted;
          });
        return;
      }
      default:
    }
  }

  #logEntry(boardId: string, kind: LogEntry['kind'], text: string): void {
    const entry: LogEntry = { t: Date.now(), boardId, kind, text };
    this.#push(this.#log, entry, KEEP_LOG);
    this.#update('log', entry);
  }

  #push<T>(list: T[], item: T, keep: number): void {
    list.push(item);
    if (list.length > keep) list.splice(0, list.length - keep);
  }

  #record(stage: Stage, ms: number): void {
    const h = this.#hist.get(stage)!;
    let i = BUCKETS_MS.findIndex((b) => ms <= b);
    if (i < 0) i = BUCKETS_MS.length;
    h.counts[i]!++;
    h.n++;
    this.#update('histogram', this.#histogram(stage));
  }

  #histogram(stage: Stage): Histogram {
    const h = this.#hist.get(stage)!;
    return {
      stage,
      label: STAGES[stage],
      counts: [...h.counts],
      n: h.n,
      p50: percentile(h.counts, h.n, 0.5),
      p95: percentile(h.counts, h.n, 0.95),
    };
  }

  #sampleLoop(): void {
    const d = this.#delay;
    const point: LoopPoint = {
      t: Date.now(),
      p50: d.percentile(50) / 1e6,
      p99: d.percentile(99) / 1e6,
      max: d.max / 1e6,
    };
    d.reset();
    this.#push(this.#loop, point, KEEP_LOOP);
    this.#update('loop', point);
  }

  async #pollCounters(): Promise<void> {
    if (this.listenerCount('update') === 0) return; // nobody watching: no link round trips
    for (const rt of this.#h.boards) {
      try {
        const s = await this.#h.link.stats(rt.boardId);
        this.#touch(rt.boardId, (b) => {
          b.counters = {
            framesOk: s.framesOk,
            framesBad: s.framesBad,
            framesLost: s.framesLost,
            bytesIn: s.bytesIn,
            bytesOut: s.bytesOut,
            audioChunks: s.audioChunks,
            audioGaps: s.audioGaps,
            reconnects: s.reconnects,
            lastRttMs: s.lastRttMs,
          };
        });
      } catch {
        // the board went away between listing and asking
      }
    }
  }

  close(): void {
    for (const t of this.#timers) clearInterval(t);
    this.#delay.disable();
    for (const [event, fn] of this.#listeners) this.#h.off(event, fn as (x: unknown) => void);
  }
}
