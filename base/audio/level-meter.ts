/**
 * The loudness of a stream, block by block: RMS and peak in dBFS over each `blockMs` of samples. A
 * live meter (the dashboard) and the signal comparison of one answer per room read it; it runs where
 * the samples are (the ASR and Wyoming workers), so audio never has to reach main for either.
 */

/** One block's level, in dBFS (-100 for digital silence). */
export interface AudioLevel {
  rmsDb: number;
  peakDb: number;
}

const db = (v: number) => (v <= 0 ? -100 : Math.max(-100, 20 * Math.log10(v / 32768)));

export class LevelMeter {
  readonly #blockSamples: number;
  #sum = 0;
  #peak = 0;
  #n = 0;

  constructor(sampleRate: number, blockMs = 100) {
    this.#blockSamples = Math.max(1, Math.round((sampleRate * blockMs) / 1000));
  }

  /** Adds samples; returns the levels of the blocks they complete (usually none or one). */
  push(samples: Int16Array): AudioLevel[] {
    const out: AudioLevel[] = [];
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i]!;
      this.#sum += s * s;
      const a = s < 0 ? -s : s;
      if (a > this.#peak) this.#peak = a;
      if (++this.#n === this.#blockSamples) {
        out.push({ rmsDb: db(Math.sqrt(this.#sum / this.#n)), peakDb: db(this.#peak) });
        this.#sum = 0;
        this.#peak = 0;
        this.#n = 0;
      }
    }
    return out;
  }
}
