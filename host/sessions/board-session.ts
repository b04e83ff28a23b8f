/**
 * One board's conversation: follows the TRANSITIONS table, owns the no-speech, max-utterance and
 * error timers, decides push-to-talk / tap-to-talk / wake / follow-up behaviour, and tells its host
 * (the pipeline) what to do through {@link SessionHost}. It never touches the link itself, so it is
 * unit-tested with fake timers and a recording host.
 */
import { AudioTrigger } from '../../protocol/ts/messages.js';
import type { EarconName } from '../responses/earcons.js';
import type { LedCondition } from '../responses/led-priority.js';
import type { RejectReason } from '../transcription/types.js';
import {
  findTransition,
  type ListenTrigger,
  type SessionEventKind,
  type SessionState,
  STATE_LED,
} from './session-machine.js';

/** What the session asks the pipeline to do for its board. */
export interface SessionHost {
  showLed(conditions: ReadonlySet<LedCondition>): void;
  earcon(name: EarconName): void;
  /** CAPTURE start: one utterance with a board-side length limit, or continuous (hands-free). */
  startCapture(maxMs: number, mode?: 'single' | 'continuous'): void;
  /** CAPTURE stop (host request): the board ends the stream with AUDIO_END. */
  stopCapture(): void;
  /** Cancels the transcription of stream `stream` (the one being captured when absent). */
  cancelStream(reason: string, stream?: number): void;
  /**
   * Runs the command a queued utterance named, now that the session is free (see `audioStarted`);
   * `rejected` when the recogniser rejected it (the host answers it instead of running a command).
   */
  dispatch(text: string, stream: number, rejected?: RejectReason): void;
  /** An utterance is discarded and the user must be told (no silent drops): `reason` says why. */
  discarded(stream: number, reason: string): void;
  stopPlayback(): void;
  log(line: string): void;
}

export interface BoardSessionOptions {
  boardId: string;
  /** Hands-free: keep a background capture running and listen for `wakePhrase`. */
  wake: boolean;
  wakePhrase: string;
  noSpeechTimeoutMs: number;
  maxUtteranceMs: number;
  followUpMs: number;
  /** How long the error LED shows before returning to idle; default 2000. */
  errorMs?: number;
  earcons: boolean;
  /**
   * Utterances the board streams while a command still runs (or while the main thread was blocked, so
   * several arrive at once) wait their turn, up to this many; one more is discarded with a word to the
   * user. Default 3.
   */
  maxQueuedUtterances?: number;
}

/** An utterance that arrived while the session was busy: transcribed at once, dispatched in turn. */
interface QueuedUtterance {
  stream: number;
  trigger: ListenTrigger;
  /** AUDIO_END (or an abort) arrived. */
  ended: boolean;
  /** The final transcript, once it arrived. */
  transcript: string | undefined;
  /** The recogniser rejected it: it is answered ("sorry"), not run. */
  rejected?: RejectReason;
}

/** How the pipeline should transcribe a stream the board just started. */
export interface StreamPlan {
  /**
   * 'wake': the hands-free background stream — the wake phrase alone (keyphrase search), then each
   * command after it in the same stream.
   */
  grammar: 'commands' | 'wake';
  trigger: ListenTrigger;
  /** End the capture when the host-side VAD hears the end of speech (not for push-to-talk). */
  endOnSilence: boolean;
}

type TimerName = 'no-speech' | 'max-utterance' | 'error';

export class BoardSession {
  readonly boardId: string;
  #state: SessionState = 'disconnected';
  #trigger: ListenTrigger | undefined;
  /** Set when the host asked for a capture; the next AUDIO_START is attributed to it. */
  #requested: ListenTrigger | undefined;
  #muted = false;
  /** The hands-free background stream, while the board streams it. */
  #background: number | undefined;
  /** The stream of the current (non-background) utterance. */
  #stream: number | undefined;
  #timers = new Map<TimerName, NodeJS.Timeout>();
  readonly #queue: QueuedUtterance[] = [];
  readonly #opts: BoardSessionOptions;
  readonly #host: SessionHost;

  constructor(opts: BoardSessionOptions, host: SessionHost) {
    this.boardId = opts.boardId;
    this.#opts = opts;
    this.#host = host;
  }

  get state(): SessionState {
    return this.#state;
  }
  get trigger(): ListenTrigger | undefined {
    return this.#trigger;
  }

  /** Applies a transition from the table; returns false (and logs) when the event does not apply now. */
  #go(event: SessionEventKind): boolean {
    const row = findTransition(this.#state, event);
    if (!row) {
      this.#host.log(`session ${this.boardId}: ignored ${event} in ${this.#state}`);
      return false;
    }
    const from = this.#state;
    this.#state = row.to;
    this.#host.log(`session ${this.boardId}: ${from} -> ${row.to} on ${event} (${row.note})`);
    if (from !== row.to) this.#onEnter(from);
    return true;
  }

  #onEnter(from: SessionState): void {
    if (this.#state !== 'listening') this.#clear('no-speech', 'max-utterance');
    if (this.#state !== 'error') this.#clear('error');
    this.#refreshLed();
    if (this.#state === 'idle') {
      this.#trigger = undefined;
      if (this.#resumeQueued()) return;
      this.#startBackgroundCapture();
    }
    if (this.#state === 'error') {
      if (this.#opts.earcons) this.#host.earcon('error');
      this.#timer('error', this.#opts.errorMs ?? 2000, () => this.#go('timeout.error'));
    }
    if (
      from === 'listening' &&
      this.#state === 'thinking' &&
      this.#opts.earcons &&
      this.#trigger !== 'wake'
    ) {
      this.#host.earcon('stopped');
    }
  }

  #refreshLed(): void {
    const conditions = new Set<LedCondition>();
    const led = STATE_LED[this.#state];
    if (led) conditions.add(led);
    if (this.#muted) conditions.add('muted');
    this.#host.showLed(conditions);
  }

  #timer(name: TimerName, ms: number, fire: () => void): void {
    this.#clear(name);
    const t = setTimeout(() => {
      this.#timers.delete(name);
      fire();
    }, ms);
    t.unref();
    this.#timers.set(name, t);
  }

  #clear(...names: TimerName[]): void {
    for (const n of names) {
      clearTimeout(this.#timers.get(n));
      this.#timers.delete(n);
    }
  }

  #startBackgroundCapture(): void {
    if (
      !this.#opts.wake ||
      this.#muted ||
      this.#state !== 'idle' ||
      this.#requested ||
      this.#background !== undefined
    )
      return;
    this.#requested = 'wake';
    this.#go('wake.listen');
    this.#host.startCapture(0, 'continuous');
  }

  #listenTimers(trigger: ListenTrigger): void {
    if (trigger !== 'push-to-talk') {
      const ms = trigger === 'follow-up' ? this.#opts.followUpMs : this.#opts.noSpeechTimeoutMs;
      this.#timer('no-speech', ms, () => {
        if (trigger !== 'wake') {
          this.#host.cancelStream('no speech', this.#stream);
          this.#host.stopCapture();
        }
        this.#go('timeout.no-speech');
      });
    }
    this.#timer('max-utterance', this.#opts.maxUtteranceMs, () => {
      if (trigger !== 'wake') this.#host.stopCapture();
      this.#go('timeout.max-utterance');
    });
  }

  /** The link finished its handshake. */
  connected(): void {
    this.#requested = undefined;
    this.#background = undefined;
    this.#go('connected');
    if (this.#state === 'idle') this.#startBackgroundCapture();
  }

  /** The link went down: everything in flight is void. */
  disconnected(): void {
    this.#requested = undefined;
    this.#background = undefined;
    this.#trigger = undefined;
    this.#queue.length = 0; // their streams were aborted with the link
    this.#go('disconnected');
  }

  /** Mutes or unmutes the microphone: muted, every stream is discarded (the LED shows it when idle). */
  setMuted(muted: boolean): void {
    if (muted === this.#muted) return;
    this.#muted = muted;
    this.#host.log(`session ${this.boardId}: microphone ${muted ? 'muted' : 'unmuted'}`);
    if (muted && this.#background !== undefined) {
      this.#host.cancelStream('muted', this.#background);
      this.#host.stopCapture();
      this.#background = undefined;
    }
    if (muted) {
      // Muting means "not this either": queued utterances and the one being captured are dropped.
      for (const q of this.#queue.splice(0)) this.#host.cancelStream('muted', q.stream);
      if (this.#state === 'listening') {
        this.#host.cancelStream('muted', this.#stream);
        if (this.#trigger !== 'push-to-talk') this.#host.stopCapture();
        this.#go('mute');
        return;
      }
    }
    this.#refreshLed();
    if (!muted) this.#startBackgroundCapture();
  }

  get muted(): boolean {
    return this.#muted;
  }

  /** BUTTON DOWN: push-to-talk starts on the board itself; while speaking it interrupts playback. */
  buttonDown(): void {
    if (this.#state === 'responding') this.#host.stopPlayback();
    this.#go('button.down');
  }

  /** BUTTON CLICK in idle: tap-to-talk, the host captures until end of speech. */
  buttonClick(): void {
    if (this.#state !== 'idle' || this.#muted || this.#requested === 'tap-to-talk') return;
    if (this.#background !== undefined || this.#requested === 'wake') {
      this.#host.cancelStream('tap-to-talk', this.#background);
      this.#host.stopCapture();
      this.#background = undefined;
    }
    this.#requested = 'tap-to-talk';
    this.#go('button.click');
    this.#host.startCapture(this.#opts.maxUtteranceMs);
  }

  /** AUDIO_START from the board. Returns how to transcribe it, or undefined to discard the stream. */
  audioStarted(protocolTrigger: number, stream = 0): StreamPlan | undefined {
    if (this.#muted) {
      this.#requested = undefined;
      this.#host.log(`session ${this.boardId}: microphone muted: stream ${stream} discarded`);
      return undefined;
    }
    const trigger: ListenTrigger =
      protocolTrigger === AudioTrigger.BUTTON ? 'push-to-talk' : (this.#requested ?? 'tap-to-talk');
    this.#requested = undefined;
    if (trigger === 'wake') {
      if (this.#state !== 'idle') return undefined;
      this.#background = stream;
      return { grammar: 'wake', trigger, endOnSilence: false };
    }
    if (this.#state === 'thinking' || this.#state === 'listening') return this.#enqueue(trigger, stream);
    if (!this.#go('audio.start')) return undefined;
    this.#trigger = trigger;
    this.#stream = stream;
    if (this.#opts.earcons && trigger !== 'follow-up') this.#host.earcon('listening');
    this.#listenTimers(trigger);
    return { grammar: 'commands', trigger, endOnSilence: trigger !== 'push-to-talk' };
  }

  /**
   * Hands-free: the background stream accepted the wake phrase (keyphrase search in the ASR worker);
   * the command is decoded from the same stream, starting where the wake phrase ended.
   */
  wakeHeard(stream: number): void {
    if (stream !== this.#background || this.#state !== 'idle' || this.#muted) return;
    this.#stream = stream;
    this.#trigger = 'wake';
    if (!this.#go('wake.heard')) return;
    if (this.#opts.earcons) this.#host.earcon('listening');
    // No no-speech timer: the worker ends a command that never starts (noSpeechMs) with a 'no-speech'
    // final, which is answered like any rejected utterance.
    this.#timer('max-utterance', this.#opts.maxUtteranceMs, () => this.#go('timeout.max-utterance'));
  }

  /** Host-side VAD saw speech start or end in stream `stream` (default: the current one). */
  speech(state: 'start' | 'end', stream?: number): void {
    const queued = stream === undefined ? undefined : this.#queue.find((q) => q.stream === stream);
    if (queued) {
      // A queued host capture ends at the end of speech like any other; push-to-talk ends on release.
      if (state === 'end' && queued.trigger !== 'push-to-talk' && !queued.ended) this.#host.stopCapture();
      return;
    }
    if (state === 'start') {
      if (this.#state === 'listening') this.#clear('no-speech');
      this.#go('speech.start');
      return;
    }
    this.#go('speech.end');
    if (
      this.#state === 'listening' &&
      this.#trigger &&
      this.#trigger !== 'push-to-talk' &&
      this.#trigger !== 'wake'
    ) {
      this.#host.stopCapture();
    }
  }

  /** AUDIO_END (or an aborted stream) from the board. */
  audioEnded(stream = 0): void {
    const queued = this.#queue.find((q) => q.stream === stream);
    if (queued) {
      queued.ended = true;
      return;
    }
    if (this.#background === stream) {
      this.#background = undefined;
      if (this.#state === 'idle') {
        this.#go('audio.end');
        this.#startBackgroundCapture();
        return;
      }
    } else if (stream !== this.#stream) {
      this.#host.log(`session ${this.boardId}: AUDIO_END of stream ${stream} is not the current one`);
      return;
    }
    this.#go('audio.end');
  }

  /**
   * The final transcript of stream `stream`. Returns the text to dispatch as a command (with
   * `rejected`: to answer as rejected — '' when nothing was heard), or undefined when there is
   * nothing to do.
   */
  transcribed(text: string, stream = this.#stream ?? 0, rejected?: RejectReason): string | undefined {
    const queued = this.#queue.find((q) => q.stream === stream);
    if (queued) {
      queued.transcript = text.trim();
      if (rejected) queued.rejected = rejected;
      queued.ended = true; // a final means the utterance is over, whatever AUDIO_END does
      this.#host.log(
        `session ${this.boardId}: queued utterance (stream ${stream}) heard "${queued.transcript}"`,
      );
      return undefined;
    }
    if (stream === this.#background) {
      if (this.#state === 'idle') {
        // The background capture ended without a wake phrase in it (its terminal result): nothing to do.
        this.#go('transcript.empty');
        return undefined;
      }
      // The command after the wake phrase: the board stops streaming while it is answered, and the
      // background capture starts again once the session is idle (on its AUDIO_END).
      this.#host.stopCapture();
    }
    const command = text.trim();
    if (this.#muted && command !== '') {
      this.#host.log(`session ${this.boardId}: muted while "${command}" was transcribed: not run`);
      this.#go('transcript.empty');
      return undefined;
    }
    if (rejected) {
      // Never silent: a rejected (or empty) utterance is answered like a command.
      this.#go('transcript');
      return command;
    }
    if (command === '') {
      this.#trigger = undefined;
      this.#go('transcript.empty');
      if (this.#state === 'idle') this.#startBackgroundCapture();
      return undefined;
    }
    this.#go('transcript');
    return command;
  }

  /** The response started reaching the board (speech or tones). */
  replyStarted(): void {
    this.#go('reply.start');
  }

  /** The response is complete. With `needsInput` the follow-up window opens. */
  replyDone(needsInput: boolean): void {
    if (needsInput && this.#opts.followUpMs > 0) {
      this.#requested = 'follow-up';
      this.#go('reply.follow-up');
      if (this.#opts.earcons) this.#host.earcon('followUp');
      if (this.#background !== undefined) {
        // A follow-up is its own utterance: pause the hands-free stream while it is captured.
        this.#host.cancelStream('follow-up', this.#background);
        this.#host.stopCapture();
        this.#background = undefined;
      }
      this.#host.startCapture(this.#opts.maxUtteranceMs);
    } else {
      this.#go('reply.done');
    }
  }

  /**
   * The transcription of stream `stream` failed. A queued utterance is dropped with a word to the user;
   * the current one fails the session.
   */
  streamFailed(stream: number, reason: string): void {
    const i = this.#queue.findIndex((q) => q.stream === stream);
    if (i < 0) {
      this.failed(reason);
      return;
    }
    this.#queue.splice(i, 1);
    this.#host.discarded(stream, reason);
  }

  /** Something failed (recognition, command, playback). */
  failed(reason: string): void {
    this.#host.log(`session ${this.boardId}: failure: ${reason}`);
    this.#requested = undefined;
    this.#go('failure');
  }

  /** AUDIO_START while a command runs: the utterance is transcribed now and dispatched in turn. */
  #enqueue(trigger: ListenTrigger, stream: number): StreamPlan | undefined {
    const max = this.#opts.maxQueuedUtterances ?? 3;
    if (this.#queue.length >= max) {
      this.#host.discarded(
        stream,
        `${max} utterance(s) already wait for the current command to finish; say it again when the board is idle`,
      );
      return undefined;
    }
    this.#queue.push({ stream, trigger, ended: false, transcript: undefined });
    this.#go('audio.queued');
    if (this.#opts.earcons) this.#host.earcon('listening');
    return { grammar: 'commands', trigger, endOnSilence: trigger !== 'push-to-talk' };
  }

  /** Idle again: the oldest queued utterance becomes the current one. Returns true when there was one. */
  #resumeQueued(): boolean {
    const next = this.#queue.shift();
    if (!next) return false;
    this.#stream = next.stream;
    this.#trigger = next.trigger;
    if (!next.ended) {
      this.#go('queue.listening');
      this.#timer('max-utterance', this.#opts.maxUtteranceMs, () => {
        if (next.trigger !== 'push-to-talk') this.#host.stopCapture();
        this.#go('timeout.max-utterance');
      });
      return true;
    }
    if (next.transcript === undefined) {
      this.#go('queue.thinking'); // its final is on the way
      return true;
    }
    if (next.rejected) {
      this.#go('queue.dispatch');
      this.#host.dispatch(next.transcript, next.stream, next.rejected);
      return true;
    }
    if (next.transcript === '') {
      this.#go('queue.empty');
      return this.#state !== 'idle' || this.#resumeQueued();
    }
    this.#go('queue.dispatch');
    this.#host.dispatch(next.transcript, next.stream);
    return true;
  }

  /** Stops all timers (shutdown). */
  close(): void {
    this.#clear('no-speech', 'max-utterance', 'error');
  }
}
