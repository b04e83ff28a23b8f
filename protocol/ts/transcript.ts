/**
 * A canonical text transcript of what a decoder makes of some wire bytes: one line per intact frame,
 * one per message or drop, and the final counters. The TypeScript and C codecs both print exactly this
 * format (protocol/c/tests/dump.c), so golden vectors and cross-implementation checks compare plain text.
 *
 *     frame type=0x30 seq=5 len=9 sum=1a2b      (sum: CRC-16 of the payload, hex)
 *     msg LED index=255 effect=3 r=0 g=64 b=255 period_ms=1200 duration_ms=0
 *     drop unknown_type | drop bad_payload
 *     stats ok=1 oversized=0 malformed=0 truncated=0 crc=0 bytes=17
 */
import { crc16 } from './crc16.js';
import { FrameDecoder, type FrameStats } from './frame-decoder.js';
import { decodeMessage } from './message-codec.js';
import { LAYOUTS } from './message-layout.js';
import type { Frame, GpioPinInfo, Message, MessageTypeName, ToneStep } from './messages.js';

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** One message as `TYPE field=value ...`, fields in wire order, strings and data as hex. */
export function dumpMessage(msg: Message): string {
  const rec = msg as unknown as Record<string, unknown>;
  const parts: string[] = [msg.type];
  for (const field of LAYOUTS[msg.type as MessageTypeName]) {
    const v = rec[field.name];
    let text: string;
    switch (field.kind) {
      case 'str8':
      case 'text':
        text = Buffer.from(v as string, 'utf8').toString('hex');
        break;
      case 'bytes':
        text = hex(v as Uint8Array);
        break;
      case 'gpio':
        text = (v as GpioPinInfo[]).map((p) => `${p.pin}:${p.caps}`).join(',');
        break;
      case 'tones':
        text = (v as ToneStep[]).map((s) => `${s.freqHz}/${s.durationMs}/${s.volume}`).join(',');
        break;
      default:
        text = String(v);
    }
    parts.push(`${snake(field.name)}=${text}`);
  }
  return parts.join(' ');
}

/** The `frame ...` line of an intact frame. */
export const dumpFrame = (f: Frame): string =>
  `frame type=0x${f.type.toString(16).padStart(2, '0')} seq=${f.seq} len=${f.payload.length} sum=${crc16(f.payload).toString(16).padStart(4, '0')}`;

/** The `stats ...` line. */
export const dumpStats = (s: FrameStats): string =>
  `stats ok=${s.framesOk} oversized=${s.oversized} malformed=${s.malformed} truncated=${s.truncated} crc=${s.crcErrors} bytes=${s.bytes}`;

/** Feeds `wire` to a fresh decoder (in one push) and returns the transcript lines. */
export function transcribe(wire: Uint8Array): string[] {
  const lines: string[] = [];
  const d = new FrameDecoder();
  d.push(wire, (frame) => {
    lines.push(dumpFrame(frame));
    const r = decodeMessage(frame.type, frame.payload);
    lines.push(r.ok ? `msg ${dumpMessage(r.message)}` : `drop ${r.reason}`);
  });
  lines.push(dumpStats(d.stats));
  return lines;
}
