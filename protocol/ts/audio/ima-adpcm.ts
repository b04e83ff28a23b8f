/**
 * IMA-ADPCM blocks (SPEC §7, codec 2): 4 bits per sample. Each block is self-contained:
 * `predictor i16 | step_index u8 | flags u8 | 4-bit codes, low nibble first`. The predictor is the first
 * sample; the codes carry the others. flags bit0 (PAD) says the last byte's high nibble is padding, so a
 * block can hold an even number of samples (a 20 ms chunk at 16 kHz is 320).
 */

/** The standard IMA step table (89 entries). */
export const IMA_STEP_TABLE = Int16Array.from([
  7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 19, 21, 23, 25, 28, 31, 34, 37, 41, 45, 50, 55, 60, 66, 73, 80, 88, 97,
  107, 118, 130, 143, 157, 173, 190, 209, 230, 253, 279, 307, 337, 371, 408, 449, 494, 544, 598, 658, 724,
  796, 876, 963, 1060, 1166, 1282, 1411, 1552, 1707, 1878, 2066, 2272, 2499, 2749, 3024, 3327, 3660, 4026,
  4428, 4871, 5358, 5894, 6484, 7132, 7845, 8630, 9493, 10442, 11487, 12635, 13899, 15289, 16818, 18500,
  20350, 22385, 24623, 27086, 29794, 32767,
]);
/** The standard IMA index adjustment per 4-bit code. */
export const IMA_INDEX_TABLE = Int8Array.from([-1, -1, -1, -1, 2, 4, 6, 8, -1, -1, -1, -1, 2, 4, 6, 8]);

export const ADPCM_HEADER_BYTES = 4;
export const ADPCM_FLAG_PAD = 0x01;

/** Encoder state carried from one block to the next so each block starts with a well-adapted step. */
export interface AdpcmEncoderState {
  stepIndex: number;
}

/** Bytes of a block holding `samples` samples (0 for none). */
export const adpcmBlockBytes = (samples: number): number =>
  samples <= 0 ? 0 : ADPCM_HEADER_BYTES + Math.ceil((samples - 1) / 2);

/** Samples in a block of `bytes` bytes with the given flags byte (0 if the block has no header). */
export const adpcmBlockSamples = (bytes: number, flags: number): number =>
  bytes < ADPCM_HEADER_BYTES ? 0 : 1 + 2 * (bytes - ADPCM_HEADER_BYTES) - (flags & ADPCM_FLAG_PAD);

const clampIndex = (i: number): number => Math.max(0, Math.min(88, i));
const clampSample = (s: number): number => Math.max(-32768, Math.min(32767, s));

/**
 * Encodes `samples` into one block. `state` (optional) supplies the starting step index and receives
 * the final one, for the next block of the same stream.
 */
export function adpcmEncodeBlock(samples: Int16Array, state?: AdpcmEncoderState): Uint8Array {
  const n = samples.length;
  const out = new Uint8Array(adpcmBlockBytes(n));
  if (n === 0) return out;
  let predictor = samples[0]!;
  let index = clampIndex(state?.stepIndex ?? 0);
  out[0] = predictor & 0xff;
  out[1] = (predictor >> 8) & 0xff;
  out[2] = index;
  out[3] = (n - 1) % 2 === 1 ? ADPCM_FLAG_PAD : 0;
  for (let i = 1; i < n; i++) {
    let step = IMA_STEP_TABLE[index]!;
    let diff = samples[i]! - predictor;
    let code = 0;
    if (diff < 0) {
      code = 8;
      diff = -diff;
    }
    let vpdiff = step >> 3;
    if (diff >= step) {
      code |= 4;
      diff -= step;
      vpdiff += step;
    }
    step >>= 1;
    if (diff >= step) {
      code |= 2;
      diff -= step;
      vpdiff += step;
    }
    step >>= 1;
    if (diff >= step) {
      code |= 1;
      vpdiff += step;
    }
    predictor = clampSample(code & 8 ? predictor - vpdiff : predictor + vpdiff);
    index = clampIndex(index + IMA_INDEX_TABLE[code]!);
    const byteIdx = ADPCM_HEADER_BYTES + ((i - 1) >> 1);
    out[byteIdx] = (i - 1) & 1 ? out[byteIdx]! | (code << 4) : code;
  }
  if (state) state.stepIndex = index;
  return out;
}

/** Decodes one block. Never throws: a block shorter than its header decodes to no samples. */
export function adpcmDecodeBlock(block: Uint8Array): Int16Array {
  const n = adpcmBlockSamples(block.length, block[3] ?? 0);
  const out = new Int16Array(n);
  if (n === 0) return out;
  let predictor = ((block[0]! | (block[1]! << 8)) << 16) >> 16;
  let index = clampIndex(block[2]!);
  out[0] = predictor;
  for (let i = 1; i < n; i++) {
    const byte = block[ADPCM_HEADER_BYTES + ((i - 1) >> 1)]!;
    const code = (i - 1) & 1 ? byte >> 4 : byte & 0x0f;
    const step = IMA_STEP_TABLE[index]!;
    let vpdiff = step >> 3;
    if (code & 4) vpdiff += step;
    if (code & 2) vpdiff += step >> 1;
    if (code & 1) vpdiff += step >> 2;
    predictor = clampSample(code & 8 ? predictor - vpdiff : predictor + vpdiff);
    index = clampIndex(index + IMA_INDEX_TABLE[code]!);
    out[i] = predictor;
  }
  return out;
}
