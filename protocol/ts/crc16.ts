/**
 * CRC-16/CCITT-FALSE (SPEC §1): polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR.
 * Check value: crc16("123456789") === 0x29B1. The host computes it "sliced by 4" (four 256-entry
 * tables, four bytes per step) because it runs over every byte of every frame; the C twin uses a
 * 16-entry nibble table to save AVR flash. Both give identical results.
 */

/** T[k][i]: CRC register contribution of byte i followed by k zero bytes (from a zero register). */
const T = buildTables();
const T0 = T[0]!;
const T1 = T[1]!;
const T2 = T[2]!;
const T3 = T[3]!;

function buildTables(): Uint16Array[] {
  const t0 = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    t0[i] = crc;
  }
  const tables = [t0];
  for (let k = 1; k < 4; k++) {
    const prev = tables[k - 1]!;
    const t = new Uint16Array(256);
    for (let i = 0; i < 256; i++) t[i] = ((prev[i]! << 8) & 0xffff) ^ t0[prev[i]! >>> 8]!;
    tables.push(t);
  }
  return tables;
}

/** Initial CRC register value, for incremental use with {@link crc16Update}. */
export const CRC16_INIT = 0xffff;

/** Continues a CRC over `bytes[start, end)`; start from {@link CRC16_INIT}. */
export function crc16Update(crc: number, bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = crc;
  let i = start;
  // Four bytes at a time: the 16-bit register folds into the first two, the tables do the rest.
  for (const stop = end - 3; i < stop; i += 4) {
    c =
      T3[(c >>> 8) ^ bytes[i]!]! ^ T2[(c & 0xff) ^ bytes[i + 1]!]! ^ T1[bytes[i + 2]!]! ^ T0[bytes[i + 3]!]!;
  }
  for (; i < end; i++) c = ((c << 8) & 0xffff) ^ T0[((c >>> 8) ^ bytes[i]!) & 0xff]!;
  return c;
}

/** CRC-16/CCITT-FALSE of `bytes[start, end)` (whole array by default). */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return crc16Update(CRC16_INIT, bytes, start, end);
}
