/**
 * ITU-T G.711 µ-law (SPEC §7, codec 1): one byte per sample, 14-bit dynamic range, the classic
 * Sun reference algorithm (bias 0x84, clip 32635). Both directions are pure functions of the sample.
 */

const BIAS = 0x84;
const CLIP = 32635;

/** Encodes one 16-bit sample to a µ-law byte. */
export function ulawEncodeSample(sample: number): number {
  let s = sample | 0;
  const sign = s < 0 ? 0x80 : 0;
  if (sign) s = -s;
  if (s > CLIP) s = CLIP;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** Decodes one µ-law byte to a 16-bit sample. */
export function ulawDecodeSample(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + BIAS) << exponent) - BIAS;
  return u & 0x80 ? -magnitude : magnitude;
}

const DECODE_TABLE = Int16Array.from({ length: 256 }, (_, i) => ulawDecodeSample(i));

/** Encodes samples, one byte each. */
export function ulawEncode(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = ulawEncodeSample(samples[i]!);
  return out;
}

/** Decodes µ-law bytes, one sample each. */
export function ulawDecode(data: Uint8Array): Int16Array {
  const out = new Int16Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = DECODE_TABLE[data[i]!]!;
  return out;
}
