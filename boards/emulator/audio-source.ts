/**
 * The emulated microphone: PCM from a WAV file, raw PCM16 or an Int16Array, resampled once to the
 * board's mic rate, handed out a chunk at a time.
 */
import { readFileSync } from 'node:fs';
import { resample } from '../../base/audio/resample.js';
import { type PcmAudio, parseWav } from '../../base/audio/wav.js';

/** Reads a `.wav` file, or a headerless file as mono PCM16 little-endian at `rawSampleRate`. */
export function loadPcm(path: string, rawSampleRate = 16000): PcmAudio {
  const buf = readFileSync(path);
  if (buf.subarray(0, 4).toString('latin1') === 'RIFF') return parseWav(buf, path);
  const samples = new Int16Array(buf.length >> 1);
  for (let i = 0; i < samples.length; i++) samples[i] = buf.readInt16LE(i * 2);
  return { sampleRate: rawSampleRate, samples };
}

export class AudioSource {
  private readonly samples: Int16Array;
  private pos = 0;

  /** `audio` is resampled to `rate` once, here. */
  constructor(
    audio: PcmAudio | undefined,
    readonly rate: number,
    private readonly repeat = false,
  ) {
    const s = audio?.samples ?? new Int16Array(0);
    this.samples = audio && audio.sampleRate !== rate ? resample(s, audio.sampleRate, rate) : s;
  }

  /** Total samples of the source at the mic rate. */
  get length(): number {
    return this.samples.length;
  }

  /** True once every sample has been handed out (never, when repeating a non-empty source). */
  get exhausted(): boolean {
    return this.pos >= this.samples.length && !(this.repeat && this.samples.length > 0);
  }

  rewind(): void {
    this.pos = 0;
  }

  /** The next `n` samples; silence past the end (a mic keeps recording a quiet room). */
  next(n: number): Int16Array {
    const out = new Int16Array(n);
    let filled = 0;
    while (filled < n) {
      if (this.pos >= this.samples.length) {
        if (!this.repeat || this.samples.length === 0) break;
        this.pos = 0;
      }
      const take = Math.min(n - filled, this.samples.length - this.pos);
      out.set(this.samples.subarray(this.pos, this.pos + take), filled);
      filled += take;
      this.pos += take;
    }
    return out;
  }
}
