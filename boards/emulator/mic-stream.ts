/**
 * The emulated board's microphone streams: AUDIO_START, AUDIO chunks paced in (scaled) real time — or
 * as fast as the port drains when speed is 0 — and AUDIO_END, in the codec chosen by HELLO_ACK.
 */
import { once } from 'node:events';
import type { PcmAudio } from '../../base/audio/wav.js';
import type { LinkPort } from '../../base/serial/tty-port.js';
import { type AdpcmEncoderState, encodeAudioBlock } from '../../protocol/ts/audio/index.js';
import {
  type AudioCodecId,
  AudioEndReason,
  AudioTrigger,
  type HelloAck,
  type Message,
} from '../../protocol/ts/messages.js';
import { AudioSource } from './audio-source.js';

export interface MicHost {
  readonly sampleRate: number;
  ack(): HelloAck | undefined;
  speed(): number;
  send(m: Message): boolean;
  emit(event: string, payload: unknown): void;
  port(): LinkPort | undefined;
  countChunk(): void;
}

export interface MicStreamState {
  id: number;
  codec: AudioCodecId;
  chunk: number;
  t0: number;
  trigger: number;
  maxChunks: number;
  adpcm: AdpcmEncoderState;
}

export class MicStream {
  /** The utterance being streamed, if any. */
  current: MicStreamState | undefined;
  source: AudioSource;
  private streamId = 0xff;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly host: MicHost,
    audio: PcmAudio | undefined,
    repeat: boolean,
  ) {
    this.source = new AudioSource(audio, host.sampleRate, repeat);
  }

  setAudio(audio: PcmAudio | undefined, repeat: boolean): void {
    this.source = new AudioSource(audio, this.host.sampleRate, repeat);
  }

  start(trigger: number, maxChunks: number): void {
    const ack = this.host.ack();
    if (this.current || !ack) return;
    this.streamId = (this.streamId + 1) & 0xff;
    const codec = ack.audioCodec;
    const s: MicStreamState = {
      id: this.streamId,
      codec,
      chunk: 0,
      t0: performance.now(),
      trigger,
      maxChunks,
      adpcm: { stepIndex: 0 },
    };
    this.current = s;
    if (trigger !== AudioTrigger.BUTTON) this.source.rewind();
    this.host.send({ type: 'AUDIO_START', stream: s.id, codec, sampleRate: this.host.sampleRate, trigger });
    this.host.emit('stream-start', s.id);
    if (this.host.speed() > 0) this.schedule(s);
    else void this.fast(s);
  }

  /** Ends the utterance with AUDIO_END. */
  end(reason: number): void {
    const s = this.current;
    if (!s) return;
    this.drop();
    this.host.send({ type: 'AUDIO_END', stream: s.id, reason, chunks: s.chunk & 0xffff, droppedSamples: 0 });
    this.host.emit('stream-end', { stream: s.id, reason, chunks: s.chunk });
  }

  /** Stops without a message (reset, unplug, host gone). */
  drop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.current = undefined;
  }

  private chunkMs(): number {
    return this.host.ack()?.chunkMs || 20;
  }

  private dueAt(s: MicStreamState): number {
    return s.t0 + ((s.chunk + 1) * this.chunkMs()) / this.host.speed();
  }

  private schedule(s: MicStreamState): void {
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        // Send every chunk that is due (timers run late on a busy machine; a real mic does not wait).
        while (this.current === s && performance.now() >= this.dueAt(s)) this.sendChunk(s);
        if (this.current === s) this.schedule(s);
      },
      Math.max(0, this.dueAt(s) - performance.now()),
    );
  }

  private async fast(s: MicStreamState): Promise<void> {
    while (this.current === s) {
      const ok = this.sendChunk(s);
      const port = this.host.port();
      if (!ok && port) await once(port, 'drain');
      else if (s.chunk % 16 === 0) await new Promise((r) => setImmediate(r));
    }
  }

  /** Returns the port's write() result (false = wait for drain). */
  private sendChunk(s: MicStreamState): boolean {
    const n = Math.round((this.host.sampleRate * this.chunkMs()) / 1000);
    const data = encodeAudioBlock(s.codec, this.source.next(n), s.adpcm);
    const ok = this.host.send({ type: 'AUDIO', stream: s.id, chunk: s.chunk & 0xffff, data });
    s.chunk++;
    this.host.countChunk();
    if (this.source.exhausted) {
      this.host.emit('audio-exhausted', s.id);
      if (s.trigger === AudioTrigger.HOST_CAPTURE) this.end(AudioEndReason.BOARD_VAD);
    }
    if (this.current === s && s.maxChunks > 0 && s.chunk >= s.maxChunks) this.end(AudioEndReason.MAX_LENGTH);
    return ok;
  }
}
