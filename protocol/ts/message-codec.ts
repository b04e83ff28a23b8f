/**
 * Message payload codec (SPEC §3–4), driven by the layouts in message-layout.ts.
 * `encodeMessage` validates every field and throws HARK_ERR_PROTOCOL_ENCODE naming the one at fault;
 * `decodeMessage` never throws: it returns `{ ok: false, reason }` for unknown types and bad payloads.
 */
import { ProtocolError } from './errors.js';
import { type FieldSpec, LAYOUTS } from './message-layout.js';
import {
  AudioCodecNames,
  GpioCapNames,
  MAX_PAYLOAD_BYTES,
  type Message,
  MessageType,
  type MessageTypeName,
  PROTOCOL_MINOR,
  type ToneStep,
} from './messages.js';

export type DecodeResult =
  | { ok: true; message: Message }
  | { ok: false; reason: 'unknown_type' | 'bad_payload'; detail: string };

const NAME_BY_ID: (MessageTypeName | undefined)[] = new Array(256).fill(undefined);
for (const [name, id] of Object.entries(MessageType)) NAME_BY_ID[id] = name as MessageTypeName;

/** The type id of a message; throws HARK_ERR_PROTOCOL_ENCODE for a type this version does not know. */
export function messageTypeId(msg: Message): number {
  const id = (MessageType as Record<string, number>)[msg.type];
  if (id === undefined) fail(msg, 'type', 'is not a known message type');
  return id;
}

/** The message name of a type id, or undefined for an id this version does not know. */
export const messageTypeName = (type: number): MessageTypeName | undefined => NAME_BY_ID[type & 0xff];

const MAX_CODEC = AudioCodecNames.max;
const MAX_GPIO_CAPS = GpioCapNames.allBits;
const utf8 = new TextDecoder('utf-8');
const scratch = Buffer.allocUnsafe(MAX_PAYLOAD_BYTES);

function fail(msg: Message | { type: string }, field: string, why: string): never {
  throw new ProtocolError('HARK_ERR_PROTOCOL_ENCODE', `cannot encode ${msg.type}: ${field} ${why}`, {
    details: { type: msg.type, field },
  });
}

function intField(msg: Message, field: FieldSpec, value: unknown, bits: number): number {
  const limit = field.max ?? 2 ** bits - 1;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > limit) {
    fail(msg, field.name, `= ${String(value)} is not an integer in 0..${limit}`);
  }
  return value;
}

/** Encodes a message's payload (without frame header or CRC). Returns a fresh array. */
export function encodeMessage(msg: Message): Uint8Array {
  const end = encodePayloadInto(msg, scratch, 0);
  return new Uint8Array(scratch.subarray(0, end));
}

/**
 * Encodes a message's payload into `b` from `offset` (room for MAX_PAYLOAD_BYTES needed) and returns the
 * end index. The frame encoder uses it to build a frame without copying the payload.
 */
export function encodePayloadInto(msg: Message, b: Buffer, offset: number): number {
  const layout = LAYOUTS[msg.type as MessageTypeName];
  if (!layout) fail(msg, 'type', 'is not a known message type');
  const rec = msg as unknown as Record<string, unknown>;
  let p = offset;
  const limit = offset + MAX_PAYLOAD_BYTES;
  const room = (n: number, field: string) => {
    if (p + n > limit) fail(msg, field, `makes the payload longer than ${MAX_PAYLOAD_BYTES} bytes`);
  };
  for (const field of layout) {
    const v = rec[field.name];
    switch (field.kind) {
      case 'u8':
        b[p++] = intField(msg, field, v, 8);
        break;
      case 'codec':
        b[p++] = intField(msg, { name: field.name, kind: 'u8', max: MAX_CODEC }, v, 8);
        break;
      case 'u16':
        b.writeUInt16LE(intField(msg, field, v, 16), p);
        p += 2;
        break;
      case 'u32':
        b.writeUInt32LE(intField(msg, field, v, 32), p);
        p += 4;
        break;
      case 'str8': {
        if (typeof v !== 'string') fail(msg, field.name, 'is not a string');
        const n = Buffer.byteLength(v, 'utf8');
        if (n > field.max!) fail(msg, field.name, `is ${n} UTF-8 bytes, more than ${field.max}`);
        room(1 + n, field.name);
        b[p++] = n;
        p += b.write(v, p, 'utf8');
        break;
      }
      case 'text': {
        if (typeof v !== 'string') fail(msg, field.name, 'is not a string');
        const n = Buffer.byteLength(v, 'utf8');
        room(n, field.name);
        p += b.write(v, p, 'utf8');
        break;
      }
      case 'bytes': {
        if (!(v instanceof Uint8Array)) fail(msg, field.name, 'is not a Uint8Array');
        room(v.length, field.name);
        b.set(v, p);
        p += v.length;
        break;
      }
      case 'gpio': {
        if (!Array.isArray(v)) fail(msg, field.name, 'is not an array');
        if (v.length > field.max!) fail(msg, field.name, `has ${v.length} pins, more than ${field.max}`);
        room(1 + 2 * v.length, field.name);
        b[p++] = v.length;
        v.forEach((pin: { pin: unknown; caps: unknown }, i: number) => {
          b[p++] = intField(msg, { name: `${field.name}[${i}].pin`, kind: 'u8' }, pin?.pin, 8);
          b[p++] = intField(
            msg,
            { name: `${field.name}[${i}].caps`, kind: 'u8', max: MAX_GPIO_CAPS },
            pin?.caps,
            8,
          );
        });
        break;
      }
      case 'tones': {
        if (!Array.isArray(v)) fail(msg, field.name, 'is not an array');
        if (v.length < 1 || v.length > field.max!) {
          fail(msg, field.name, `has ${v.length} steps, not 1..${field.max}`);
        }
        b[p++] = v.length;
        v.forEach((s: Partial<ToneStep> | undefined, i: number) => {
          const name = `${field.name}[${i}]`;
          b.writeUInt16LE(intField(msg, { name: `${name}.freqHz`, kind: 'u16' }, s?.freqHz, 16), p);
          b.writeUInt16LE(
            intField(msg, { name: `${name}.durationMs`, kind: 'u16' }, s?.durationMs, 16),
            p + 2,
          );
          b[p + 4] = intField(msg, { name: `${name}.volume`, kind: 'u8', max: 100 }, s?.volume, 8);
          p += 5;
        });
        break;
      }
    }
  }
  return p;
}

export interface DecodeOptions {
  /**
   * Decode as a receiver of this minor version would: fields a later minor version appended are not
   * read (they are trailing bytes to it) and come out as 0. Default: this version (PROTOCOL_MINOR).
   * Tests use 0 to check what a 1.0 peer makes of a 1.1 payload.
   */
  minor?: number;
}

/**
 * Decodes a payload of message type `type`. Never throws. Extra bytes after the last known field are
 * ignored (SPEC §1.2.9: a newer minor version may append fields); a payload that ends exactly before a
 * field a later minor version appended (`since`) decodes that field as 0 (a 1.0 sender, SPEC §2.1.4).
 * `bytes` fields (AUDIO.data, SPEAKER_DATA.data) are views into `payload`.
 */
export function decodeMessage(type: number, payload: Uint8Array, options: DecodeOptions = {}): DecodeResult {
  const name = NAME_BY_ID[type & 0xff];
  if (name === undefined || type !== (type & 0xff)) {
    return { ok: false, reason: 'unknown_type', detail: `unknown message type 0x${type.toString(16)}` };
  }
  const out: Record<string, unknown> = { type: name };
  const end = payload.length;
  let p = 0;
  const bad = (field: string, why: string): DecodeResult => ({
    ok: false,
    reason: 'bad_payload',
    detail: `${name}.${field}: ${why} (payload ${end} bytes)`,
  });
  const minor = options.minor ?? PROTOCOL_MINOR;
  for (const field of LAYOUTS[name]) {
    const since = field.since ?? 0;
    if (since > 0 && (p === end || since > minor)) {
      out[field.name] = 0; // appended in a later minor version: absent from an older sender's payload
      continue;
    }
    switch (field.kind) {
      case 'u8':
      case 'codec':
        if (p + 1 > end) return bad(field.name, 'payload too short');
        if (field.kind === 'codec' && payload[p]! > MAX_CODEC) {
          return bad(field.name, `unknown audio codec ${payload[p]}`);
        }
        out[field.name] = payload[p++];
        break;
      case 'u16':
        if (p + 2 > end) return bad(field.name, 'payload too short');
        out[field.name] = payload[p]! | (payload[p + 1]! << 8);
        p += 2;
        break;
      case 'u32':
        if (p + 4 > end) return bad(field.name, 'payload too short');
        out[field.name] =
          (payload[p]! | (payload[p + 1]! << 8) | (payload[p + 2]! << 16) | (payload[p + 3]! << 24)) >>> 0;
        p += 4;
        break;
      case 'str8': {
        if (p + 1 > end) return bad(field.name, 'payload too short');
        const n = payload[p]!;
        if (n > field.max!) return bad(field.name, `string of ${n} bytes exceeds ${field.max}`);
        if (p + 1 + n > end) return bad(field.name, 'string runs past the payload');
        out[field.name] = utf8.decode(payload.subarray(p + 1, p + 1 + n));
        p += 1 + n;
        break;
      }
      case 'text':
        out[field.name] = utf8.decode(payload.subarray(p, end));
        p = end;
        break;
      case 'bytes':
        out[field.name] = payload.subarray(p, end);
        p = end;
        break;
      case 'gpio': {
        if (p + 1 > end) return bad(field.name, 'payload too short');
        const n = payload[p++]!;
        if (n > field.max!) return bad(field.name, `${n} pins exceed ${field.max}`);
        if (p + 2 * n > end) return bad(field.name, 'pin list runs past the payload');
        const pins = new Array(n);
        for (let i = 0; i < n; i++, p += 2) pins[i] = { pin: payload[p], caps: payload[p + 1] };
        out[field.name] = pins;
        break;
      }
      case 'tones': {
        if (p + 1 > end) return bad(field.name, 'payload too short');
        const n = payload[p++]!;
        if (n < 1 || n > field.max!) return bad(field.name, `${n} steps, not 1..${field.max}`);
        if (p + 5 * n > end) return bad(field.name, 'steps run past the payload');
        const steps: ToneStep[] = new Array(n);
        for (let i = 0; i < n; i++, p += 5) {
          steps[i] = {
            freqHz: payload[p]! | (payload[p + 1]! << 8),
            durationMs: payload[p + 2]! | (payload[p + 3]! << 8),
            volume: payload[p + 4]!,
          };
        }
        out[field.name] = steps;
        break;
      }
    }
  }
  return { ok: true, message: out as unknown as Message };
}
