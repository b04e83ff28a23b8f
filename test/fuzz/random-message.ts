/**
 * Seeded pseudo-random input for the fuzzers: a xorshift32 PRNG and random valid messages built from
 * the message layouts (so a new field is fuzzed without touching this file). Strings are ASCII so the
 * TypeScript and C dumps of a message agree byte for byte.
 */
import { LAYOUTS } from '../../protocol/ts/message-layout.js';
import {
  MAX_PAYLOAD_BYTES,
  type Message,
  MessageType,
  type MessageTypeName,
} from '../../protocol/ts/messages.js';

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  /** Next 32-bit value. */
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.s = x;
    return x;
  }
  /** Uniform integer in [0, n). */
  below(n: number): number {
    return this.next() % n;
  }
  /** `n` random bytes where roughly `zeroPct` % are 0x00. */
  bytes(n: number, zeroPct = 0): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = zeroPct > 0 && this.below(100) < zeroPct ? 0 : this.next() & 0xff;
    return out;
  }
  ascii(maxLen: number): string {
    const n = this.below(maxLen + 1);
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(0x20 + this.below(0x5f));
    return s;
  }
}

const TYPE_NAMES = Object.keys(MessageType) as MessageTypeName[];

/** A random message that encodeMessage must accept. */
export function randomMessage(rng: Rng, type?: MessageTypeName): Message {
  const name = type ?? TYPE_NAMES[rng.below(TYPE_NAMES.length)]!;
  const m: Record<string, unknown> = { type: name };
  let used = 0;
  for (const f of LAYOUTS[name]) {
    switch (f.kind) {
      case 'u8':
        m[f.name] = rng.below((f.max ?? 0xff) + 1);
        used += 1;
        break;
      case 'codec':
        m[f.name] = rng.below(3);
        used += 1;
        break;
      case 'u16':
        m[f.name] = rng.below((f.max ?? 0xffff) + 1);
        used += 2;
        break;
      case 'u32':
        m[f.name] = rng.next();
        used += 4;
        break;
      case 'str8':
        m[f.name] = rng.ascii(f.max!);
        used += 1 + (m[f.name] as string).length;
        break;
      case 'text':
        m[f.name] = rng.ascii(200);
        break;
      case 'bytes':
        m[f.name] = rng.bytes(rng.below(MAX_PAYLOAD_BYTES - used + 1), rng.below(101));
        break;
      case 'gpio':
        m[f.name] = Array.from({ length: rng.below(f.max! + 1) }, () => ({
          pin: rng.below(256),
          caps: rng.below(32),
        }));
        break;
      case 'tones':
        m[f.name] = Array.from({ length: 1 + rng.below(f.max!) }, () => ({
          freqHz: rng.below(65536),
          durationMs: rng.below(65536),
          volume: rng.below(101),
        }));
        break;
    }
  }
  return m as unknown as Message;
}
