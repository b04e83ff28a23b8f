/**
 * One board as a Home Assistant voice satellite, main-thread side. The Wyoming worker owns the
 * socket (satellite-server.ts); this class turns what Home Assistant says into what the board's
 * session and responder already know how to do:
 *
 * | from Home Assistant                    | on the board                                          |
 * |----------------------------------------|-------------------------------------------------------|
 * | run-satellite / pause-satellite        | utterances go to Home Assistant / stay local          |
 * | voice-started / voice-stopped          | the session's speech events (end of speech ends a tap)|
 * | transcript                             | 'transcript' event; session → thinking, no local match|
 * | synthesize + audio-start…audio-stop    | the reply played on the speaker, then `played`        |
 * | error                                  | session error (red LED, error earcon)                 |
 * | timer-started / -cancelled / -finished | tracked; a finished timer rings on this board          |
 * | run-pipeline (start_stage asr)         | the board captures one utterance (like a tap)          |
 *
 * Mic audio goes up as one `sat-stream` per utterance: link worker → Wyoming worker → socket.
 */
import { MessageChannel } from 'node:worker_threads';
import type { HarkError } from '../../base/errors.js';
import { SpeakerKind } from '../../protocol/ts/messages.js';
import type { PipelineEvent } from '../events.js';
import type { BoardInfo } from '../link/index.js';
import type { BoardRuntime } from '../sessions/board-runtime.js';
import { TranscriptionStream } from '../transcription/stream.js';
import type { StreamOptions } from '../transcription/types.js';
import {
  type AudioFormat,
  type PipelineStage,
  played,
  readRunPipeline,
  readTimer,
  type TimerEvent,
} from './events.js';
import { monoFromPcm16 } from './remote-tts.js';
import type { ControlEvent, SatelliteClientState, SatelliteInfo, WorkerOutput } from './worker-protocol.js';
import type { WyomingWorker } from './wyoming-worker.js';

/** Options of one board's satellite. */
export interface SatelliteOptions {
  /** Address to listen on; default '0.0.0.0' (Home Assistant usually runs on another machine). */
  host?: string;
  /** TCP port (wyoming-satellite's default is 10700); 0 picks a free one. */
  port: number;
  /** The room, sent to Home Assistant as the satellite's `area`. */
  area?: string;
  /** Wake phrases the board listens for locally (hands-free), announced in `info`. */
  wakeWords?: string[];
  /** End of speech → transcript limit; default 15000 ms. */
  responseTimeoutMs?: number;
  /** How long to wait for Home Assistant's spoken reply after its transcript; default 15000 ms. */
  replyTimeoutMs?: number;
  version?: string;
}

export interface SatelliteDeps {
  worker: WyomingWorker;
  /** The board's runtime while it is connected. */
  board: () => BoardRuntime | undefined;
  emit: (e: PipelineEvent) => void;
}

export class BoardSatellite {
  readonly boardId: string;
  readonly #o: SatelliteOptions;
  readonly #d: SatelliteDeps;
  #port = 0;
  #state: SatelliteClientState = 'disconnected';
  #peer = '';
  #replyText: string | undefined;
  #replyTimer: NodeJS.Timeout | undefined;
  readonly #timers = new Map<string, TimerEvent>();
  readonly #onOutput = (m: WorkerOutput) => this.#output(m);

  constructor(boardId: string, opts: SatelliteOptions, deps: SatelliteDeps) {
    this.boardId = boardId;
    this.#o = opts;
    this.#d = deps;
  }

  /** The port Home Assistant connects to. */
  get port(): number {
    return this.#port;
  }

  /** Home Assistant is connected and has not paused this satellite: utterances go to it. */
  get active(): boolean {
    return this.#state === 'running';
  }

  get timers(): TimerEvent[] {
    return [...this.#timers.values()];
  }

  #info(info?: BoardInfo): SatelliteInfo {
    const hello = info?.hello ?? this.#d.board()?.info.hello;
    const snd: AudioFormat | undefined =
      hello && hello.speakerKind === SpeakerKind.PCM && hello.speakerSampleRate > 0
        ? { rate: hello.speakerSampleRate, width: 2, channels: 1 }
        : undefined;
    return {
      name: `hark ${this.boardId}`,
      description: `hark board ${this.boardId} (USB serial)`,
      version: this.#o.version ?? '0',
      ...(this.#o.area ? { area: this.#o.area } : {}),
      wakeWords: this.#o.wakeWords ?? [],
      ...(snd ? { snd } : {}),
    };
  }

  async start(info?: BoardInfo): Promise<number> {
    this.#d.worker.on(`board:${this.boardId}`, this.#onOutput);
    const host = this.#o.host ?? '0.0.0.0';
    this.#port = (await this.#d.worker.call({
      op: 'sat-listen',
      boardId: this.boardId,
      host,
      port: this.#o.port,
      info: this.#info(info),
    })) as number;
    return this.#port;
  }

  /** Where Home Assistant finds this satellite. */
  announce(): void {
    this.#net(
      'listening',
      `Home Assistant can add tcp://${this.#o.host ?? '0.0.0.0'}:${this.#port} (Wyoming integration)`,
    );
  }

  /** The board (re)connected: its speaker format may have changed. */
  boardConnected(info: BoardInfo): void {
    void this.#d.worker
      .call({ op: 'sat-info', boardId: this.boardId, info: this.#info(info) })
      .catch(() => {});
  }

  #net(state: string, detail?: string): void {
    this.#d.emit({
      event: 'net',
      boardId: this.boardId,
      what: 'satellite',
      state,
      ...(detail ? { detail } : {}),
    });
  }

  /** Opens an utterance stream whose audio goes to Home Assistant. */
  openStream(opts: StreamOptions): TranscriptionStream {
    const audio = new MessageChannel();
    const events = new MessageChannel();
    const stream = new TranscriptionStream(opts.boardId, audio.port1, events.port1, false);
    const session = this.#d.board()?.session;
    const hasSpeaker = this.#info().snd !== undefined;
    const end: PipelineStage = hasSpeaker ? 'tts' : 'handle';
    stream.on('final', () => this.#awaitReply());
    this.#d.worker
      .call(
        {
          op: 'sat-stream',
          boardId: this.boardId,
          run: { start_stage: 'asr', end_stage: end },
          ...(session?.trigger === 'wake' && this.#o.wakeWords?.[0]
            ? { wakeWord: this.#o.wakeWords[0] }
            : {}),
          responseTimeoutMs: this.#o.responseTimeoutMs ?? 15000,
          audioPort: audio.port2,
          eventPort: events.port2,
          codec: opts.codec,
          sampleRate: opts.sampleRate,
          endOfSpeech: {
            silenceMs: opts.endOfSpeech?.silenceMs ?? 700,
            minSpeechMs: opts.endOfSpeech?.minSpeechMs ?? 300,
            maxMs: opts.endOfSpeech?.maxMs ?? 15000,
            finalizeOnSilence: opts.endOfSpeech?.finalizeOnSilence ?? false,
          },
        },
        [audio.port2, events.port2],
      )
      .catch((e: HarkError) => stream.fail({ code: e.code, message: e.message }));
    return stream;
  }

  /** After Home Assistant's transcript: its spoken reply should follow; don't wait for ever. */
  #awaitReply(): void {
    clearTimeout(this.#replyTimer);
    this.#replyTimer = setTimeout(() => {
      const rt = this.#d.board();
      if (rt?.session.state === 'thinking') rt.session.replyDone(false);
    }, this.#o.replyTimeoutMs ?? 15000);
    this.#replyTimer.unref();
  }

  #output(m: WorkerOutput): void {
    switch (m.kind) {
      case 'sat-client':
        this.#client(m.state, m.peer, m.reason);
        return;
      case 'sat-event':
        this.#event(m.event);
        return;
      case 'sat-audio':
        void this.#play(m.format, m.pcm);
        return;
      case 'error':
        this.#d.emit({ event: 'error', boardId: this.boardId, code: m.error.code, message: m.error.message });
        return;
      default:
    }
  }

  #client(state: SatelliteClientState, peer: string, reason?: string): void {
    if (state === this.#state) return;
    const from = this.#state;
    this.#state = state;
    this.#peer = peer;
    this.#net(state, `from ${from} to ${state}: ${peer}${reason ? ` (${reason})` : ''}`);
  }

  #event(e: ControlEvent): void {
    const rt = this.#d.board();
    const peer = this.#peer || 'Home Assistant';
    try {
      switch (e.type) {
        case 'synthesize':
          this.#replyText = typeof e.data.text === 'string' ? e.data.text : undefined;
          this.#awaitReply();
          return;
        case 'error': {
          const text = String(e.data.text ?? 'error');
          this.#d.emit({
            event: 'error',
            boardId: this.boardId,
            code: 'HARK_ERR_WYOMING_REMOTE',
            message: `${peer}: ${text}`,
          });
          if (rt && (rt.session.state === 'thinking' || rt.session.state === 'listening'))
            rt.session.failed(`Home Assistant: ${text}`);
          return;
        }
        case 'run-pipeline': {
          const run = readRunPipeline({ type: e.type, data: e.data }, peer);
          // Home Assistant asks the board to listen (e.g. a question from an automation).
          if (run.start_stage === 'asr' && rt?.session.state === 'idle') rt.session.buttonClick();
          return;
        }
        case 'timer-started':
        case 'timer-updated':
        case 'timer-cancelled':
        case 'timer-finished':
          this.#timer(readTimer({ type: e.type, data: e.data }, peer));
          return;
        default:
      }
    } catch (err) {
      const h = err as HarkError;
      this.#d.emit({
        event: 'error',
        boardId: this.boardId,
        code: h.code ?? 'HARK_ERR_WYOMING_PROTOCOL',
        message: h.message,
      });
    }
  }

  #timer(t: TimerEvent): void {
    const known = this.#timers.get(t.id);
    if (t.kind === 'started') this.#timers.set(t.id, t);
    else if (t.kind === 'updated' && known) this.#timers.set(t.id, { ...known, ...t });
    else this.#timers.delete(t.id);
    const name = t.name ?? known?.name;
    this.#net(
      `timer-${t.kind}`,
      `timer ${name ? `"${name}" ` : ''}${t.id}${t.totalSeconds !== undefined ? ` ${t.totalSeconds} s` : ''}`,
    );
    if (t.kind !== 'finished') return;
    const rt = this.#d.board();
    if (!rt) return;
    // Rings here: Home Assistant sends a timer's events to the satellite that set it.
    void rt
      .respond({
        tone: 'alarm',
        led: 'timer',
        text: `timer ${name ?? t.id} finished`,
        command: 'homeassistant timer',
        status: 'info',
      })
      .then(() => rt.session.replyDone(false));
  }

  /** Plays Home Assistant's reply (or announcement) on the board, then tells it `played`. */
  async #play(format: AudioFormat, pcm: Uint8Array): Promise<void> {
    clearTimeout(this.#replyTimer);
    const text = this.#replyText;
    this.#replyText = undefined;
    const rt = this.#d.board();
    try {
      if (rt && this.#info().snd) {
        const samples = monoFromPcm16(pcm, format.channels);
        await rt.respond({
          audio: { sampleRate: format.rate, samples },
          ...(text !== undefined ? { text } : {}),
          command: 'homeassistant',
          status: 'success',
        });
        rt.session.replyDone(false);
      } else if (rt?.session.state === 'thinking') {
        rt.session.replyDone(false); // no speaker: the reply cannot be heard here
      }
    } finally {
      void this.#d.worker
        .call({ op: 'sat-send', boardId: this.boardId, event: { type: played().type, data: {} } })
        .catch(() => {});
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.#replyTimer);
    this.#d.worker.off(`board:${this.boardId}`, this.#onOutput);
    await this.#d.worker.call({ op: 'sat-close', boardId: this.boardId }).catch(() => {});
  }
}
