/**
 * The cepstral mean of a stretch of audio, computed with pocketsphinx's own front end (fe_process_utt,
 * the same MFCC settings as the decoders), for a board heard for the first time: its decoder starts
 * from the mean of the utterance's first second instead of the model's generic prior, so the first
 * utterance needs no second decode. Frames with negative c0 are left out, as pocketsphinx's live
 * cepstral mean normalisation leaves them out.
 */
import type { PsApi } from './pocketsphinx-api.js';

export class CepstralMean {
  private readonly fe: unknown;

  /** `config` is a decoder's configuration (ps_get_config): its front-end settings are reused. */
  constructor(
    private readonly a: PsApi,
    config: unknown,
    /** Coefficients per frame (the model's -ceplen, 13). */
    private readonly cepsize: number,
  ) {
    this.fe = a.fe_init_auto_r(config);
  }

  /** The mean cepstrum of `samples` (16 kHz), or undefined when no frame carries energy. */
  of(samples: Int16Array): Float32Array | undefined {
    if (!this.fe || samples.length === 0) return undefined;
    const out: unknown[] = [null];
    const n = [0];
    if ((this.a.fe_process_utt(this.fe, samples, samples.length, out, n) as number) < 0 || !out[0])
      return undefined;
    const { koffi } = this.a;
    try {
      const rows = koffi.decode(out[0], koffi.array('void *', n[0]!)) as unknown[];
      const mean = new Float32Array(this.cepsize);
      let used = 0;
      for (const row of rows) {
        const c = koffi.decode(row, koffi.array('float', this.cepsize)) as Float32Array;
        if (!(c[0]! >= 0)) continue;
        for (let i = 0; i < this.cepsize; i++) mean[i] = mean[i]! + c[i]!;
        used++;
      }
      if (used === 0) return undefined;
      for (let i = 0; i < this.cepsize; i++) mean[i] = mean[i]! / used;
      return mean;
    } finally {
      this.a.fe_free_2d(out[0]);
    }
  }

  close(): void {
    if (this.fe) this.a.fe_free(this.fe);
  }
}
