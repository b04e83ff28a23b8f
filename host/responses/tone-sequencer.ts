/**
 * One board's TONE frames in order. A board plays one TONE at a time and a new TONE replaces the one
 * playing (SPEC §4.5), so a command's tone sent right after the "stopped" earcon would cut the earcon
 * off after a few milliseconds (measured on the simulated Uno: 65 ms into a 150 ms earcon). Tones
 * therefore wait for the one playing to end; only an interrupting tone (the "listening" earcon, the
 * answer to a fresh press) replaces it at once and drops whatever was waiting.
 */
import type { Tone } from '../../protocol/ts/messages.js';

/** Added to a tone's length before the next is sent: the frames' trip and the board's loop pass. */
const SETTLE_MS = 15;

export class ToneSequencer {
  readonly #send: (tone: Tone) => void;
  readonly #now: () => number;
  /** When the tone last sent stops playing (host clock, ms). */
  #playingUntil = 0;
  readonly #waiting: { tone: Tone; sent: () => void }[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(send: (tone: Tone) => void, now: () => number = () => performance.now()) {
    this.#send = send;
    this.#now = now;
  }

  /**
   * Plays `tone` after the one playing, or at once with `interrupt`. Resolves once the tone is sent,
   * or dropped (an interrupting tone or clear() came first).
   */
  play(tone: Tone, opts: { interrupt?: boolean } = {}): Promise<void> {
    if (opts.interrupt) {
      this.#drop();
      this.#start(tone);
      return Promise.resolve();
    }
    return new Promise((sent) => {
      this.#waiting.push({ tone, sent });
      this.#next();
    });
  }

  /** Forgets waiting tones (the board reset or the session ended). */
  clear(): void {
    this.#drop();
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#playingUntil = 0;
  }

  #next(): void {
    if (this.#timer || this.#waiting.length === 0) return;
    const wait = this.#playingUntil - this.#now();
    if (wait <= 0) {
      const first = this.#waiting.shift()!;
      this.#start(first.tone);
      first.sent();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#next();
    }, wait);
    this.#timer.unref();
  }

  #start(tone: Tone): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const ms = tone.steps.reduce((sum, s) => sum + s.durationMs, 0);
    this.#playingUntil = this.#now() + ms + SETTLE_MS;
    this.#send(tone);
    this.#next();
  }

  #drop(): void {
    for (const w of this.#waiting.splice(0)) w.sent();
  }
}
