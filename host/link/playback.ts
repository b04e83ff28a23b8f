/**
 * Speaker playback with credit flow control (SPEC §4.6), in the link worker: SPEAKER_START, then
 * SPEAKER_DATA only as far as the board has granted credit, SPEAKER_END, and the result once the board
 * reports state 1 (finished) or 2 (stopped). The host never holds more unsent credit than granted, so a
 * board's buffer cannot overrun whatever the link speed.
 */

import { HarkError } from '../../base/errors.js';
import {
  AudioCodec,
  type Hello,
  type Message,
  type SpeakerCredit,
  SpeakerKind,
} from '../../protocol/ts/messages.js';
import type { PlayAudio } from './types.js';

type Result = 'finished' | 'stopped';

interface Active {
  stream: number;
  data: Uint8Array;
  /** Largest data bytes per SPEAKER_DATA frame. */
  perFrame: number;
  offset: number;
  credit: number;
  ended: boolean;
  resolve: (r: Result) => void;
  reject: (e: Error) => void;
}

export class Playback {
  private active: Active | undefined;
  private streamId = 0;

  constructor(
    private readonly where: () => string,
    private readonly send: (m: Message) => Promise<void>,
  ) {}

  get playing(): boolean {
    return this.active !== undefined;
  }

  /** Plays `audio` on the board described by `hello`; a playback already running is stopped first. */
  async play(hello: Hello, audio: PlayAudio): Promise<Result> {
    if (hello.speakerKind !== SpeakerKind.PCM) {
      throw new HarkError(
        'HARK_ERR_LINK_PLAYBACK',
        `${this.where()} has no PCM speaker (use TONE for a piezo)`,
      );
    }
    if (!(hello.speakerCodecs & (1 << audio.codec)) || audio.codec === AudioCodec.IMA_ADPCM) {
      throw new HarkError(
        'HARK_ERR_LINK_PLAYBACK',
        `${this.where()}: speaker codec ${audio.codec} not supported here (the board offers mask ${hello.speakerCodecs}; play() sends PCM16 or µ-law)`,
      );
    }
    if (this.active) await this.stop();
    this.streamId = (this.streamId + 1) & 0xff;
    // Largest data bytes per frame: the board's receive limit minus the stream byte, kept sample-aligned.
    const perFrame = Math.max(2, Math.min(hello.maxRxPayload, 1024) - 1) & ~1;
    const stream = this.streamId;
    const done = new Promise<Result>((resolve, reject) => {
      this.active = {
        stream,
        data: audio.data,
        perFrame,
        offset: 0,
        credit: 0,
        ended: false,
        resolve,
        reject,
      };
    });
    await this.send({ type: 'SPEAKER_START', stream, codec: audio.codec, sampleRate: audio.sampleRate });
    return done;
  }

  /** SPEAKER_CREDIT from the board. */
  onCredit(m: SpeakerCredit): void {
    const a = this.active;
    if (!a || m.stream !== a.stream) return;
    if (m.state === 1 || m.state === 2) {
      this.active = undefined;
      a.resolve(m.state === 1 ? 'finished' : 'stopped');
      return;
    }
    a.credit += m.creditBytes;
    this.pump(a);
  }

  private pump(a: Active): void {
    while (a.credit > 0 && a.offset < a.data.length && this.active === a) {
      let n = Math.min(a.credit, a.perFrame, a.data.length - a.offset);
      if (n > 1 && n < a.data.length - a.offset) n &= ~1; // keep PCM16 frames sample-aligned
      const data = a.data.subarray(a.offset, a.offset + n);
      a.offset += n;
      a.credit -= n;
      this.send({ type: 'SPEAKER_DATA', stream: a.stream, data }).catch((e) => this.fail(e as Error));
    }
    if (a.offset >= a.data.length && !a.ended && this.active === a) {
      a.ended = true;
      this.send({ type: 'SPEAKER_END', stream: a.stream }).catch((e) => this.fail(e as Error));
    }
  }

  /** SPEAKER_STOP; resolves once the board confirmed (or at once when nothing plays). */
  async stop(): Promise<void> {
    const a = this.active;
    if (!a) return;
    const stopped = new Promise<void>((r) => {
      const { resolve, reject } = a;
      a.resolve = (x) => {
        resolve(x);
        r();
      };
      a.reject = (e) => {
        reject(e);
        r();
      };
    });
    await this.send({ type: 'SPEAKER_STOP', stream: a.stream });
    await stopped;
  }

  /** The link dropped or the board reset: the playback fails. */
  abort(reason: string): void {
    const a = this.active;
    this.active = undefined;
    a?.reject(new HarkError('HARK_ERR_LINK_PLAYBACK', `${this.where()}: playback interrupted (${reason})`));
  }

  private fail(e: Error): void {
    const a = this.active;
    this.active = undefined;
    a?.reject(e);
  }
}
