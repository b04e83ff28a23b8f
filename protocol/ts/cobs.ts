/**
 * Consistent Overhead Byte Stuffing (Cheshire & Baker 1999), as used by SPEC §1. The encoded form has no
 * 0x00 byte, so 0x00 can delimit frames. A run of 254 non-zero bytes is coded 0xFF with no implied
 * zero; the final block never gets an extra empty code byte (the common reference encoding).
 */

/** Largest encoded size of `n` raw bytes (an upper bound, exact for data without zeros). */
export const cobsMaxEncodedLength = (n: number): number => n + 1 + Math.floor(n / 254);

/**
 * Encodes `src[srcStart, srcEnd)` into `dst` at `dstStart`; returns the index after the last byte
 * written. `dst` must have room for {@link cobsMaxEncodedLength} bytes and must not overlap `src`.
 */
export function cobsEncodeInto(
  src: Uint8Array,
  srcStart: number,
  srcEnd: number,
  dst: Uint8Array,
  dstStart: number,
): number {
  let codeIdx = dstStart;
  let out = dstStart + 1;
  let code = 1;
  let i = srcStart;
  // One pass, byte by byte while runs are short (speech audio has many zeros); once a run is 16 bytes
  // long the rest of it is found with indexOf and copied natively.
  while (i < srcEnd) {
    const b = src[i]!;
    if (b === 0) {
      dst[codeIdx] = code;
      codeIdx = out++;
      code = 1;
      i++;
      continue;
    }
    if (code < 16) {
      dst[out++] = b;
      code++;
      i++;
    } else {
      let zero = src.indexOf(0, i);
      if (zero < 0 || zero > srcEnd) zero = srcEnd;
      const n = Math.min(zero - i, 0xff - code);
      copy(src, i, i + n, dst, out);
      out += n;
      code += n;
      i += n;
    }
    if (code === 0xff) {
      dst[codeIdx] = 0xff;
      if (i === srcEnd) return out; // ended on a full block: no trailing empty block
      codeIdx = out++;
      code = 1;
    }
  }
  dst[codeIdx] = code;
  return out;
}

/** Copies src[from, to) to dst at `at`: a loop for short runs (cheaper than a subarray), natively for long. */
function copy(src: Uint8Array, from: number, to: number, dst: Uint8Array, at: number): void {
  if (to - from < 24) {
    for (let k = from; k < to; k++) dst[at++] = src[k]!;
  } else {
    dst.set(src.subarray(from, to), at);
  }
}

/**
 * Decodes `src[start, end)` (no delimiter) into `dst` from index 0; returns the decoded length, or -1
 * when the input is not valid COBS (a zero byte, or a code byte that points past the end). `dst` may be
 * `src` itself with `start` 0: decoding never writes ahead of where it reads.
 */
export function cobsDecodeInto(src: Uint8Array, start: number, end: number, dst: Uint8Array): number {
  const zero = src.indexOf(0, start);
  if (zero >= 0 && zero < end) return -1;
  return cobsDecodeNoZeros(src, start, end, dst);
}

/** {@link cobsDecodeInto} for input already known to hold no 0x00 (the frame decoder splits on them). */
export function cobsDecodeNoZeros(src: Uint8Array, start: number, end: number, dst: Uint8Array): number {
  let out = 0;
  let i = start;
  while (i < end) {
    const code = src[i]!;
    const blockEnd = i + code;
    if (blockEnd > end) return -1;
    i++;
    const n = blockEnd - i;
    if (n < 24) {
      for (let k = i; k < blockEnd; k++) dst[out++] = src[k]!;
    } else {
      if (dst === src) dst.copyWithin(out, i, blockEnd);
      else dst.set(src.subarray(i, blockEnd), out);
      out += n;
    }
    i = blockEnd;
    if (code !== 0xff && i < end) dst[out++] = 0;
  }
  return out;
}

/** COBS-encodes `src` (no delimiter appended). */
export function cobsEncode(src: Uint8Array): Uint8Array {
  const dst = new Uint8Array(cobsMaxEncodedLength(src.length));
  const n = cobsEncodeInto(src, 0, src.length, dst, 0);
  return dst.subarray(0, n);
}

/** Decodes a COBS block (without its delimiter); `null` when it is not valid COBS. */
export function cobsDecode(src: Uint8Array): Uint8Array | null {
  const dst = new Uint8Array(src.length);
  const n = cobsDecodeInto(src, 0, src.length, dst);
  return n < 0 ? null : dst.slice(0, n);
}
