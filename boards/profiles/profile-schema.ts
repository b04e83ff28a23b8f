/**
 * Board profile schema: `boards/profiles/*.json` as one TypeBox schema, from which the TypeScript type
 * (`BoardProfile`) and the validation both come (the same validator as hark's configuration). Rules
 * that span fields (the preferred codec is offered, ids are 0..n-1, spare GPIO pins are not the
 * button's) are checked after the schema. FIRMWARE generates or checks its C pin headers against these
 * files, so pin numbers live here only. Every error names the file and the field.
 */
import { type Static, type TLiteral, type TSchema, type TUnion, Type } from '@sinclair/typebox';
import { HarkError } from '../../base/errors.js';
import { firstProblem } from '../../base/schema-problems.js';
import {
  type AudioCodecName,
  AudioCodecNames,
  type GpioCapName,
  GpioCapNames,
  LedKindNames,
  SpeakerKindNames,
} from '../../protocol/ts/messages.js';

/** Codec names in profiles: the protocol's (SPEC §7); the index is the wire id. */
export const CODEC_NAMES = AudioCodecNames.all;
export type CodecName = AudioCodecName;
/** HELLO.led_kind and speaker_kind names (SPEC §4.1); the index is the wire id. */
export const LED_KINDS = LedKindNames.all;
export const SPEAKER_KINDS = SpeakerKindNames.all;
export const MIC_KINDS = ['i2s', 'pdm', 'analog', 'emulated'] as const;
/** Pin capabilities; the index is the bit number in HELLO gpio caps (SPEC §4.1). */
export const GPIO_CAPS = GpioCapNames.all;
export type { GpioCapName };

type Literals<T extends readonly string[]> = {
  -readonly [K in keyof T]: TLiteral<T[K]>;
} extends infer U extends TSchema[]
  ? U
  : never;
const oneOf = <const T extends readonly string[]>(values: T, description?: string): TUnion<Literals<T>> =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    description ? { description } : {},
  ) as unknown as TUnion<Literals<T>>;
const int = (minimum: number, maximum: number, description?: string) =>
  Type.Integer({ minimum, maximum, ...(description ? { description } : {}) });
const obj = <P extends Record<string, TSchema>>(properties: P, description?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });
const hex4 = Type.String({ pattern: '^[0-9a-fA-F]{4}$', 'x-hark-expect': 'four hex digits' });

/** Named pins of one peripheral, e.g. `{ "bclk": 26, "ws": 25, "din": 33 }`. */
const PIN_MAP = Type.Record(Type.String(), int(0, 255));
const CODECS = Type.Array(oneOf(CODEC_NAMES));

const USB_ID = obj({
  vendorId: hex4,
  productId: hex4,
  bridge: Type.String({ description: 'the USB-serial bridge or controller, for humans' }),
});

const SERIAL = obj({
  baudRate: int(300, 12_000_000, 'default line speed (ignored by pseudo-terminals and CDC-ACM)'),
  resetOnOpen: Type.Boolean({
    description:
      'whether the first open resets the board (DTR edge); the link then waits bootDelayMs longer for HELLO',
  }),
  hupcl: Type.Boolean({
    description: "serialport's hupcl: false keeps DTR/RTS raised on close, so reopening causes no reset",
  }),
  bootDelayMs: int(0, 10_000, 'time the board needs after a reset before it can send HELLO (bootloader), ms'),
  notes: Type.String(),
});

export const BOARD_PROFILE_SCHEMA = obj({
  id: Type.String({
    pattern: '^[a-z0-9][a-z0-9-]{0,31}$',
    'x-hark-expect': 'lowercase letters, digits and dashes (the file name; HELLO.board_model)',
  }),
  name: Type.String(),
  description: Type.String(),
  mcu: Type.String(),
  usb: Type.Array(USB_ID),
  serial: SERIAL,
  audio: obj({
    mic: obj({ kind: oneOf(MIC_KINDS), part: Type.String(), pins: PIN_MAP }),
    sampleRate: int(4000, 48000),
    bits: int(8, 16, 'bits per sample before encoding (10 for the ATmega ADC)'),
    codecs: Type.Array(oneOf(CODEC_NAMES), { minItems: 1, 'x-hark-expect': 'a list of at least one codec' }),
    preferredCodec: oneOf(CODEC_NAMES, 'the codec the host asks for in HELLO_ACK when the board offers it'),
    boardVad: Type.Boolean({
      description: 'board-side energy VAD may end utterances (feature bit BOARD_VAD)',
    }),
  }),
  leds: obj({ count: int(0, 255), kind: oneOf(LED_KINDS), part: Type.String(), pins: PIN_MAP }),
  buttons: Type.Array(
    obj({ id: int(0, 15), pin: int(0, 255), activeLow: Type.Boolean(), label: Type.String() }),
  ),
  speaker: obj({
    kind: oneOf(SPEAKER_KINDS),
    part: Type.String(),
    pins: PIN_MAP,
    /** Only for kind 'pcm'. */
    sampleRate: Type.Optional(int(4000, 48000)),
    codecs: Type.Optional(CODECS),
    bufferBytes: Type.Optional(int(256, 1 << 24)),
  }),
  /** Pins the host may drive through GPIO_* messages (the johnny-five IO plugin). */
  gpio: Type.Array(
    obj({ pin: int(0, 255), caps: Type.Array(oneOf(GPIO_CAPS)), label: Type.Optional(Type.String()) }),
  ),
  maxRxPayload: int(16, 1024, 'largest frame payload the board can receive'),
  rxWindowBytes: Type.Optional(
    int(
      0,
      65535,
      'HELLO.rx_window_bytes (SPEC 1.1 §1.4): the serial receive buffer, the most unprocessed bytes the host may have in flight (64 on the Uno); absent or 0 = no limit beyond maxRxPayload. The emulator models a board with a window as the Uno: a receive ring of this size filled at line rate, drained by a loop that stops while a frame waits for room in its 64-byte transmit ring',
    ),
  ),
});

/** A board profile, as validated. */
export type BoardProfile = Static<typeof BOARD_PROFILE_SCHEMA>;
export type PinMap = BoardProfile['leds']['pins'];
export type UsbId = BoardProfile['usb'][number];
export type SerialSettings = BoardProfile['serial'];

/** Rules that span several fields; returns [field, what is wrong] or undefined. */
function crossFieldProblem(p: BoardProfile): [string, string] | undefined {
  if (!p.audio.codecs.includes(p.audio.preferredCodec))
    return ['audio.preferredCodec', `"${p.audio.preferredCodec}" is not in audio.codecs`];
  if ((p.leds.kind === 'none') !== (p.leds.count === 0))
    return ['leds.kind', 'must be "none" exactly when count is 0'];
  for (const [i, b] of p.buttons.entries())
    if (b.id !== i) return [`buttons[${i}].id`, `must be ${i} (ids are 0..n-1)`];
  if (p.speaker.kind === 'pcm') {
    for (const k of ['sampleRate', 'codecs', 'bufferBytes'] as const)
      if (p.speaker[k] === undefined) return [`speaker.${k}`, 'is required for a pcm speaker'];
  }
  // A spare pin that is also the button, an LED, the mic or the speaker would let a command fight the
  // board's own hardware (the Uno's talk button is pin 2).
  const taken = new Map<number, string>();
  for (const b of p.buttons) taken.set(b.pin, `button ${b.id} (${b.label})`);
  for (const [what, pins] of [
    ['LED', p.leds.pins],
    ['microphone', p.audio.mic.pins],
    ['speaker', p.speaker.pins],
  ] as const)
    for (const [name, pin] of Object.entries(pins))
      if (!taken.has(pin)) taken.set(pin, `${what} pin ${name}`);
  for (const [i, g] of p.gpio.entries()) {
    const owner = taken.get(g.pin);
    if (owner) return [`gpio[${i}].pin`, `${g.pin} is the board's ${owner}, not a spare pin`];
  }
  return undefined;
}

/** Validates parsed JSON as a board profile. `file` names the profile in errors. */
export function validateProfile(json: unknown, file: string): BoardProfile {
  const fail = (field: string, what: string): never => {
    throw new HarkError('HARK_ERR_BOARD_PROFILE_INVALID', `board profile ${file}: ${field} ${what}`, {
      details: { file, field },
    });
  };
  const problem = firstProblem(BOARD_PROFILE_SCHEMA, json);
  if (problem) fail(problem.field, problem.text);
  const cross = crossFieldProblem(json as BoardProfile);
  if (cross) fail(...cross);
  return json as BoardProfile;
}
