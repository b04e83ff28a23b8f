/**
 * The board's energy VAD, as firmware/core/vad/hark_vad.c computes it (same defaults, same integer
 * arithmetic), so an emulated tap or host capture with HELLO_ACK's BOARD_VAD_MAY_END ends where the
 * firmware's would (SPEC §9.3, §9.4).
 */

/** hark_vad_config_t defaults. */
const MIN_LEVEL = 400;
const RATIO = 3;
const MIN_SPEECH_MS = 300;
const SILENCE_MS = 700;

export type VadResult = 'silence' | 'speech' | 'end';

const sat16 = (v: number): number => Math.min(0xffff, v);

export class VadSim {
  private floor = 0;
  private primed = false;
  private speechMs = 0;
  private silenceMs = 0;

  /** hark_vad_reset: a new utterance (the noise floor is kept). */
  reset(): void {
    this.speechMs = 0;
    this.silenceMs = 0;
  }

  /** hark_vad_process over one chunk of `chunkMs`. */
  process(samples: Int16Array, chunkMs: number): VadResult {
    const n = samples.length;
    if (n === 0) return 'silence';
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.abs(samples[i]!);
    const level = Math.floor(sum / n) & 0xffff;
    if (!this.primed) {
      this.floor = level < MIN_LEVEL ? level : MIN_LEVEL;
      this.primed = true;
    }
    const threshold = Math.max(this.floor * RATIO, MIN_LEVEL);
    if (level > threshold) {
      this.speechMs = sat16(this.speechMs + chunkMs);
      this.silenceMs = 0;
      return 'speech';
    }
    // C: floor + (level - floor) / 8 with int32 division, which truncates toward zero.
    this.floor = (this.floor + Math.trunc((level - this.floor) / 8)) & 0xffff;
    this.silenceMs = sat16(this.silenceMs + chunkMs);
    return this.speechMs >= MIN_SPEECH_MS && this.silenceMs >= SILENCE_MS ? 'end' : 'silence';
  }
}
