/**
 * The payload layout of every message (SPEC §3–4) as data. The codec (message-codec.ts), the vector
 * generator and the C-constants check all read this one table, so a field can only be described once.
 *
 * Field kinds: `u8`/`u16`/`u32` little-endian integers (`max` is the largest value an encoder may write;
 * decoders accept any value so that a newer minor version can add enum values), `codec` an AudioCodec id
 * (checked both ways: a codec nobody negotiated cannot be decoded), `str8` a u8 length + UTF-8 bytes of at
 * most `max` bytes, `text`/`bytes` the rest of the payload, `gpio` a u8 count (≤ `max`) of `pin u8, caps u8`
 * pairs, `tones` a u8 count (1..`max`) of `freq_hz u16, duration_ms u16, volume u8` steps.
 */
import { MAX_TONE_STEPS, type MessageTypeName } from './messages.js';

export type FieldKind = 'u8' | 'u16' | 'u32' | 'codec' | 'str8' | 'text' | 'bytes' | 'gpio' | 'tones';

export interface FieldSpec {
  /** Property name in the TypeScript message. */
  readonly name: string;
  readonly kind: FieldKind;
  /** Largest value (integers), byte length (str8) or element count (gpio, tones). */
  readonly max?: number;
}

/** Longest HELLO.board_model / board_uid and firmware_version strings, in UTF-8 bytes. */
export const MAX_BOARD_MODEL_BYTES = 32;
export const MAX_FIRMWARE_VERSION_BYTES = 16;
export const MAX_BOARD_UID_BYTES = 32;
/** Most GPIO pin entries one HELLO may list. */
export const MAX_HELLO_GPIO_PINS = 64;
/** Largest percentage (VOLUME.level, TONE step volume). */
export const MAX_PERCENT = 100;

const f = (name: string, kind: FieldKind, max?: number): FieldSpec =>
  max === undefined ? { name, kind } : { name, kind, max };

export const LAYOUTS: Readonly<Record<MessageTypeName, readonly FieldSpec[]>> = {
  HELLO: [
    f('versionMajor', 'u8'),
    f('versionMinor', 'u8'),
    f('features', 'u32'),
    f('boardModel', 'str8', MAX_BOARD_MODEL_BYTES),
    f('firmwareVersion', 'str8', MAX_FIRMWARE_VERSION_BYTES),
    f('boardUid', 'str8', MAX_BOARD_UID_BYTES),
    f('micSampleRate', 'u32'),
    f('micBits', 'u8'),
    f('micCodecs', 'u8', 0x07),
    f('micChannels', 'u8'),
    f('buttons', 'u8'),
    f('ledCount', 'u8'),
    f('ledKind', 'u8', 3),
    f('speakerKind', 'u8', 2),
    f('speakerSampleRate', 'u32'),
    f('speakerCodecs', 'u8', 0x07),
    f('speakerBufferBytes', 'u32'),
    f('maxRxPayload', 'u16', 1024),
    f('gpio', 'gpio', MAX_HELLO_GPIO_PINS),
  ],
  HELLO_ACK: [
    f('versionMajor', 'u8'),
    f('versionMinor', 'u8'),
    f('features', 'u32'),
    f('audioCodec', 'codec'),
    f('audioSampleRate', 'u32'),
    f('chunkMs', 'u8'),
    f('heartbeatMs', 'u16'),
    f('flags', 'u8', 0x01),
  ],
  PING: [f('token', 'u32')],
  PONG: [f('token', 'u32'), f('uptimeMs', 'u32'), f('rxFramesBad', 'u16'), f('audioOverflows', 'u16')],
  LOG: [f('level', 'u8', 3), f('text', 'text')],
  ERROR: [f('code', 'u16'), f('message', 'text')],
  AUDIO_START: [f('stream', 'u8'), f('codec', 'codec'), f('sampleRate', 'u32'), f('trigger', 'u8', 3)],
  AUDIO: [f('stream', 'u8'), f('chunk', 'u16'), f('data', 'bytes')],
  AUDIO_END: [f('stream', 'u8'), f('reason', 'u8', 5), f('chunks', 'u16'), f('droppedSamples', 'u32')],
  CAPTURE: [f('action', 'u8', 1), f('mode', 'u8', 1), f('maxMs', 'u16')],
  BUTTON: [f('button', 'u8'), f('event', 'u8', 4)],
  LED: [
    f('index', 'u8'),
    f('effect', 'u8', 4),
    f('r', 'u8'),
    f('g', 'u8'),
    f('b', 'u8'),
    f('periodMs', 'u16'),
    f('durationMs', 'u16'),
  ],
  TONE: [f('steps', 'tones', MAX_TONE_STEPS)],
  VOLUME: [f('level', 'u8', MAX_PERCENT)],
  SPEAKER_START: [f('stream', 'u8'), f('codec', 'codec'), f('sampleRate', 'u32')],
  SPEAKER_DATA: [f('stream', 'u8'), f('data', 'bytes')],
  SPEAKER_END: [f('stream', 'u8')],
  SPEAKER_STOP: [f('stream', 'u8')],
  SPEAKER_CREDIT: [
    f('stream', 'u8'),
    f('creditBytes', 'u32'),
    f('bufferedBytes', 'u32'),
    f('state', 'u8', 2),
    f('underruns', 'u16'),
  ],
  GPIO_MODE: [f('pin', 'u8'), f('mode', 'u8', 5)],
  GPIO_WRITE: [f('pin', 'u8'), f('value', 'u16')],
  GPIO_READ: [f('pin', 'u8')],
  GPIO_REPORT: [f('pin', 'u8'), f('enable', 'u8', 1), f('intervalMs', 'u16')],
  GPIO_STATE: [f('pin', 'u8'), f('value', 'u16')],
};

const FIXED_BYTES: Record<FieldKind, number> = {
  u8: 1,
  u16: 2,
  u32: 4,
  codec: 1,
  str8: 1,
  text: 0,
  bytes: 0,
  gpio: 1,
  tones: 1 + 5, // at least one step
};

/** Smallest valid payload of a message type, in bytes (empty strings, lists and rest fields). */
export function minPayloadBytes(name: MessageTypeName): number {
  return LAYOUTS[name].reduce((sum, field) => sum + FIXED_BYTES[field.kind], 0);
}
