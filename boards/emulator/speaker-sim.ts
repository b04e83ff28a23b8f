/**
 * The emulated speaker: a playback buffer of the profile's size drained in (scaled) real time, with
 * SPEAKER_CREDIT flow control exactly as SPEC §4.6 describes, and overrun detection — more data than
 * credited is a host bug, counted and reported with ERROR SPEAKER_OVERRUN.
 */
import { concatPcm } from '../../base/audio/concat.js';
import { BYTES_PER_SAMPLE, decodeAudioBlock } from '../../protocol/ts/audio/index.js';
import {
  AudioCodec,
  type AudioCodecId,
  ErrorCode,
  type Message,
  type SpeakerData,
  type SpeakerStart,
  SpeakerState,
} from '../../protocol/ts/messages.js';

export interface SpeakerStats {
  streams: number;
  bytesReceived: number;
  /** SPEAKER_DATA frames for a stream that is not playing: ignored and counted (SPEC §4.6.8). */
  ignoredFrames: number;
  overruns: number;
  underruns: number;
  /** Largest number of bytes ever buffered at once (never above the buffer size unless overrun). */
  maxBufferedBytes: number;
}

const TICK_MS = 20;

export class SpeakerSim {
  readonly stats: SpeakerStats = {
    streams: 0,
    bytesReceived: 0,
    ignoredFrames: 0,
    overruns: 0,
    underruns: 0,
    maxBufferedBytes: 0,
  };
  /** Encoded blocks of the current (or last) stream, as received. */
  blocks: Uint8Array[] = [];
  codec: AudioCodecId = 0;
  sampleRate = 16000;
  private stream = -1;
  private buffered = 0;
  /** Credit granted and not yet used by the host. */
  private outstanding = 0;
  private freed = 0;
  private ending = false;
  private starved = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly bufferBytes: number,
    private readonly send: (m: Message) => void,
    private readonly onEvent: (event: string, detail: Record<string, unknown>) => void,
    private readonly speed: () => number,
  ) {}

  get playing(): boolean {
    return this.timer !== undefined;
  }
  get bufferedBytes(): number {
    return this.buffered;
  }

  start(m: SpeakerStart): void {
    this.halt();
    this.stats.streams++;
    this.stream = m.stream;
    this.codec = m.codec;
    this.sampleRate = m.sampleRate;
    this.blocks = [];
    this.buffered = 0;
    this.freed = 0;
    this.ending = false;
    this.starved = false;
    const first = m.codec === AudioCodec.PCM16 ? this.bufferBytes & ~1 : this.bufferBytes;
    this.outstanding = first;
    this.credit(first, 0);
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.onEvent('start', { stream: m.stream, codec: m.codec, sampleRate: m.sampleRate });
  }

  data(m: SpeakerData): void {
    if (m.stream !== this.stream || !this.timer) {
      this.stats.ignoredFrames++;
      this.onEvent('ignored', { stream: m.stream, bytes: m.data.length });
      return;
    }
    let bytes = m.data;
    if (bytes.length > this.outstanding) {
      this.stats.overruns++;
      this.send({
        type: 'ERROR',
        code: ErrorCode.SPEAKER_OVERRUN,
        message: `speaker overrun: ${bytes.length} bytes, ${this.outstanding} credited`,
      });
      this.onEvent('overrun', { stream: m.stream, bytes: bytes.length, credited: this.outstanding });
      bytes = bytes.subarray(0, this.outstanding);
    }
    this.outstanding -= bytes.length;
    this.buffered += bytes.length;
    this.stats.bytesReceived += bytes.length;
    this.stats.maxBufferedBytes = Math.max(this.stats.maxBufferedBytes, this.buffered);
    this.blocks.push(Uint8Array.from(bytes));
    this.starved = false;
    this.onEvent('data', { stream: m.stream, bytes: bytes.length, buffered: this.buffered });
  }

  end(stream: number): void {
    if (stream !== this.stream || !this.timer) return;
    this.ending = true;
    if (this.buffered === 0) this.finish(1);
  }

  stop(stream: number): void {
    if (stream !== this.stream || !this.timer) return;
    this.buffered = 0;
    this.finish(2);
  }

  /** SPEC §2.3.3: the host reconnected or went away: a playing stream stops with state 2. */
  stopCurrent(): void {
    if (this.timer) this.stop(this.stream);
  }

  /** Stops without a message (power-on reset, unplug). */
  halt(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Everything received in the current (or last) stream, decoded. */
  samples(): Int16Array {
    return concatPcm(this.blocks.map((b) => decodeAudioBlock(this.codec, b)));
  }

  private tick(): void {
    const bytesPerMs = (this.sampleRate * BYTES_PER_SAMPLE[this.codec]) / 1000;
    const played = Math.min(this.buffered, Math.ceil(bytesPerMs * TICK_MS * this.speed()));
    this.buffered -= played;
    this.freed += played;
    if (this.buffered === 0) {
      if (this.ending) {
        this.finish(1);
        return;
      }
      if (!this.starved && this.stats.bytesReceived > 0) {
        this.starved = true;
        this.stats.underruns++;
      }
    }
    if (this.freed >= this.bufferBytes / 4) {
      // SPEC §4.6.6: credit in whole samples (PCM16: even); the odd byte waits for the next grant.
      const grant = this.codec === AudioCodec.PCM16 ? this.freed & ~1 : this.freed;
      this.outstanding += grant;
      this.credit(grant, 0);
      this.freed -= grant;
    }
  }

  private finish(state: 1 | 2): void {
    this.halt();
    this.credit(0, state === 1 ? SpeakerState.FINISHED : SpeakerState.STOPPED);
    this.onEvent(state === 1 ? 'finished' : 'stopped', { stream: this.stream });
  }

  private credit(creditBytes: number, state: number): void {
    this.send({
      type: 'SPEAKER_CREDIT',
      stream: this.stream,
      creditBytes,
      bufferedBytes: this.buffered,
      state,
      underruns: this.stats.underruns & 0xffff,
    });
  }
}
