/**
 * Speaker playback with credit flow control (SPEC §4.6 and 1.1 §9–11), in the link worker:
 * SPEAKER_START, then SPEAKER_DATA only as far as the board has granted credit, SPEAKER_END, and the
 * result once the board reports state 1 (finished) or 2 (stopped). The host never holds more unsent
 * credit than granted, so a board's buffer cannot overrun whatever the link speed.
 *
 * 1.1 rules (SPEC §4.6.6–4.6.9): frames carry whole samples (PCM16: an even byte count) — an odd credit is used down to
 * whole samples and the rest kept for the next grant; after SPEAKER_STOP or SPEAKER_END no SPEAKER_DATA
 * of that stream leaves (credits in flight are ignored, and frames still queued in the link's writer are
 * cancelled before STOP goes out); a board that grants no credit for max(2 s, 2 × its buffer's play
 * time) while a playback is active gets SPEAKER_STOP and the playback fails with
 * HARK_ERR_LINK_SPEAKER_STALLED, instead of waiting for ever.
 */

import { HarkError } from '../../base/errors.js';
import {
  AudioCodec,
  type Hello,
  type Message,
  type SpeakerCredit,
  SpeakerKind,
  SpeakerState,
} from '../../protocol/ts/messages.js';
import { speakerStallMs } from '../../protocol/ts/rules.js';
import type { PlayAudio } from './types.js';

type Result = 'finished' | 'stopped';

interface Active {
  stream: number;
  data: Uint8Array;
  /** Bytes per sample of the stream's codec: frames and credits are used in whole samples. */
  sampleBytes: number;
  /** Largest data bytes per SPEAKER_DATA frame (whole samples). */
  perFrame: number;
  offset: number;
  credit: number;
  /** SPEAKER_END sent. */
  ended: boolean;
  /** SPEAKER_STOP sent (or about to be). */
  stopping: boolean;
  /** No credit for this long while active → stalled. */
  stallMs: number;
  stallTimer: NodeJS.Timeout | undefined;
  resolve: (r: Result) => void;
  reject: (e: Error) => void;
}

export class Playback {
  private active: Active | undefined;
  private streamId = 0;
  /** Credits that arrived for a stream that was stopping or ended (ignored). */
  creditsIgnored = 0;

  constructor(
    private readonly where: () => string,
    private readonly send: (m: Message) => Promise<void>,
    /** Drops queued, unsent SPEAKER_DATA of a stream; returns how many. */
    private readonly cancelQueued: (stream: number) => number = () => 0,
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
    const sampleBytes = audio.codec === AudioCodec.PCM16 ? 2 : 1;
    // A trailing half sample is not audio: drop it rather than send an odd-length PCM16 frame.
    const data = audio.data.subarray(0, audio.data.length - (audio.data.length % sampleBytes));
    // Largest data bytes per frame: the board's receive limit minus the stream byte, in whole samples.
    const room = Math.min(hello.maxRxPayload, 1024) - 1;
    const perFrame = Math.max(sampleBytes, room - (room % sampleBytes));
    const stream = this.streamId;
    const done = new Promise<Result>((resolve, reject) => {
      this.active = {
        stream,
        data,
        sampleBytes,
        perFrame,
        offset: 0,
        credit: 0,
        ended: false,
        stopping: false,
        stallMs: speakerStallMs(hello.speakerBufferBytes, audio.sampleRate * sampleBytes),
        stallTimer: undefined,
        resolve,
        reject,
      };
    });
    const a = this.active!;
    this.armStall(a);
    await this.send({ type: 'SPEAKER_START', stream, codec: audio.codec, sampleRate: audio.sampleRate });
    return done;
  }

  /** SPEAKER_CREDIT from the board. */
  onCredit(m: SpeakerCredit): void {
    const a = this.active;
    if (!a || m.stream !== a.stream) return;
    if (m.state === SpeakerState.FINISHED || m.state === SpeakerState.STOPPED) {
      this.finish(a);
      a.resolve(m.state === SpeakerState.FINISHED ? 'finished' : 'stopped');
      return;
    }
    this.armStall(a); // the board is alive and playing
    if (a.stopping || a.ended) {
      this.creditsIgnored++; // SPEC 1.1 §10: no data after STOP/END, whatever credit is in flight
      return;
    }
    a.credit += m.creditBytes;
    this.pump(a);
  }

  private pump(a: Active): void {
    while (!a.stopping && !a.ended && this.active === a && a.offset < a.data.length) {
      let n = Math.min(a.credit, a.perFrame, a.data.length - a.offset);
      n -= n % a.sampleBytes; // whole samples; the rest of an odd credit waits for the next grant
      if (n <= 0) break;
      const data = a.data.subarray(a.offset, a.offset + n);
      a.offset += n;
      a.credit -= n;
      this.send({ type: 'SPEAKER_DATA', stream: a.stream, data }).catch((e) => this.fail(a, e as Error));
    }
    if (a.offset >= a.data.length && !a.ended && !a.stopping && this.active === a) {
      a.ended = true;
      this.send({ type: 'SPEAKER_END', stream: a.stream }).catch((e) => this.fail(a, e as Error));
    }
  }

  /** SPEAKER_STOP; resolves once the board confirmed, the playback failed, or at once when nothing plays. */
  async stop(): Promise<void> {
    const a = this.active;
    if (!a) return;
    const settled = new Promise<void>((r) => {
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
    if (!a.stopping) {
      a.stopping = true;
      this.cancelQueued(a.stream); // queued, unsent SPEAKER_DATA must not follow the STOP
      await this.send({ type: 'SPEAKER_STOP', stream: a.stream });
    }
    await settled;
  }

  /** The link dropped, the board reset, or the host is closing (`quiet`: the playback just stops). */
  abort(reason: string, quiet = false): void {
    const a = this.active;
    if (!a) return;
    this.finish(a);
    if (quiet) a.resolve('stopped');
    else
      a.reject(new HarkError('HARK_ERR_LINK_PLAYBACK', `${this.where()}: playback interrupted (${reason})`));
  }

  private armStall(a: Active): void {
    clearTimeout(a.stallTimer);
    a.stallTimer = setTimeout(() => this.stalled(a), a.stallMs);
  }

  private stalled(a: Active): void {
    if (this.active !== a) return;
    const left = a.data.length - a.offset;
    const e = new HarkError(
      'HARK_ERR_LINK_SPEAKER_STALLED',
      `${this.where()}: the speaker granted no credit for ${a.stallMs} ms${left > 0 ? ` with ${left} bytes still to send` : ' after the last data'}; the playback was stopped (SPEAKER_STOP sent). The board's speaker task is hung or its buffer never drains`,
      { details: { stream: a.stream, bytesLeft: left } },
    );
    const wasStopping = a.stopping;
    a.stopping = true;
    this.fail(a, e);
    if (!wasStopping) {
      this.cancelQueued(a.stream);
      this.send({ type: 'SPEAKER_STOP', stream: a.stream }).catch(() => {});
    }
  }

  private finish(a: Active): void {
    clearTimeout(a.stallTimer);
    if (this.active === a) this.active = undefined;
  }

  private fail(a: Active, e: Error): void {
    if (this.active !== a) return;
    this.finish(a);
    a.reject(e);
  }
}
