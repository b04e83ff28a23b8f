/**
 * A complete hark host serving emulated boards over real pseudo-terminals: what `hark demo` runs, and
 * what the end-to-end tests and the latency benchmark drive. Each board "speaks" espeak-ng audio into
 * its microphone; everything the board receives back (LED, TONE, VOLUME, speaker audio, CAPTURE) is
 * recorded with its arrival time.
 */
import { EventEmitter, once } from 'node:events';
import type { PcmAudio } from '../../base/audio/wav.js';
import { HarkError } from '../../base/errors.js';
import { EmulatedBoard } from '../../boards/emulator/index.js';
import type { BoardProfile } from '../../boards/profiles/profile-schema.js';
import type { Definition } from '../commands/index.js';
import { ConfigStore, type HarkConfig } from '../config/index.js';
import {
  HarkPipeline,
  type PipelineEvent,
  type PipelineOptions,
  type PipelineProgress,
} from '../pipeline.js';
import { synthesize } from '../tts/espeak.js';

/** Something the emulated board received from the host. */
export interface BoardObservation {
  boardId: string;
  kind: 'led' | 'tone' | 'volume' | 'speaker' | 'capture';
  detail: Record<string, unknown>;
  /** performance.now() at arrival. */
  at: number;
}

export interface HarnessOptions {
  /** Config overrides on top of the defaults (+ HARK_* env); no file is read or written. */
  config?: Partial<HarkConfig>;
  commands?: Definition[];
  commandModules?: string[];
  asrThreads?: number;
  onProgress?: (p: PipelineProgress) => void;
  /** Services beyond one host (Wyoming satellites, remote engines), passed to the pipeline as they are. */
  wyoming?: PipelineOptions['wyoming'];
  mqtt?: PipelineOptions['mqtt'];
  dashboard?: PipelineOptions['dashboard'];
  rooms?: PipelineOptions['rooms'];
}

export interface HarnessBoardOptions {
  uid?: string;
  profile?: string | BoardProfile;
  /** Emulator speed: 1 real time, 4 four times faster. Default 4. */
  speed?: number;
}

/** Pads speech with silence so end-of-speech detection sees a start and an end. */
export function withSilence(audio: PcmAudio, leadMs = 250, tailMs = 900): PcmAudio {
  const lead = Math.round((audio.sampleRate * leadMs) / 1000);
  const tail = Math.round((audio.sampleRate * tailMs) / 1000);
  const samples = new Int16Array(lead + audio.samples.length + tail);
  samples.set(audio.samples, lead);
  return { sampleRate: audio.sampleRate, samples };
}

const speechCache = new Map<string, Promise<PcmAudio>>();
/** espeak-ng speech at 16 kHz with silence around it (cached per text). */
export function spoken(text: string): Promise<PcmAudio> {
  let p = speechCache.get(text);
  if (!p) {
    p = synthesize(text, { sampleRate: 16000, wpm: 150 }).then((a) => withSilence(a));
    speechCache.set(text, p);
  }
  return p;
}

export class Harness extends EventEmitter {
  readonly pipeline: HarkPipeline;
  readonly boards = new Map<string, EmulatedBoard>();
  readonly events: PipelineEvent[] = [];
  readonly received: BoardObservation[] = [];

  private constructor(pipeline: HarkPipeline) {
    super();
    this.pipeline = pipeline;
    pipeline.on('event', (e: PipelineEvent) => {
      this.events.push(e);
      this.emit('change');
    });
  }

  /** Starts the host (models loaded, grammar compiled). */
  static async start(opts: HarnessOptions = {}): Promise<Harness> {
    // Defaults + HARK_* env only: a config folder that does not exist is never read nor created.
    const base = new ConfigStore({ cwd: '/nonexistent/hark-demo', configName: 'none' }).resolve();
    const config: HarkConfig = { ...base, commands: '', ...opts.config };
    const pipeline = await HarkPipeline.start({
      config,
      ...(opts.commands ? { commands: opts.commands } : {}),
      ...(opts.commandModules ? { commandModules: opts.commandModules } : {}),
      ...(opts.asrThreads ? { asrThreads: opts.asrThreads } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(opts.wyoming ? { wyoming: opts.wyoming } : {}),
      ...(opts.mqtt ? { mqtt: opts.mqtt } : {}),
      ...(opts.dashboard ? { dashboard: opts.dashboard } : {}),
      ...(opts.rooms ? { rooms: opts.rooms } : {}),
      link: { heartbeatMs: 1000 },
    });
    return new Harness(pipeline);
  }

  /** Creates an emulated board on a pty, opens it from the host and waits for the handshake. */
  async addBoard(opts: HarnessBoardOptions = {}): Promise<{ boardId: string; board: EmulatedBoard }> {
    const board = await EmulatedBoard.overPty({
      uid: opts.uid ?? `emu-${this.boards.size + 1}`,
      profile: opts.profile ?? 'emulated',
      speed: opts.speed ?? 4,
      bootNoise: false,
      helloIntervalMs: 200,
    });
    const record = (kind: BoardObservation['kind']) => (detail: unknown) => {
      this.received.push({
        boardId: board.uid,
        kind,
        detail: Array.isArray(detail)
          ? { steps: detail }
          : typeof detail === 'object'
            ? (detail as Record<string, unknown>)
            : { value: detail },
        at: performance.now(),
      });
      this.emit('change');
    };
    for (const kind of ['led', 'tone', 'volume', 'speaker', 'capture'] as const) board.on(kind, record(kind));
    board.on('stream-end', () => this.emit('change'));
    try {
      // The host is ready when its handshake is done; the board only once the HELLO_ACK reached it,
      // which on a busy machine can be later than open()'s answer (then a press would start nothing).
      const acked = board.ack ? Promise.resolve() : once(board, 'ack');
      const info = await this.pipeline.open({ path: board.hostPath, profile: 'emulated' });
      await acked;
      this.boards.set(info.boardId, board);
      return { boardId: info.boardId, board };
    } catch (e) {
      await board.close();
      throw e;
    }
  }

  /** Resolves when `check` returns a value (re-checked on every event), or fails after `timeoutMs`. */
  waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 30_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const done = (v: T) => {
        clearTimeout(timer);
        this.off('change', onChange);
        resolve(v);
      };
      const onChange = () => {
        const v = check();
        if (v !== undefined) done(v);
      };
      const timer = setTimeout(() => {
        this.off('change', onChange);
        const recent = this.events
          .slice(-8)
          .map((e) => JSON.stringify(e))
          .join('\n  ');
        reject(
          new HarkError(
            'HARK_ERR_DEMO_STEP',
            `timed out after ${timeoutMs} ms waiting for ${what}; last events:\n  ${recent}`,
          ),
        );
      }, timeoutMs);
      this.on('change', onChange);
      onChange();
    });
  }

  /**
   * The board speaks `text` (push-to-talk: press, stream the speech, release). Throws at once when the
   * board is still streaming an earlier utterance (its press would not start a new one) and when the
   * utterance did not stream to its end.
   */
  async say(boardId: string, text: string): Promise<void> {
    const board = this.#board(boardId);
    const audio = await spoken(text);
    if (board.streaming)
      throw new HarkError(
        'HARK_ERR_DEMO_STEP',
        `board ${boardId} is still streaming an earlier utterance, so a press cannot start "${text}": await streamClosed() first`,
      );
    board.setAudio(audio);
    const r = await board.utter();
    if (r.interrupted || r.chunks === 0)
      throw new HarkError(
        'HARK_ERR_DEMO_STEP',
        `board ${boardId}: "${text}" (stream ${r.stream}) was cut off after ${r.chunks} chunks`,
      );
  }

  /** Resolves once the board streams nothing (a host capture it is still sending has ended). */
  async streamClosed(boardId: string, timeoutMs = 30_000): Promise<void> {
    const board = this.#board(boardId);
    if (!board.streaming) return;
    await this.waitFor(
      `board ${boardId} to end its stream`,
      () => (board.streaming ? undefined : true),
      timeoutMs,
    );
  }

  #board(boardId: string): EmulatedBoard {
    const board = this.boards.get(boardId);
    if (!board)
      throw new HarkError(
        'HARK_ERR_DEMO_STEP',
        `no emulated board ${boardId} (boards: ${[...this.boards.keys()].join(', ') || 'none'})`,
      );
    return board;
  }

  /** Waits until the board's session is idle again after event index `from` (a command fully answered). */
  idleAfter(boardId: string, from: number, timeoutMs = 30_000): Promise<true> {
    if (!this.pipeline.board(boardId))
      throw new HarkError('HARK_ERR_DEMO_STEP', `idleAfter: the host serves no board ${boardId}`);
    if (!(Number.isInteger(from) && from >= 0 && from <= this.events.length))
      throw new HarkError(
        'HARK_ERR_DEMO_STEP',
        `idleAfter: event index ${from} is not in 0..${this.events.length}`,
      );
    const answered = (e: PipelineEvent) =>
      e.event === 'session' &&
      e.boardId === boardId &&
      / -> idle on (reply\.done|transcript\.empty|timeout\.no-speech|timeout\.error)/.test(e.line);
    return this.waitFor(
      `board ${boardId} to finish answering`,
      () => (this.events.slice(from).some(answered) ? true : undefined),
      timeoutMs,
    );
  }

  /**
   * Closes the boards first, then the host. The other way round, a board still streaming (hands-free)
   * writes into a pty nobody reads any more. Each board's link is released first, so the host does not
   * report the board's own shutdown as a lost link ("port closed (unplugged?)") after the demo passed.
   */
  async close(): Promise<void> {
    const errors: unknown[] = [];
    for (const [boardId, b] of this.boards) {
      await this.pipeline.link.forget(boardId).catch(() => undefined); // already gone: nothing to release
      await b.close().catch((e: unknown) => errors.push(e));
    }
    try {
      await this.pipeline.close();
    } catch (e) {
      errors.push(e);
    }
    if (errors.length) throw errors[0];
  }
}
