/**
 * Everything the host does for one connected board, on the main thread: it feeds link events into
 * the board's {@link BoardSession}, opens a transcription stream per utterance and routes the board's
 * audio straight from the link worker to the ASR worker (never through this thread), dispatches final
 * transcripts, and sends the responses back down: LED (priority-resolved), TONE, VOLUME, speech.
 */

import type { AudioLevel } from '../../base/audio/level-meter.js';
import { HarkError } from '../../base/errors.js';
import {
  type AudioCodecId,
  ButtonEvent,
  CaptureAction,
  CaptureMode,
  ErrorCodeNames,
  GpioCapNames,
  type Hello,
  type Message,
  SpeakerKindNames,
} from '../../protocol/ts/messages.js';
import type {
  BoardFacts,
  BoardServices,
  CommandIsolation,
  DispatchedResponse,
  Dispatcher,
  Response,
} from '../commands/index.js';
import type { HarkConfig } from '../config/index.js';
import { errorEvent, type PipelineEvent } from '../events.js';
import { HarkIO } from '../gpio/hark-io.js';
import type { BoardInfo, LinkManager } from '../link/index.js';
import { BoardResponder } from '../responses/board-responder.js';
import type { RemoteSpeech } from '../responses/speech.js';
import type { TranscriptionService, TranscriptionStream } from '../transcription/index.js';
import type { RejectReason, Transcript } from '../transcription/types.js';
import type { SpeechService } from '../tts/speech-service.js';
import { BoardSession } from './board-session.js';

export type { PipelineEvent } from '../events.js';

export interface BoardRuntimeDeps {
  link: LinkManager;
  /** Opens each utterance's stream: the local service, or the Wyoming router in front of it. */
  asr: Pick<TranscriptionService, 'openStream'>;
  /** A remote synthesiser (Wyoming TTS) tried before espeak-ng. */
  remoteSpeech?: RemoteSpeech;
  /** The host's speech worker (spoken replies off main, cached). */
  speech?: SpeechService;
  dispatcher: Dispatcher;
  config: HarkConfig;
  emit: (e: PipelineEvent) => void;
  /** The loudness of the board's current stream every 100 ms (not an event: too frequent to log). */
  level?: (boardId: string, level: AudioLevel) => void;
  /**
   * One answer per room (host/rooms): called with a final transcript before its command runs;
   * false = another board of the room answers, so this one yields (back to idle, a short LED blink).
   */
  claim?: (c: { boardId: string; startedAt: number; signalDb: number }) => Promise<boolean>;
  /** Where listener exceptions of this board's IO plugin are attributed and reported. */
  isolation: CommandIsolation;
  /** The keyphrase grammar of this board's wake phrase and sensitivity (hands-free). */
  wakeGrammar: (info: BoardInfo) => string;
}

/** What a command may know about a board, from its HELLO. */
export function boardFacts(boardId: string, hello: Hello): BoardFacts {
  return {
    id: boardId,
    model: hello.boardModel,
    firmware: hello.firmwareVersion,
    pins: hello.gpio.map((g) => ({ pin: g.pin, modes: GpioCapNames.names(g.caps) })),
    speaker: SpeakerKindNames.name(hello.speakerKind) ?? 'none',
    leds: hello.ledCount,
  };
}

export class BoardRuntime {
  readonly session: BoardSession;
  readonly responder: BoardResponder;
  info: BoardInfo;
  readonly #d: BoardRuntimeDeps;
  readonly #streams = new Map<number, TranscriptionStream>();
  /** Per stream: when it started and its last 3 s of levels (one answer per room compares them). */
  readonly #heard = new Map<number, { startedAt: number; recent: number[]; background: boolean }>();
  /** The last final of each open stream (a queued rejected utterance is answered from it). */
  readonly #finals = new Map<number, Transcript>();
  #io: HarkIO | undefined;
  /** What this board offers its commands: `ctx.board` and `ctx.io()`. */
  readonly services: BoardServices;

  constructor(info: BoardInfo, deps: BoardRuntimeDeps) {
    this.info = info;
    this.#d = deps;
    const facts = () => boardFacts(this.boardId, this.info.hello);
    this.services = {
      get board() {
        return facts();
      },
      io: () => this.io(),
    };
    const responder = new BoardResponder({
      link: deps.link,
      config: deps.config,
      emit: deps.emit,
      boardId: info.boardId,
      hello: () => this.info.hello,
      ...(deps.remoteSpeech ? { remoteSpeech: deps.remoteSpeech } : {}),
      ...(deps.speech ? { speech: deps.speech } : {}),
    });
    this.responder = responder;
    const c = deps.config;
    this.session = new BoardSession(
      {
        boardId: info.boardId,
        wake: c.listenMode === 'wake',
        wakePhrase: c.wakePhrase,
        noSpeechTimeoutMs: c.noSpeechTimeoutMs,
        maxUtteranceMs: c.maxUtteranceMs,
        followUpMs: c.followUpMs,
        earcons: c.earcons,
      },
      {
        showLed: (conditions) => responder.showConditions(conditions),
        earcon: (name) => responder.earcon(name),
        startCapture: (maxMs, mode = 'single') =>
          responder.send({
            type: 'CAPTURE',
            action: CaptureAction.START,
            mode: mode === 'continuous' ? CaptureMode.CONTINUOUS : CaptureMode.SINGLE,
            maxMs: Math.min(maxMs, 0xffff),
          }),
        stopCapture: () =>
          responder.send({ type: 'CAPTURE', action: CaptureAction.STOP, mode: CaptureMode.SINGLE, maxMs: 0 }),
        cancelStream: (reason, stream) => {
          if (stream !== undefined) this.#streams.get(stream)?.cancel(reason);
          else for (const s of this.#streams.values()) s.cancel(reason);
        },
        dispatch: (text, stream, rejected) =>
          void (rejected ? this.#answerRejected(this.#finals.get(stream), rejected) : this.dispatch(text)),
        discarded: (stream, reason) => {
          this.#streams.get(stream)?.cancel('discarded');
          this.#d.emit(
            errorEvent(
              info.boardId,
              new HarkError(
                'HARK_ERR_SESSION_DISCARDED',
                `board ${info.boardId}: an utterance (stream ${stream}) was not run: ${reason}`,
                { details: { stream } },
              ),
            ),
          );
          if (deps.config.earcons) responder.earcon('error');
        },
        stopPlayback: () => responder.stopPlayback(),
        log: (line) => deps.emit({ event: 'session', boardId: info.boardId, line }),
      },
    );
  }

  get boardId(): string {
    return this.info.boardId;
  }

  /**
   * The board's johnny-five IO plugin: one per board, shared by every command (and `pipeline.io()`).
   * An exception its listeners throw is reported as command code's (by its stack, else as the code
   * that first asked for the plugin), never unwound into the link.
   */
  io(): HarkIO {
    if (this.#io && !this.#io.closed) return this.#io;
    const { isolation } = this.#d;
    const creator = isolation.current();
    this.#io = new HarkIO({
      boardId: this.boardId,
      transport: this.#d.link,
      hello: this.info.hello,
      onListenerError: (e, event) => {
        const scope = isolation.attribute(e) ??
          creator ?? { command: undefined, module: undefined, boardId: this.boardId };
        isolation.report(e, { ...scope, boardId: this.boardId }, 'uncaught');
        this.#d.emit({
          event: 'session',
          boardId: this.boardId,
          line: `board ${this.boardId}: a listener of the IO plugin's "${event}" event threw`,
        });
      },
    });
    return this.#io;
  }

  /** A (re)handshake: new HELLO, board state reset. */
  connected(info: BoardInfo): void {
    this.info = info;
    this.responder.connected();
    this.session.connected();
  }

  disconnected(): void {
    for (const s of this.#streams.values()) s.cancel('disconnected');
    this.#streams.clear();
    this.responder.stopPlayback();
    this.session.disconnected();
  }

  /** A board → host message from the link. */
  onMessage(m: Message): void {
    switch (m.type) {
      case 'AUDIO_START':
        this.#audioStart(m.stream, m.trigger, m.codec, m.sampleRate);
        return;
      case 'AUDIO_END':
        this.session.audioEnded(m.stream);
        return;
      case 'BUTTON':
        if (m.button !== 0) return;
        if (m.event === ButtonEvent.DOWN) this.session.buttonDown();
        else if (m.event === ButtonEvent.CLICK) this.session.buttonClick();
        // SPEC 1.1: a double click toggles mute. LONG (held past 800 ms) is part of a push-to-talk hold,
        // never a gesture of its own; UP ends push-to-talk on the board itself.
        else if (m.event === ButtonEvent.DOUBLE) this.session.setMuted(!this.session.muted);
        return;
      case 'ERROR': {
        const name = ErrorCodeNames.name(m.code) ?? 'unknown';
        this.#d.emit(
          errorEvent(
            this.boardId,
            new HarkError(
              'HARK_ERR_BOARD_REPORTED',
              `board ${this.boardId} reported ${name} (${m.code})${m.message ? `: ${m.message}` : ''}`,
              { details: { boardCode: m.code, boardError: name } },
            ),
          ),
        );
        return;
      }
      default:
    }
  }

  /** The link ended a stream without AUDIO_END (unplugged, closed). */
  onAudioAbort(stream: number, reason: string): void {
    this.#streams.get(stream)?.cancel(reason);
    this.session.audioEnded(stream);
  }

  #audioStart(stream: number, trigger: number, codec: number, sampleRate: number): void {
    const plan = this.session.audioStarted(trigger, stream);
    const { link, asr, config } = this.#d;
    if (!plan) {
      link.discardAudio(this.boardId, stream);
      return;
    }
    let s: TranscriptionStream;
    try {
      const wake = plan.grammar === 'wake';
      s = asr.openStream({
        boardId: this.boardId,
        grammar: wake ? this.#d.wakeGrammar(this.info) : plan.grammar,
        ...(wake ? { afterWake: 'commands' } : {}),
        codec: codec as AudioCodecId, // the link only routes streams whose codec HELLO_ACK chose
        sampleRate,
        endOfSpeech: {
          silenceMs: config.silenceMs,
          minSpeechMs: config.minSpeechMs,
          maxMs: config.maxUtteranceMs,
          finalizeOnSilence: plan.endOnSilence,
          noSpeechMs: config.noSpeechTimeoutMs,
        },
        ...(config.transcription.alternatives > 0 ? { alternatives: config.transcription.alternatives } : {}),
      });
    } catch (e) {
      link.discardAudio(this.boardId, stream);
      this.#fail(e);
      return;
    }
    this.#streams.set(stream, s);
    link.routeAudio(this.boardId, stream, s.port);
    if (plan.grammar !== 'wake')
      this.#d.emit({ event: 'listening', boardId: this.boardId, trigger: plan.trigger, stream });
    s.on('speech', (ev: { state: 'start' | 'end' }) => this.session.speech(ev.state, stream));
    const heard = {
      startedAt: performance.now(),
      recent: [] as number[],
      background: plan.grammar === 'wake',
    };
    this.#heard.set(stream, heard);
    s.on('level', (l: AudioLevel) => {
      heard.recent.push(l.rmsDb);
      if (heard.recent.length > 30) heard.recent.shift(); // the last 3 s: this utterance, or the wake phrase
      this.#d.level?.(this.boardId, l);
    });
    s.on('wake', (ev: { phrase: string; atMs: number }) => {
      this.#d.emit({ event: 'wake', boardId: this.boardId, phrase: ev.phrase, atMs: ev.atMs, stream });
      this.session.wakeHeard(stream);
      if (this.session.state === 'listening')
        this.#d.emit({ event: 'listening', boardId: this.boardId, trigger: 'wake', stream });
    });
    s.on('final', (t: Transcript) => void this.#onFinal(t, stream));
    s.on('error', (e: HarkError) => {
      if (e.code === 'HARK_ERR_TRANSCRIPTION_ABORTED') return;
      this.#d.emit(errorEvent(this.boardId, e));
      this.session.streamFailed(stream, e.message);
    });
    const forget = () => {
      this.#streams.delete(stream);
      this.#heard.delete(stream);
      // A queued rejected utterance still needs its final after the stream closed; keep a few.
      if (this.#finals.size > 8) this.#finals.delete(this.#finals.keys().next().value!);
    };
    s.result.then(forget, forget);
  }

  async #onFinal(t: Transcript, stream: number): Promise<void> {
    this.#finals.set(stream, t);
    this.#d.emit({
      event: 'transcript',
      boardId: this.boardId,
      text: t.text,
      engine: t.engine,
      latencyMs: t.latencyMs,
      audioMs: t.audioMs,
      confidence: t.confidence,
      verdict: t.verdict,
      ...(t.rejectReason ? { reason: t.rejectReason } : {}),
      alternatives: t.alternatives ?? [],
      ...(t.timing ? { timing: t.timing } : {}),
      ...(t.handledBy ? { handledBy: t.handledBy } : {}),
    });
    const heard = this.#heard.get(stream);
    const rejected = t.verdict === 'rejected' ? (t.rejectReason ?? 'out-of-grammar') : undefined;
    const text = this.session.transcribed(t.text, stream, t.handledBy ? undefined : rejected);
    // A remote assistant (Home Assistant) runs the command itself and sends its reply separately.
    if (text === undefined || t.handledBy) return;
    if (this.#d.claim) {
      const claim = {
        boardId: this.boardId,
        // A hands-free stream runs for ever: its utterance is the one just heard.
        startedAt: heard && !heard.background ? heard.startedAt : performance.now() - t.latencyMs,
        signalDb: heard?.recent.length ? Math.max(...heard.recent) : -100,
      };
      // A rejected utterance is answered once per room too (one "sorry", from the nearest board).
      if (!(await this.#d.claim(claim))) {
        this.#yield();
        return;
      }
    }
    if (rejected) await this.#answerRejected(t, rejected);
    else await this.dispatch(text);
  }

  /** Another board of the room answers: back to idle, with a short blink saying "heard, not me". */
  #yield(): void {
    this.session.replyDone(false);
    void this.responder
      .respond(
        {
          led: {
            effect: 'blink',
            color: this.#d.config.leds.listening.color,
            periodMs: 150,
            durationMs: 450,
          },
        },
        () => {},
      )
      .catch(() => {});
  }
  /**
   * Never silent: a rejected or empty utterance goes to the pack's fallback command when it has one
   * (with the words the general language model heard), else it gets the error earcon and, on a board
   * with a speaker, the configured reply ("Sorry, I didn't catch that").
   */
  async #answerRejected(t: Transcript | undefined, reason: RejectReason): Promise<void> {
    const heard = t?.heardText ?? '';
    const { dispatcher, config } = this.#d;
    if (heard && (reason === 'out-of-grammar' || reason === 'low-confidence') && dispatcher.hasFallback()) {
      await this.dispatch(heard, { fallback: true });
      return;
    }
    try {
      await this.respond({
        command: undefined,
        status: 'rejected',
        reason,
        tone: 'error',
        ...(config.rejectReply ? { text: config.rejectReply, voice: true } : {}),
      });
    } catch (e) {
      this.#fail(e);
      return;
    }
    this.session.replyDone(false);
  }

  /**
   * Runs the command `text` names and plays its responses (also used by tests and the demo); with
   * `fallback`, the pack's fallback command for a rejected utterance.
   */
  async dispatch(text: string, opts: { fallback?: boolean } = {}): Promise<void> {
    const { dispatcher } = this.#d;
    const onMatch = ({ command, params }: { command: { name: string }; params: Record<string, unknown> }) =>
      this.#d.emit({
        event: 'command',
        boardId: this.boardId,
        command: command.name,
        params: { ...params },
        utterance: text,
      });
    let needsInput = false;
    let failed = false;
    try {
      for await (const r of dispatcher.dispatch(this.boardId, text, {
        onMatch,
        ...(opts.fallback ? { fallback: true } : {}),
      })) {
        needsInput ||= r.needsInput === true;
        failed ||= r.status === 'error';
        await this.respond(r);
      }
    } catch (e) {
      this.#fail(e);
      return;
    }
    if (failed) this.session.failed(`command for "${text}" failed`);
    else this.session.replyDone(needsInput);
  }

  /** Reports a response and sends it to the board (also late ones, from background work). */
  async respond(
    r:
      | DispatchedResponse
      | (Response & { late?: boolean; command?: string; status?: string; reason?: string }),
  ): Promise<void> {
    this.#d.emit({
      event: 'response',
      boardId: this.boardId,
      command: r.command,
      status: r.status ?? 'success',
      ...('reason' in r && r.reason ? { reason: r.reason } : {}),
      ...(r.text !== undefined ? { text: r.text } : {}),
      late: r.late === true,
    });
    await this.responder.respond(r, () => this.session.replyStarted());
    if (r.late) this.session.replyDone(false);
  }

  #fail(e: unknown): void {
    // A HarkError keeps its own code; anything else is a bug somewhere below, not a speech failure.
    const event = errorEvent(this.boardId, e);
    this.#d.emit(event);
    this.session.failed(event.message);
  }

  close(): void {
    this.#io?.close();
    for (const s of this.#streams.values()) s.cancel('closed');
    this.responder.close();
    this.session.close();
  }
}
