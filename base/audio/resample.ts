/**
 * Streaming band-limited resampler (Kaiser-windowed sinc, arbitrary rate ratio) for mono PCM16.
 * Boards send 8 kHz or 16 kHz; engines want 16 kHz; espeak-ng speaks at 22.05 kHz. Chunks of any
 * size go in, the filter state carries across chunks, so a stream resampled in pieces equals the
 * same stream resampled at once.
 */
import { HarkError } from '../errors.js';

/** Options of {@link Resampler}. */
export interface ResamplerOptions {
  /** Filter half-length in input samples at the narrower rate; default 16 (32 taps). */
  halfTaps?: number;
  /** Fraction of the lower Nyquist frequency kept; default 0.9. */
  passband?: number;
}

const PHASES = 256;
const KAISER_BETA = 8;

/**
 * Rate pairs whose ratio reduces to at most this many output phases (22.05 → 16 kHz: 320, 8 → 16 kHz:
 * 2, 44.1 → 16 kHz: 160) get one exact filter row per phase and need no interpolation between rows:
 * half the work per tap. Others interpolate between PHASES rows.
 */
const MAX_EXACT_PHASES = 1024;

interface FilterTable {
  half: number;
  /** Rows of 2*half taps: `phases` exact rows, or PHASES + 1 rows to interpolate between. */
  table: Float32Array;
  /** Exact phases (0: interpolated). */
  phases: number;
}

/**
 * Filter tables by (rates, half-taps, passband). A table depends on nothing else and is never written
 * after it is built, so every Resampler of a thread shares one: a stream used to spend ~1 ms building
 * tens of thousands of Bessel-windowed taps per utterance. Bounded, though only a handful of rate pairs
 * ever occur.
 */
const TABLES = new Map<string, FilterTable>();
const MAX_TABLES = 32;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

function filterTable(inRate: number, outRate: number, opts: ResamplerOptions): FilterTable {
  const key = `${inRate}/${outRate}/${opts.halfTaps ?? 16}/${opts.passband ?? 0.9}`;
  const known = TABLES.get(key);
  if (known) return known;
  const ratio = Math.min(1, outRate / inRate);
  const cutoff = ratio * (opts.passband ?? 0.9);
  // When downsampling the filter spans more input samples, so widen it by 1/ratio.
  const half = Math.ceil((opts.halfTaps ?? 16) / ratio);
  const taps = 2 * half;
  const q = outRate / gcd(inRate, outRate);
  const phases = q <= MAX_EXACT_PHASES ? q : 0;
  const rows = phases || PHASES + 1;
  const table = new Float32Array(rows * taps);
  const i0b = besselI0(KAISER_BETA);
  for (let p = 0; p < rows; p++) {
    const frac = p / (phases || PHASES);
    for (let k = 0; k < taps; k++) {
      // tap k multiplies input sample (c - half + 1 + k); its distance from t = c + frac:
      const x = k - half + 1 - frac;
      const w = Math.abs(x) >= half ? 0 : besselI0(KAISER_BETA * Math.sqrt(1 - (x / half) ** 2)) / i0b;
      const s = x === 0 ? 1 : Math.sin(Math.PI * cutoff * x) / (Math.PI * cutoff * x);
      table[p * taps + k] = cutoff * s * w;
    }
  }
  const made = { half, table, phases };
  if (TABLES.size >= MAX_TABLES) TABLES.delete(TABLES.keys().next().value!);
  TABLES.set(key, made);
  return made;
}

/** Zeroth-order modified Bessel function of the first kind (for the Kaiser window). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 30; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

/** Converts mono PCM16 from one sample rate to another, chunk by chunk. */
export class Resampler {
  readonly inRate: number;
  readonly outRate: number;
  private readonly step: number;
  private readonly half: number;
  private readonly table: Float32Array;
  /** Exact phases per input sample (see MAX_EXACT_PHASES), 0 when interpolating. */
  private readonly phases: number;
  /** Input samples the position advances per output sample, in 1/phases units (exact filters). */
  private readonly stepQ: number;
  private buf: Float32Array;
  /** Position of the next output in `buf` + the next chunk, input samples (in 1/phases when exact). */
  private t: number;
  private readonly identity: boolean;

  constructor(inRate: number, outRate: number, opts: ResamplerOptions = {}) {
    for (const [name, r] of [
      ['input', inRate],
      ['output', outRate],
    ] as const) {
      if (!Number.isInteger(r) || r < 1000 || r > 192000) {
        throw new HarkError(
          'HARK_ERR_AUDIO_RATE',
          `${name} sample rate ${r} Hz is not an integer in 1000..192000`,
        );
      }
    }
    this.inRate = inRate;
    this.outRate = outRate;
    this.identity = inRate === outRate;
    this.step = inRate / outRate;
    // Equal rates pass samples through: no table, no filter delay, no copy.
    const { half, table, phases } = this.identity
      ? { half: 0, table: new Float32Array(0), phases: 0 }
      : filterTable(inRate, outRate, opts);
    this.half = half;
    this.table = table;
    this.phases = phases;
    this.stepQ = phases ? (inRate * phases) / outRate : 0;
    this.buf = new Float32Array(this.half); // leading zeros: the first output aligns with input 0
    this.t = this.start();
  }

  private start(): number {
    return this.phases ? this.half * this.phases : this.half;
  }

  /**
   * Resamples one chunk; returns the output samples available so far. At equal rates that is `input`
   * itself (not a copy): callers read it and move on.
   */
  process(input: Int16Array): Int16Array {
    if (this.identity) return input;
    const merged = new Float32Array(this.buf.length + input.length);
    merged.set(this.buf);
    for (let i = 0; i < input.length; i++) merged[this.buf.length + i] = input[i]!;
    return this.run(merged);
  }

  /** Drains the filter tail at the end of a stream. */
  flush(): Int16Array {
    if (this.identity) return new Int16Array(0);
    const merged = new Float32Array(this.buf.length + this.half);
    merged.set(this.buf);
    const out = this.run(merged);
    this.buf = new Float32Array(this.half);
    this.t = this.start();
    return out;
  }

  private run(x: Float32Array): Int16Array {
    return this.phases ? this.runExact(x) : this.runInterpolated(x);
  }

  /** Integer positions: each output takes one exact row, no interpolation between rows. */
  private runExact(x: Float32Array): Int16Array {
    const taps = 2 * this.half;
    const q = this.phases;
    const maxOut = Math.max(0, Math.ceil((x.length * q - this.t) / this.stepQ) + 1);
    const out = new Int16Array(maxOut);
    const table = this.table;
    let n = 0;
    let t = this.t;
    let c = Math.floor(t / q);
    while (c + this.half < x.length && n < maxOut) {
      const r0 = (t - c * q) * taps;
      const base = c - this.half + 1;
      let acc = 0;
      for (let k = 0; k < taps; k++) acc += x[base + k]! * table[r0 + k]!;
      out[n++] = acc > 32767 ? 32767 : acc < -32768 ? -32768 : Math.round(acc);
      t += this.stepQ;
      c = Math.floor(t / q);
    }
    const keepFrom = Math.max(0, c - this.half + 1);
    this.buf = x.slice(keepFrom);
    this.t = t - keepFrom * q;
    return out.subarray(0, n);
  }

  private runInterpolated(x: Float32Array): Int16Array {
    const taps = 2 * this.half;
    const maxOut = Math.max(0, Math.ceil((x.length - this.t) / this.step) + 1);
    const out = new Int16Array(maxOut);
    let n = 0;
    let t = this.t;
    const table = this.table;
    while (Math.floor(t) + this.half < x.length && n < maxOut) {
      const c = Math.floor(t);
      const pf = (t - c) * PHASES;
      const p = Math.floor(pf);
      const a = pf - p;
      const r0 = p * taps;
      const r1 = r0 + taps;
      const base = c - this.half + 1;
      let acc = 0;
      for (let k = 0; k < taps; k++) {
        const h = table[r0 + k]! + a * (table[r1 + k]! - table[r0 + k]!);
        acc += x[base + k]! * h;
      }
      out[n++] = acc > 32767 ? 32767 : acc < -32768 ? -32768 : Math.round(acc);
      t += this.step;
    }
    const keepFrom = Math.max(0, Math.floor(t) - this.half + 1);
    this.buf = x.slice(keepFrom);
    this.t = t - keepFrom;
    return out.subarray(0, n);
  }
}

/** Resamples a whole clip at once. */
export function resample(samples: Int16Array, inRate: number, outRate: number): Int16Array {
  if (inRate === outRate) return samples.slice();
  const r = new Resampler(inRate, outRate);
  const a = r.process(samples);
  const b = r.flush();
  const out = new Int16Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
