/** Joining audio chunks (decoded PCM samples, or encoded blocks as they travel) into one array. */

const total = (parts: readonly ArrayLike<number>[]): number => parts.reduce((n, p) => n + p.length, 0);

function fill<T extends Int16Array | Uint8Array>(out: T, parts: readonly ArrayLike<number>[]): T {
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Concatenates 16-bit PCM chunks. */
export const concatPcm = (parts: readonly Int16Array[]): Int16Array =>
  fill(new Int16Array(total(parts)), parts);

/** Concatenates byte chunks (encoded audio blocks). */
export const concatBytes = (parts: readonly Uint8Array[]): Uint8Array =>
  fill(new Uint8Array(total(parts)), parts);
