/**
 * The emulated board's microphone streams, as the firmware's capture does them
 * (firmware/core/device/hark_device_audio.c): AUDIO_START, AUDIO chunks paced in (scaled) real time —
 * or as fast as the port drains when speed is 0 — and AUDIO_END, in the codec chosen by HELLO_ACK.
 * A stream ends by request (button released, CAPTURE stop), by its length limit (reason 4), or by the
 * board's energy VAD (reason 1) when HELLO_ACK allows it (SPEC §9.3, §9.4); an aborted one (host gone,
 * reconnect) ends with reason 5. Only one stream is open at a time: start() refuses a second one and
 * says so (the board then reports the press as a BUTTON event only, SPEC §9.1.2).
 */
import { once } from 'node:events';
import type { PcmAudio } from '../../base/audio/wav.js';
import type { LinkPort } from '../../base/serial/tty-port.js';
import { type AdpcmEncoderState, encodeAudioBlock } from '../../protocol/ts/audio/index.js';
import {
  type AudioCodecId,
  AudioEndReason,
  AudioTrigger,
  Feature,
  type HelloAck,
  HelloAckFlag,
  type Message,
} from '../../protocol/ts/messages.js';
import { chunkSamples, MAX_CHUNK_MS, MIN_CHUNK_MS, maxChunkMs } from '../../protocol/ts/rules.js';
import { AudioSource } from './audio-source.js';
import { type CaptureStateName, chunkShortenedLog, transitionLog } from './board-log.js';
import { VadSim } from './vad-sim.js';

/** The firmware's default utterance limit when CAPTURE.max_ms is 0 (hark_board_t.max_utterance_ms). */
export const DEFAULT_MAX_UTTERANCE_MS = 15_000;

export interface MicHost {
  readonly sampleRate: number;
  /** HELLO features of the board (BOARD_VAD decides whether the VAD may run). */
  readonly features: number;
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
  /** 0 = no limit (continuous). */
  maxChunks: number;
  samplesPerChunk: number;
  adpcm: AdpcmEncoderState;
}

export class MicStream {
  /** The utterance being streamed, if any. */
  current: MicStreamState | undefined;
  source: AudioSource;
  private streamId = 0xff;
  private timer: NodeJS.Timeout | undefined;
  private readonly vad = new VadSim();
  private capState: CaptureStateName = 'IDLE';
  /** Samples per chunk for the HELLO_ACK in force (SPEC §4.3.5), set by configure(). */
  private samplesPerChunk = 0;

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

  /**
   * SPEC §4.3.5: the chunk for a new HELLO_ACK. A chunk_ms outside 5..100 is taken as the nearest end;
   * one whose AUDIO payload would not fit 1024 bytes becomes the largest that does, with a LOG frame.
   */
  configure(ack: HelloAck): void {
    const asked = ack.chunkMs;
    const ms = Math.min(MAX_CHUNK_MS, Math.max(MIN_CHUNK_MS, asked));
    const fit = maxChunkMs(ack.audioCodec, this.host.sampleRate);
    this.samplesPerChunk = chunkSamples(this.host.sampleRate, Math.min(ms, fit || MIN_CHUNK_MS));
    if (ms > fit || ms !== asked) this.host.send(chunkShortenedLog(asked, this.samplesPerChunk));
  }

  private setCap(to: CaptureStateName): void {
    if (this.capState === to) return;
    this.host.send(transitionLog('capture', this.capState, to));
    this.capState = to;
  }

  /**
   * Opens a stream (AUDIO_START). Returns false, sending nothing, when one is already open or the host
   * has not acknowledged HELLO (the firmware's hark_device_capture_start).
   */
  start(trigger: number, maxMs: number): boolean {
    const ack = this.host.ack();
    if (this.current || !ack) return false;
    this.streamId = (this.streamId + 1) & 0xff;
    const codec = ack.audioCodec;
    const n = this.samplesPerChunk || chunkSamples(this.host.sampleRate, ack.chunkMs || 20);
    const limitMs = trigger === AudioTrigger.CONTINUOUS ? 0 : maxMs || DEFAULT_MAX_UTTERANCE_MS;
    const s: MicStreamState = {
      id: this.streamId,
      codec,
      chunk: 0,
      t0: performance.now(),
      trigger,
      maxChunks: limitMs ? Math.ceil((limitMs * this.host.sampleRate) / 1000 / n) : 0,
      samplesPerChunk: n,
      adpcm: { stepIndex: 0 },
    };
    this.current = s;
    this.vad.reset();
    // Every utterance hears the source from its start, as the native board hears its WAV.
    this.source.rewind();
    this.host.send({ type: 'AUDIO_START', stream: s.id, codec, sampleRate: this.host.sampleRate, trigger });
    this.setCap('STREAMING');
    this.host.emit('stream-start', s.id);
    if (this.host.speed() > 0) this.schedule(s);
    else void this.fast(s);
    return true;
  }

  /** Ends the utterance with AUDIO_END (the firmware drains its ring first; the emulator has none). */
  end(reason: number): void {
    const s = this.current;
    if (!s) return;
    this.stopTimer();
    this.current = undefined;
    this.setCap('DRAINING');
    this.host.send({ type: 'AUDIO_END', stream: s.id, reason, chunks: s.chunk & 0xffff, droppedSamples: 0 });
    this.setCap('IDLE');
    this.host.emit('stream-end', { stream: s.id, reason, chunks: s.chunk });
  }

  /** hark_device_capture_abort: an open stream ends at once with reason 5 (host gone, reconnect). */
  abort(): void {
    if (!this.current) return;
    const s = this.current;
    this.stopTimer();
    this.current = undefined;
    this.host.send({
      type: 'AUDIO_END',
      stream: s.id,
      reason: AudioEndReason.ERROR,
      chunks: s.chunk & 0xffff,
      droppedSamples: 0,
    });
    this.setCap('IDLE');
    this.host.emit('stream-end', { stream: s.id, reason: AudioEndReason.ERROR, chunks: s.chunk });
  }

  /** Stops without a message (power-on reset, unplug). */
  drop(): void {
    this.stopTimer();
    this.current = undefined;
    this.capState = 'IDLE';
  }

  private stopTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private dueAt(s: MicStreamState): number {
    return s.t0 + ((s.chunk + 1) * s.samplesPerChunk * 1000) / this.host.sampleRate / this.host.speed();
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

  /** The board VAD may end this stream: HELLO_ACK allows it and the board has the feature. */
  private vadMayEnd(): boolean {
    const flags = this.host.ack()?.flags ?? 0;
    return (flags & HelloAckFlag.BOARD_VAD_MAY_END) !== 0 && (this.host.features & Feature.BOARD_VAD) !== 0;
  }

  /** Returns the port's write() result (false = wait for drain). */
  private sendChunk(s: MicStreamState): boolean {
    const samples = this.source.next(s.samplesPerChunk);
    const vadEnd =
      this.vadMayEnd() &&
      this.vad.process(samples, Math.round((s.samplesPerChunk * 1000) / this.host.sampleRate)) === 'end';
    const data = encodeAudioBlock(s.codec, samples, s.adpcm);
    const ok = this.host.send({ type: 'AUDIO', stream: s.id, chunk: s.chunk & 0xffff, data });
    s.chunk++;
    this.host.countChunk();
    if (this.source.exhausted) this.host.emit('audio-exhausted', s.id);
    if (this.current !== s) return ok;
    if (s.maxChunks > 0 && s.chunk >= s.maxChunks) this.end(AudioEndReason.MAX_LENGTH);
    else if (vadEnd && s.trigger !== AudioTrigger.CONTINUOUS) this.end(AudioEndReason.BOARD_VAD);
    return ok;
  }
}
