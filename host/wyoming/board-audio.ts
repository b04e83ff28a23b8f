/**
 * A board's utterance as Wyoming wants it: each AUDIO chunk the link routes (PCM16, µ-law or
 * IMA-ADPCM at the board's rate) decoded, resampled to 16 kHz 16-bit mono, with lost chunks filled
 * with silence so timestamps stay true; the host VAD runs on the same samples (end of speech for
 * tap-to-talk), and the level of every 100 ms is measured (dashboard meter, one answer per room).
 */
import { type AudioLevel, LevelMeter } from '../../base/audio/level-meter.js';
import { Resampler } from '../../base/audio/resample.js';
import { decodeAudioBlock } from '../../protocol/ts/audio/index.js';
import type { AudioCodecId } from '../../protocol/ts/messages.js';
import type { AudioChunkMessage } from '../link/audio-route.js';
import type { EndOfSpeechOptions } from '../transcription/types.js';
import { EnergyVad, type VadEvent } from '../transcription/vad.js';

const OUT_RATE = 16000;
const MAX_GAP_MS = 1000;

/** One converted chunk: Wyoming's payload bytes, VAD boundaries, and the chunk's level. */
export interface ConvertedChunk {
  /** PCM16 little-endian at 16 kHz mono. */
  pcm: Uint8Array;
  vad: VadEvent[];
  /** The levels of the 100 ms blocks this chunk completed (usually none or one). */
  levels: AudioLevel[];
  /** Audio position (ms from the stream's start) where this chunk begins. */
  timestampMs: number;
}

/** Little-endian bytes of `samples` (a view when the platform is little-endian, which Linux hosts are). */
export function pcmBytes(samples: Int16Array): Uint8Array {
  return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
}

export class BoardAudioConverter {
  readonly #codec: AudioCodecId;
  readonly #inRate: number;
  readonly #resampler: Resampler;
  readonly #vad: EnergyVad;
  readonly #meter = new LevelMeter(OUT_RATE);
  #samplesOut = 0;
  #lastChunkSamples = 0;

  constructor(codec: AudioCodecId, sampleRate: number, endOfSpeech: Partial<EndOfSpeechOptions> = {}) {
    this.#codec = codec;
    this.#inRate = sampleRate;
    this.#resampler = new Resampler(sampleRate, OUT_RATE);
    this.#vad = new EnergyVad(OUT_RATE, endOfSpeech);
  }

  /** Audio converted so far, ms. */
  get audioMs(): number {
    return (this.#samplesOut * 1000) / OUT_RATE;
  }

  chunk(m: AudioChunkMessage): ConvertedChunk {
    const timestampMs = Math.round(this.audioMs);
    const decoded = decodeAudioBlock(this.#codec, m.data);
    let filler: Int16Array | undefined;
    if (m.gap > 0 && this.#lastChunkSamples > 0) {
      const n = Math.min(m.gap * this.#lastChunkSamples, (this.#inRate * MAX_GAP_MS) / 1000);
      filler = this.#resampler.process(new Int16Array(n));
    }
    // A message may join several board chunks (the link's audioBatchMs): a gap counts board chunks.
    if (decoded.length > 0) this.#lastChunkSamples = Math.round(decoded.length / (m.chunks ?? 1));
    const main = this.#resampler.process(decoded);
    const out = filler ? concat(filler, main) : main;
    return { ...this.#account(out), timestampMs };
  }

  /** The resampler's tail at the end of the utterance. */
  flush(): ConvertedChunk {
    const timestampMs = Math.round(this.audioMs);
    return { ...this.#account(this.#resampler.flush()), timestampMs };
  }

  #account(samples: Int16Array): Omit<ConvertedChunk, 'timestampMs'> {
    const vad = samples.length > 0 ? this.#vad.push(samples) : [];
    const levels = this.#meter.push(samples);
    this.#samplesOut += samples.length;
    return { pcm: pcmBytes(samples), vad, levels };
  }
}

function concat(a: Int16Array, b: Int16Array): Int16Array {
  const out = new Int16Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
