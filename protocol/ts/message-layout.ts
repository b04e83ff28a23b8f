/**
 * The payload layout of every message (SPEC §3–4) as data. The codec (message-codec.ts), the vector
 * generator and the C-constants check all read this one table, so a field can only be described once.
 *
 * Field kinds: `u8`/`u16`/`u32` little-endian integers (`max` is the largest value an encoder may write;
 * decoders accept any value so that a newer minor version can add enum values), `codec` an AudioCodec id
 * (checked both ways: a codec nobody negotiated cannot be decoded), `str8` a u8 length + UTF-8 bytes of at
 * most `max` bytes, `text`/`bytes` the rest of the payload, `gpio` a u8 count (≤ `max`) of `pin u8, caps u8`
 * pairs, `tones` a u8 count (1..`max`) of `freq_hz u16, duration_ms u16, volume u8` steps.
 *
 * It is also the source of the C codec: c-layout.ts renders protocol/c/hark_layout.h (the message structs
 * and one X-macro field list per message) from it, which hark_msg.c, the C tests' dump and random
 * message generator expand. The table is type-checked against the message interfaces of messages.ts:
 * a field with a wrong name or kind, or a message property without a field, fails tsc.
 */

import {
  AudioEndReasonNames,
  AudioTriggerNames,
  ButtonEventNames,
  CaptureActionNames,
  CaptureModeNames,
  GpioModeNames,
  type GpioPinInfo,
  HelloAckFlagNames,
  LedEffectNames,
  LedKindNames,
  LogLevelNames,
  MAX_PAYLOAD_BYTES,
  MAX_TONE_STEPS,
  type MessageOf,
  type MessageTypeName,
  PROTOCOL_MINOR,
  SpeakerKindNames,
  SpeakerStateNames,
  type ToneStep,
} from './messages.js';
import type { AnyNameTable } from './names.js';

export type FieldKind = 'u8' | 'u16' | 'u32' | 'codec' | 'str8' | 'text' | 'bytes' | 'gpio' | 'tones';

export interface FieldSpec {
  /** Property name in the TypeScript message (the C name is its snake_case). */
  readonly name: string;
  readonly kind: FieldKind;
  /** Largest value (integers), byte length (str8) or element count (gpio, tones). */
  readonly max?: number;
  /** The enum or bit set the value belongs to (documentation, C comments; `max` follows from it). */
  readonly names?: AnyNameTable;
  /**
   * The minor version that appended this field (absent: 1.0). A payload that ends before an appended
   * field decodes it as 0, which is how a 1.1 receiver reads a 1.0 sender (SPEC §2.1.4).
   */
  readonly since?: number;
}

/** The TypeScript value each kind decodes to. */
interface KindValue {
  u8: number;
  u16: number;
  u32: number;
  codec: number;
  str8: string;
  text: string;
  bytes: Uint8Array;
  gpio: GpioPinInfo[];
  tones: ToneStep[];
}
type KindsFor<V> = { [K in FieldKind]: [V] extends [KindValue[K]] ? K : never }[FieldKind];
type PayloadKey<M> = Exclude<keyof M, 'type'> & string;
/** A field spec whose name is a property of M and whose kind decodes to that property's type. */
export type FieldOf<M> = {
  [P in PayloadKey<M>]: FieldSpec & { readonly name: P; readonly kind: KindsFor<M[P]> };
}[PayloadKey<M>];

/** The properties of message M that layout L has no field for (never when it covers them all). */
export type UncoveredFields<M, L extends readonly { readonly name: string }[]> = Exclude<
  PayloadKey<M>,
  L[number]['name']
>;

/** Longest HELLO.board_model / board_uid and firmware_version strings, in UTF-8 bytes. */
export const MAX_BOARD_MODEL_BYTES = 32;
export const MAX_FIRMWARE_VERSION_BYTES = 16;
export const MAX_BOARD_UID_BYTES = 32;
/** Most GPIO pin entries one HELLO may list. */
export const MAX_HELLO_GPIO_PINS = 64;
/** Largest percentage (VOLUME.level, TONE step volume). */
export const MAX_PERCENT = 100;
/** Every codec bit of HELLO.mic_codecs / speaker_codecs (bit 1 << AudioCodec id). */
export const CODEC_MASK_ALL = 0x07;

interface FieldOptions {
  max?: number;
  names?: AnyNameTable;
  since?: number;
}

/** A field; with `names`, `max` is the table's largest id (or every bit of a bit set). */
function f<const N extends string, const K extends FieldKind>(name: N, kind: K, o: FieldOptions = {}) {
  const max = o.max ?? (o.names ? (o.names.allBits ?? o.names.max) : undefined);
  return {
    name,
    kind,
    ...(max === undefined ? {} : { max }),
    ...(o.names ? { names: o.names } : {}),
    ...(o.since === undefined ? {} : { since: o.since }),
  };
}
const named = (names: FieldOptions['names']): FieldOptions => ({ names });

const layouts = {
  HELLO: [
    f('versionMajor', 'u8'),
    f('versionMinor', 'u8'),
    f('features', 'u32'),
    f('boardModel', 'str8', { max: MAX_BOARD_MODEL_BYTES }),
    f('firmwareVersion', 'str8', { max: MAX_FIRMWARE_VERSION_BYTES }),
    f('boardUid', 'str8', { max: MAX_BOARD_UID_BYTES }),
    f('micSampleRate', 'u32'),
    f('micBits', 'u8'),
    f('micCodecs', 'u8', { max: CODEC_MASK_ALL }),
    f('micChannels', 'u8'),
    f('buttons', 'u8'),
    f('ledCount', 'u8'),
    f('ledKind', 'u8', named(LedKindNames)),
    f('speakerKind', 'u8', named(SpeakerKindNames)),
    f('speakerSampleRate', 'u32'),
    f('speakerCodecs', 'u8', { max: CODEC_MASK_ALL }),
    f('speakerBufferBytes', 'u32'),
    f('maxRxPayload', 'u16', { max: MAX_PAYLOAD_BYTES }),
    f('gpio', 'gpio', { max: MAX_HELLO_GPIO_PINS }),
    f('rxWindowBytes', 'u16', { since: 1 }),
  ],
  HELLO_ACK: [
    f('versionMajor', 'u8'),
    f('versionMinor', 'u8'),
    f('features', 'u32'),
    f('audioCodec', 'codec'),
    f('audioSampleRate', 'u32'),
    f('chunkMs', 'u8'),
    f('heartbeatMs', 'u16'),
    f('flags', 'u8', named(HelloAckFlagNames)),
    f('hostSession', 'u32', { since: 1 }),
  ],
  PING: [f('token', 'u32')],
  PONG: [f('token', 'u32'), f('uptimeMs', 'u32'), f('rxFramesBad', 'u16'), f('audioOverflows', 'u16')],
  LOG: [f('level', 'u8', named(LogLevelNames)), f('text', 'text')],
  ERROR: [f('code', 'u16'), f('message', 'text')],
  AUDIO_START: [
    f('stream', 'u8'),
    f('codec', 'codec'),
    f('sampleRate', 'u32'),
    f('trigger', 'u8', named(AudioTriggerNames)),
  ],
  AUDIO: [f('stream', 'u8'), f('chunk', 'u16'), f('data', 'bytes')],
  AUDIO_END: [
    f('stream', 'u8'),
    f('reason', 'u8', named(AudioEndReasonNames)),
    f('chunks', 'u16'),
    f('droppedSamples', 'u32'),
  ],
  CAPTURE: [
    f('action', 'u8', named(CaptureActionNames)),
    f('mode', 'u8', named(CaptureModeNames)),
    f('maxMs', 'u16'),
  ],
  BUTTON: [f('button', 'u8'), f('event', 'u8', named(ButtonEventNames))],
  LED: [
    f('index', 'u8'),
    f('effect', 'u8', named(LedEffectNames)),
    f('r', 'u8'),
    f('g', 'u8'),
    f('b', 'u8'),
    f('periodMs', 'u16'),
    f('durationMs', 'u16'),
  ],
  TONE: [f('steps', 'tones', { max: MAX_TONE_STEPS })],
  VOLUME: [f('level', 'u8', { max: MAX_PERCENT })],
  SPEAKER_START: [f('stream', 'u8'), f('codec', 'codec'), f('sampleRate', 'u32')],
  SPEAKER_DATA: [f('stream', 'u8'), f('data', 'bytes')],
  SPEAKER_END: [f('stream', 'u8')],
  SPEAKER_STOP: [f('stream', 'u8')],
  SPEAKER_CREDIT: [
    f('stream', 'u8'),
    f('creditBytes', 'u32'),
    f('bufferedBytes', 'u32'),
    f('state', 'u8', named(SpeakerStateNames)),
    f('underruns', 'u16'),
  ],
  GPIO_MODE: [f('pin', 'u8'), f('mode', 'u8', named(GpioModeNames))],
  GPIO_WRITE: [f('pin', 'u8'), f('value', 'u16')],
  GPIO_READ: [f('pin', 'u8')],
  GPIO_REPORT: [f('pin', 'u8'), f('enable', 'u8', { max: 1 }), f('intervalMs', 'u16')],
  GPIO_STATE: [f('pin', 'u8'), f('value', 'u16')],
} as const satisfies { readonly [T in MessageTypeName]: readonly FieldOf<MessageOf<T>>[] };

/**
 * Compile-time check that every property of every message interface has a layout field: a message
 * property without one makes this a type error that names it (a field with a wrong name or a kind that
 * does not decode to the property's type already fails the `satisfies` above).
 */
type MissingFields = {
  [T in MessageTypeName]: UncoveredFields<MessageOf<T>, (typeof layouts)[T]>;
}[MessageTypeName];
export const EVERY_MESSAGE_FIELD_HAS_A_LAYOUT: [MissingFields] extends [never] ? true : MissingFields = true;

/** The payload layout of every message type, in wire order. */
export const LAYOUTS: { readonly [T in MessageTypeName]: readonly FieldSpec[] } = layouts;

/** The fields a peer of minor version `minor` knows (SPEC §2.1.4: 1.0 peers ignore appended fields). */
export function layoutFor(name: MessageTypeName, minor: number): readonly FieldSpec[] {
  return LAYOUTS[name].filter((field) => (field.since ?? 0) <= minor);
}

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

/**
 * Smallest payload of a message type, in bytes (empty strings, lists and rest fields), that a sender of
 * minor version `minor` sends (default: this version). A decoder accepts anything from the 1.0 size
 * (`minPayloadBytes(name, 0)`) on: fields appended later read as 0 when absent.
 */
export function minPayloadBytes(name: MessageTypeName, minor: number = PROTOCOL_MINOR): number {
  return layoutFor(name, minor).reduce((sum, field) => sum + FIXED_BYTES[field.kind], 0);
}

/** Largest fixed part of a message: every field except a rest field, strings and lists at their limits. */
export function maxHeadBytes(name: MessageTypeName): number {
  let n = 0;
  for (const field of LAYOUTS[name]) {
    if (field.kind === 'str8') n += 1 + field.max!;
    else if (field.kind === 'gpio') n += 1 + 2 * field.max!;
    else if (field.kind === 'tones') n += 1 + 5 * field.max!;
    else n += FIXED_BYTES[field.kind];
  }
  return n;
}
