/**
 * Fault injection on an emulated board's outgoing bytes, frame by frame (each write is one frame), so
 * tests can count exactly which frames a fault damaged. Random choices use a seeded generator, so a
 * failing test reproduces.
 */

export interface FaultOptions {
  /** Probability that each byte is dropped. Default 0. */
  dropByteRate?: number;
  /** Probability that each byte has one random bit flipped. Default 0. */
  bitFlipRate?: number;
  /** Probability that a frame gets exactly one random bit flipped (a "1 % of frames" error rate). Default 0. */
  frameCorruptRate?: number;
  /** Scramble every byte, as a host reading at the wrong baud rate sees it. Default false. */
  wrongBaud?: boolean;
  /** Throttle the board's writes to this many bytes a second (a slow link). Default: unthrottled. */
  bytesPerSecond?: number;
  /** Seed of the random generator. Default 1. */
  seed?: number;
}

/** What a fault did to one frame. */
export interface FaultResult {
  bytes: Uint8Array;
  /** The frame's bytes changed. */
  damaged: boolean;
  /** Its trailing 0x00 delimiter was lost or changed, so the next frame is lost with it. */
  delimiterHit: boolean;
}

export class FaultInjector {
  private state: number;
  constructor(public options: FaultOptions = {}) {
    this.state = (options.seed ?? 1) >>> 0 || 1;
  }

  /** xorshift32: fast, seeded, good enough for fault placement. */
  random(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 0x1_0000_0000;
  }

  /** True when no byte-changing fault is configured (the common, fast path). */
  get clean(): boolean {
    const o = this.options;
    return !o.dropByteRate && !o.bitFlipRate && !o.frameCorruptRate && !o.wrongBaud;
  }

  /** Applies the configured faults to one encoded frame (ending in 0x00). */
  apply(frame: Uint8Array): FaultResult {
    if (this.clean) return { bytes: frame, damaged: false, delimiterHit: false };
    const o = this.options;
    const last = frame.length - 1;
    if (o.wrongBaud) {
      const out = new Uint8Array(frame.length);
      for (let i = 0; i < out.length; i++) out[i] = (frame[i]! ^ ((this.random() * 256) | 1)) & 0xff;
      return { bytes: out, damaged: true, delimiterHit: true };
    }
    let out = frame;
    let damaged = false;
    let delimiterHit = false;
    if (o.frameCorruptRate && this.random() < o.frameCorruptRate) {
      out = Uint8Array.from(out);
      const at = Math.floor(this.random() * out.length);
      out[at]! ^= 1 << Math.floor(this.random() * 8);
      damaged = true;
      delimiterHit = at === last;
    }
    if (o.bitFlipRate) {
      for (let i = 0; i < out.length; i++) {
        if (this.random() < o.bitFlipRate) {
          if (out === frame) out = Uint8Array.from(out);
          out[i]! ^= 1 << Math.floor(this.random() * 8);
          damaged = true;
          if (i === last) delimiterHit = true;
        }
      }
    }
    if (o.dropByteRate) {
      const kept: number[] = [];
      for (let i = 0; i < out.length; i++) {
        if (this.random() < o.dropByteRate) {
          damaged = true;
          if (i === last) delimiterHit = true;
        } else kept.push(out[i]!);
      }
      if (kept.length !== out.length) out = Uint8Array.from(kept);
    }
    return { bytes: out, damaged, delimiterHit };
  }

  /** `n` random bytes followed by 0x00 (a glitch burst that ends before the next frame). */
  garbage(n: number): Uint8Array {
    const out = new Uint8Array(n + 1);
    for (let i = 0; i < n; i++) out[i] = Math.floor(this.random() * 256);
    return out;
  }
}
