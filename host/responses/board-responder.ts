/**
 * Everything that goes down to one board: the LED (resolved by priority from the session's
 * conditions and the last command override, de-duplicated), earcons, VOLUME, and a command's
 * response — tone, speech (espeak-ng → speaker codec → `link.play()` with credit flow control) or
 * recorded audio. Playback can be interrupted (a button press while speaking).
 */
import { readFile } from 'node:fs/promises';
import { type PcmAudio, parseWav } from '../../base/audio/wav.js';
import { type Hello, type Message, SpeakerKind } from '../../protocol/ts/messages.js';
import type { Response } from '../commands/index.js';
import type { HarkConfig, LedEffectConfig } from '../config/index.js';
import { errorEvent, type PipelineEvent } from '../events.js';
import type { LinkManager } from '../link/index.js';
import type { SpeechService } from '../tts/speech-service.js';
import { type EarconName, earconMessage } from './earcons.js';
import { type LedCondition, ledMessage, resolveLed } from './led-priority.js';
import { planResponse } from './response-plan.js';
import { convertAudio, prepareSpeech, type RemoteSpeech, type SpeakerAudio } from './speech.js';
import { ToneSequencer } from './tone-sequencer.js';

export interface BoardResponderDeps {
  link: LinkManager;
  config: HarkConfig;
  emit: (e: PipelineEvent) => void;
  boardId: string;
  /** The board's current HELLO (it changes on reconnect). */
  hello: () => Hello;
  /** A remote synthesiser (Wyoming TTS) tried before espeak-ng. */
  remoteSpeech?: RemoteSpeech;
  /** The speech worker (synthesis, resampling, encoding, reply cache off main); without it, on main. */
  speech?: SpeechService;
}

export class BoardResponder {
  /** Speaker volume, percent (sent on every handshake). */
  volume: number;
  readonly #d: BoardResponderDeps;
  #override: LedEffectConfig | undefined;
  #overrideTimer: NodeJS.Timeout | undefined;
  #conditions: ReadonlySet<LedCondition> = new Set();
  #playback: AbortController | undefined;
  #lastLed = '';
  #closed = false;
  readonly #tones = new ToneSequencer((tone) => this.send(tone));

  constructor(deps: BoardResponderDeps) {
    this.#d = deps;
    this.volume = deps.config.volume;
  }

  /** After a handshake the board forgot its LED and volume (and plays no tone). */
  connected(): void {
    this.#tones.clear();
    this.#lastLed = '';
    this.send({ type: 'VOLUME', level: this.volume });
  }

  /** The session's LED conditions changed. */
  showConditions(conditions: ReadonlySet<LedCondition>): void {
    this.#conditions = conditions;
    this.#sendLed();
  }

  earcon(name: EarconName): void {
    if (this.#d.hello().speakerKind === SpeakerKind.NONE) return;
    // a fresh press is answered at once; every other earcon waits for the tone playing
    void this.#tones.play(earconMessage(name), { interrupt: name === 'listening' });
  }

  /**
   * Sends one response: LED override, volume, tone, then speech or audio (awaited).
   * `started` is called once something audible or visible goes out.
   */
  async respond(r: Response, started: () => void): Promise<void> {
    const plan = planResponse(r, this.#d.hello(), this.#d.config, this.volume);
    const audible = plan.tone !== undefined || plan.speak !== undefined || plan.audio !== undefined;
    if (audible || plan.led !== undefined) started();
    if (plan.led !== undefined) this.#setOverride(plan.led);
    if (plan.volume !== undefined) {
      this.volume = plan.volume;
      this.send({ type: 'VOLUME', level: plan.volume });
    }
    if (plan.tone) await this.#tones.play(plan.tone);
    if (plan.speak) await this.#speak(plan.speak);
    if (plan.audio !== undefined) await this.#playRecorded(plan.audio);
  }

  /** Stops speech now (SPEAKER_STOP); the pending respond() resolves. */
  stopPlayback(): void {
    this.#playback?.abort();
  }

  async #speak(text: string): Promise<void> {
    const { config } = this.#d;
    try {
      const audio = await prepareSpeech(text, this.#d.hello(), {
        voice: config.voice,
        wpm: config.voiceWpm,
        ...(this.#d.remoteSpeech ? { remote: this.#d.remoteSpeech } : {}),
        ...(this.#d.speech ? { service: this.#d.speech } : {}),
      });
      const result = await this.#play(audio);
      this.#d.emit({ event: 'speech', boardId: this.#d.boardId, text, durationMs: audio.durationMs, result });
    } catch (e) {
      this.#d.emit(errorEvent(this.#d.boardId, e));
    }
  }

  async #playRecorded(source: string | PcmAudio): Promise<void> {
    const what = typeof source === 'string' ? source : 'recorded audio';
    try {
      const pcm = typeof source === 'string' ? parseWav(await readFile(source), source) : source;
      const audio = await convertAudio(
        pcm,
        this.#d.hello(),
        this.#d.speech ? { service: this.#d.speech } : {},
      );
      const result = await this.#play(audio);
      this.#d.emit({
        event: 'speech',
        boardId: this.#d.boardId,
        text: `[${what}]`,
        durationMs: audio.durationMs,
        result,
      });
    } catch (e) {
      this.#d.emit(errorEvent(this.#d.boardId, e));
    }
  }

  /** Plays `audio`; a newer playback or stopPlayback() stops it. */
  async #play(audio: SpeakerAudio): Promise<'finished' | 'stopped'> {
    this.#playback?.abort();
    const ac = new AbortController();
    this.#playback = ac;
    try {
      // The bytes are ours alone (made for this playback): moved to the link worker, not copied.
      return await this.#d.link.play(this.#d.boardId, audio, ac.signal, { transfer: true });
    } finally {
      if (this.#playback === ac) this.#playback = undefined;
    }
  }

  #setOverride(led: { effect: LedEffectConfig; durationMs: number } | null): void {
    clearTimeout(this.#overrideTimer);
    this.#override = led?.effect;
    if (led && led.durationMs > 0) {
      this.#overrideTimer = setTimeout(() => {
        this.#override = undefined;
        this.#sendLed();
      }, led.durationMs);
      this.#overrideTimer.unref();
    }
    this.#sendLed();
  }

  #sendLed(): void {
    const resolved = resolveLed(this.#conditions, this.#d.config.leds, this.#override);
    const msg = ledMessage(resolved, this.#d.hello());
    if (!msg) return;
    const key = JSON.stringify(msg);
    if (key === this.#lastLed) return; // the LED already shows this
    this.#lastLed = key;
    this.send(msg);
  }

  /**
   * Writes a message to the board; a failure becomes an error event (the link reconnects by itself).
   * After close() nothing is sent: a shutdown must not report LEDs it could no longer show.
   */
  send(m: Message): void {
    if (this.#closed) return;
    this.#d.link.send(this.#d.boardId, m).catch((e: unknown) => this.#d.emit(errorEvent(this.#d.boardId, e)));
  }

  close(): void {
    this.#closed = true;
    this.#tones.clear();
    clearTimeout(this.#overrideTimer);
    this.#playback?.abort();
  }
}
