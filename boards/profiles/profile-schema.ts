/**
 * Board profile schema: the TypeScript shape of `boards/profiles/*.json` and a hand-written validator
 * (no schema library: profiles are small and the errors must name the file and the field).
 * FIRMWARE generates or checks its C pin headers against these files, so pin numbers live here only.
 */
import { HarkError } from '../../base/errors.js';

export const CODEC_NAMES = ['pcm16', 'ulaw', 'ima-adpcm'] as const;
/** Codec names in profiles; the index is the wire id (SPEC §7). */
export type CodecName = (typeof CODEC_NAMES)[number];
export const LED_KINDS = ['none', 'gpio-mono', 'gpio-rgb', 'addressable-rgb'] as const;
export const SPEAKER_KINDS = ['none', 'piezo', 'pcm'] as const;
export const MIC_KINDS = ['i2s', 'pdm', 'analog', 'emulated'] as const;
/** Pin capabilities; the index is the bit in HELLO gpio caps (SPEC §4.1). */
export const GPIO_CAPS = ['input', 'output', 'analog', 'pwm', 'servo'] as const;
export type GpioCapName = (typeof GPIO_CAPS)[number];

/** Named pins of one peripheral, e.g. `{ "bclk": 26, "ws": 25, "din": 33 }`. */
export type PinMap = Record<string, number>;

export interface UsbId {
  /** Four hex digits, compared case-insensitively. */
  vendorId: string;
  productId: string;
  /** The USB-serial bridge or controller, for humans. */
  bridge: string;
}

export interface SerialSettings {
  /** Default line speed (ignored by pseudo-terminals and CDC-ACM). */
  baudRate: number;
  /** Whether the first open resets the board (DTR edge). The link then waits `bootDelayMs` longer for HELLO. */
  resetOnOpen: boolean;
  /** serialport's `hupcl`: false keeps DTR/RTS raised on close, so reopening causes no reset. */
  hupcl: boolean;
  /** Time the board needs after a reset before it can send HELLO (bootloader), in ms. */
  bootDelayMs: number;
  notes: string;
}

export interface BoardProfile {
  /** Equals HELLO.board_model of the firmware; the file is `<id>.json`. */
  id: string;
  name: string;
  description: string;
  mcu: string;
  usb: UsbId[];
  serial: SerialSettings;
  audio: {
    mic: { kind: (typeof MIC_KINDS)[number]; part: string; pins: PinMap };
    sampleRate: number;
    /** Bits per sample before encoding (10 for the ATmega's ADC). */
    bits: number;
    codecs: CodecName[];
    /** The codec the host asks for in HELLO_ACK when the board offers it. */
    preferredCodec: CodecName;
    /** Board-side energy VAD may end utterances (feature bit BOARD_VAD). */
    boardVad: boolean;
  };
  leds: { count: number; kind: (typeof LED_KINDS)[number]; part: string; pins: PinMap };
  buttons: { id: number; pin: number; activeLow: boolean; label: string }[];
  speaker: {
    kind: (typeof SPEAKER_KINDS)[number];
    part: string;
    pins: PinMap;
    /** Only for kind 'pcm'. */
    sampleRate?: number;
    codecs?: CodecName[];
    bufferBytes?: number;
  };
  /** Pins the host may drive through GPIO_* messages (the johnny-five IO plugin). */
  gpio: { pin: number; caps: GpioCapName[]; label?: string }[];
  /** Largest frame payload the board can receive (≤ 1024). */
  maxRxPayload: number;
}

type Obj = Record<string, unknown>;

/** Collects the path of the field being checked so every error names it. */
class Checker {
  constructor(private readonly file: string) {}
  fail(path: string, what: string): never {
    throw new HarkError('HARK_ERR_BOARD_PROFILE_INVALID', `board profile ${this.file}: ${path} ${what}`, {
      details: { file: this.file, field: path },
    });
  }
  obj(v: unknown, path: string): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, 'must be an object');
    return v as Obj;
  }
  str(o: Obj, key: string, path: string, pattern?: RegExp): string {
    const v = o[key];
    if (typeof v !== 'string') this.fail(`${path}${key}`, 'must be a string');
    if (pattern && !pattern.test(v)) this.fail(`${path}${key}`, `must match ${pattern} (got "${v}")`);
    return v;
  }
  int(o: Obj, key: string, path: string, min: number, max: number): number {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.fail(`${path}${key}`, `must be an integer from ${min} to ${max} (got ${JSON.stringify(v)})`);
    }
    return v;
  }
  bool(o: Obj, key: string, path: string): boolean {
    if (typeof o[key] !== 'boolean') this.fail(`${path}${key}`, 'must be true or false');
    return o[key] as boolean;
  }
  oneOf<T extends string>(o: Obj, key: string, path: string, allowed: readonly T[]): T {
    const v = o[key];
    if (typeof v !== 'string' || !allowed.includes(v as T)) {
      this.fail(`${path}${key}`, `must be one of ${allowed.join(', ')} (got ${JSON.stringify(v)})`);
    }
    return v as T;
  }
  arr(o: Obj, key: string, path: string): unknown[] {
    if (!Array.isArray(o[key])) this.fail(`${path}${key}`, 'must be an array');
    return o[key] as unknown[];
  }
  pins(o: Obj, key: string, path: string): PinMap {
    const m = this.obj(o[key], `${path}${key}`);
    for (const name of Object.keys(m)) this.int(m, name, `${path}${key}.`, 0, 255);
    return m as PinMap;
  }
}

/** Validates parsed JSON as a board profile. `file` names the profile in errors. */
export function validateProfile(json: unknown, file: string): BoardProfile {
  const c = new Checker(file);
  const p = c.obj(json, '(top level)');
  c.str(p, 'id', '', /^[a-z0-9][a-z0-9-]{0,31}$/);
  c.str(p, 'name', '');
  c.str(p, 'description', '');
  c.str(p, 'mcu', '');
  c.arr(p, 'usb', '').forEach((u, i) => {
    const o = c.obj(u, `usb[${i}]`);
    c.str(o, 'vendorId', `usb[${i}].`, /^[0-9a-fA-F]{4}$/);
    c.str(o, 'productId', `usb[${i}].`, /^[0-9a-fA-F]{4}$/);
    c.str(o, 'bridge', `usb[${i}].`);
  });
  const s = c.obj(p['serial'], 'serial');
  c.int(s, 'baudRate', 'serial.', 300, 12_000_000);
  c.bool(s, 'resetOnOpen', 'serial.');
  c.bool(s, 'hupcl', 'serial.');
  c.int(s, 'bootDelayMs', 'serial.', 0, 10_000);
  c.str(s, 'notes', 'serial.');
  const a = c.obj(p['audio'], 'audio');
  const mic = c.obj(a['mic'], 'audio.mic');
  c.oneOf(mic, 'kind', 'audio.mic.', MIC_KINDS);
  c.str(mic, 'part', 'audio.mic.');
  c.pins(mic, 'pins', 'audio.mic.');
  c.int(a, 'sampleRate', 'audio.', 4000, 48000);
  c.int(a, 'bits', 'audio.', 8, 16);
  const codecs = c.arr(a, 'codecs', 'audio.');
  if (codecs.length === 0) c.fail('audio.codecs', 'must name at least one codec');
  for (let i = 0; i < codecs.length; i++)
    c.oneOf(codecs as unknown as Obj, String(i), 'audio.codecs.', CODEC_NAMES);
  const pref = c.oneOf(a, 'preferredCodec', 'audio.', CODEC_NAMES);
  if (!codecs.includes(pref)) c.fail('audio.preferredCodec', `"${pref}" is not in audio.codecs`);
  c.bool(a, 'boardVad', 'audio.');
  const l = c.obj(p['leds'], 'leds');
  c.int(l, 'count', 'leds.', 0, 255);
  const ledKind = c.oneOf(l, 'kind', 'leds.', LED_KINDS);
  if ((ledKind === 'none') !== (l['count'] === 0))
    c.fail('leds.kind', 'must be "none" exactly when count is 0');
  c.str(l, 'part', 'leds.');
  c.pins(l, 'pins', 'leds.');
  c.arr(p, 'buttons', '').forEach((b, i) => {
    const o = c.obj(b, `buttons[${i}]`);
    if (c.int(o, 'id', `buttons[${i}].`, 0, 15) !== i)
      c.fail(`buttons[${i}].id`, `must be ${i} (ids are 0..n-1)`);
    c.int(o, 'pin', `buttons[${i}].`, 0, 255);
    c.bool(o, 'activeLow', `buttons[${i}].`);
    c.str(o, 'label', `buttons[${i}].`);
  });
  const sp = c.obj(p['speaker'], 'speaker');
  const spKind = c.oneOf(sp, 'kind', 'speaker.', SPEAKER_KINDS);
  c.str(sp, 'part', 'speaker.');
  c.pins(sp, 'pins', 'speaker.');
  if (spKind === 'pcm') {
    c.int(sp, 'sampleRate', 'speaker.', 4000, 48000);
    const sc = c.arr(sp, 'codecs', 'speaker.');
    for (let i = 0; i < sc.length; i++)
      c.oneOf(sc as unknown as Obj, String(i), 'speaker.codecs.', CODEC_NAMES);
    c.int(sp, 'bufferBytes', 'speaker.', 256, 1 << 24);
  }
  c.arr(p, 'gpio', '').forEach((g, i) => {
    const o = c.obj(g, `gpio[${i}]`);
    c.int(o, 'pin', `gpio[${i}].`, 0, 255);
    const caps = c.arr(o, 'caps', `gpio[${i}].`);
    for (let j = 0; j < caps.length; j++)
      c.oneOf(caps as unknown as Obj, String(j), `gpio[${i}].caps.`, GPIO_CAPS);
    if (o['label'] !== undefined) c.str(o, 'label', `gpio[${i}].`);
  });
  c.int(p, 'maxRxPayload', '', 16, 1024);
  return p as unknown as BoardProfile;
}
