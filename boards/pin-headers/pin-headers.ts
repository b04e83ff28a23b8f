/**
 * The firmware's per-board facts, rendered from the board profiles (boards/profiles/*.json), so a pin
 * or a capability is written once: each `firmware/boards/<env>/board_pins.h` (and the native board's
 * `firmware/native/board_pins.h`) is GENERATED here — pins, line speed, microphone, LEDs, buttons,
 * speaker, the GPIO table, receive limits, and HARK_BOARD_INIT, the board's `hark_board_t` capability
 * initialiser (the HELLO it sends: the same `helloForProfile()` the emulator and the host use). What is
 * the firmware's own business (buffer sizes, build switches) stays hand-written in the env's
 * `board_config.h`, which the generated header includes last.
 *
 * `node dist/boards/pin-headers/generate.js` rewrites them; test/firmware/board-pins.test.ts renders
 * them again and fails when a committed header differs (and names the line).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AudioCodec,
  AudioCodecNames,
  Feature,
  GpioCap,
  LedKind,
  SpeakerKind,
} from '../../protocol/ts/messages.js';
import { DEFAULT_PROFILE_DIR, getProfile, helloForProfile } from '../profiles/profile-loader.js';
import type { BoardProfile } from '../profiles/profile-schema.js';

/** A firmware build target: where its header goes and the profile it is built for. */
export interface FirmwareTarget {
  /** PlatformIO env name (or 'native' for the native board). */
  env: string;
  /** Board profile id. */
  profile: string;
  /** The header's folder, relative to the repository root. */
  dir: string;
}

export const FIRMWARE_TARGETS: readonly FirmwareTarget[] = [
  { env: 'esp32dev', profile: 'esp32-devkitc-inmp441', dir: 'firmware/boards/esp32dev' },
  { env: 'm5stack-atom-echo', profile: 'm5stack-atom-echo', dir: 'firmware/boards/m5stack-atom-echo' },
  { env: 'esp32-s3-devkitc-1', profile: 'esp32-s3-devkitc-1', dir: 'firmware/boards/esp32-s3-devkitc-1' },
  { env: 'uno', profile: 'arduino-uno-electret', dir: 'firmware/boards/uno' },
  { env: 'native', profile: 'emulated', dir: 'firmware/native' },
];

export const headerPath = (root: string, t: FirmwareTarget): string => join(root, t.dir, 'board_pins.h');

/** The C name of a value of one of protocol/ts's enums: HARK_<prefix><KEY> (messages.ts keys are C's). */
function cName(table: Record<string, number>, prefix: string, value: number): string {
  const key = Object.entries(table).find(([, v]) => v === value)?.[0];
  if (key === undefined) throw new Error(`no ${prefix} name for ${value}`);
  return `HARK_${prefix}${key}`;
}

/** An OR of the C names of the bits set in `mask` ("0" when none). */
function cBits(table: Record<string, number>, prefix: string, mask: number, shifted = false): string {
  const names = Object.entries(table)
    .filter(([, bit]) => (shifted ? mask & (1 << bit) : mask & bit) !== 0)
    .map(([key]) => (shifted ? `(1u << HARK_${prefix}${key})` : `HARK_${prefix}${key}`));
  return names.length === 0 ? '0' : names.join(' | ');
}

const macro = (name: string, value: string | number, comment?: string) =>
  `#define ${name} ${value}${comment ? ` /* ${comment} */` : ''}`;

/** board_pins.h for `target`, from its profile. */
export function renderBoardPins(target: FirmwareTarget, p: BoardProfile): string {
  const hello = helloForProfile(p, '', '');
  const lines: string[] = [];
  const out = (s = '') => lines.push(s);
  out('/*');
  out(` * board_pins.h — ${p.name}, firmware env \`${target.env}\`: every fact of this`);
  out(` * board that the host knows too. GENERATED from boards/profiles/${p.id}.json by`);
  out(
    ' * boards/pin-headers/ (`node dist/boards/pin-headers/generate.js`): do not edit — change the profile',
  );
  out(" * and regenerate; test/firmware/board-pins.test.ts fails while this file is stale. The firmware's");
  out(' * own sizes and build switches are in board_config.h, included at the end.');
  out(' */');
  out('#ifndef BOARD_PINS_H');
  out('#define BOARD_PINS_H');
  out();
  out(macro('HARK_BOARD_PROFILE', JSON.stringify(p.id)));
  out(macro('HARK_SERIAL_BAUD', `${p.serial.baudRate}UL`));
  out();
  out('/* microphone */');
  out(macro(`HARK_MIC_KIND_${p.audio.mic.kind.toUpperCase()}`, 1, p.audio.mic.part));
  out(macro('HARK_MIC_SAMPLE_RATE_HZ', p.audio.sampleRate));
  out(macro('HARK_MIC_BITS', p.audio.bits));
  for (const [name, pin] of Object.entries(p.audio.mic.pins))
    out(macro(`HARK_PIN_MIC_${name.toUpperCase()}`, pin));
  out(macro('HARK_MIC_CODECS', `(${cBits(AudioCodec, 'CODEC_', hello.micCodecs, true)})`));
  const preferred = AudioCodecNames.id(p.audio.preferredCodec);
  if (preferred === undefined) throw new Error(`${p.id}: preferredCodec ${p.audio.preferredCodec} has no id`);
  out(macro('HARK_DEFAULT_CODEC', cName(AudioCodec, 'CODEC_', preferred), 'until HELLO_ACK chooses'));
  out();
  out('/* LEDs */');
  out(macro('HARK_LED_COUNT', p.leds.count));
  out(macro('HARK_LED_MAX', Math.max(1, p.leds.count), "the core's LED table"));
  out(macro('HARK_LED_KIND', cName(LedKind, 'LED_KIND_', hello.ledKind), p.leds.part));
  for (const [name, pin] of Object.entries(p.leds.pins))
    out(macro(`HARK_PIN_LED_${name.toUpperCase()}`, pin));
  out();
  out('/* buttons */');
  out(macro('HARK_BUTTON_COUNT', p.buttons.length));
  for (const b of p.buttons) {
    out(macro(`HARK_PIN_BUTTON_${b.id}`, b.pin, b.label));
    out(macro(`HARK_BUTTON_${b.id}_ACTIVE_LOW`, b.activeLow ? 1 : 0));
  }
  out();
  out('/* speaker */');
  out(macro('HARK_SPEAKER_KIND', cName(SpeakerKind, 'SPEAKER_KIND_', hello.speakerKind), p.speaker.part));
  for (const [name, pin] of Object.entries(p.speaker.pins ?? {}))
    out(macro(`HARK_PIN_SPEAKER_${name.toUpperCase()}`, pin));
  out(macro('HARK_SPEAKER_SAMPLE_RATE_HZ', hello.speakerSampleRate));
  out(macro('HARK_SPEAKER_CODECS', `(${cBits(AudioCodec, 'CODEC_', hello.speakerCodecs, true)})`));
  out(macro('HARK_SPEAKER_BUFFER_BYTES', hello.speakerBufferBytes, 'SPEAKER_CREDIT grants at most this'));
  const shared = Object.values(p.audio.mic.pins).filter((pin) =>
    Object.values(p.speaker.pins ?? {}).includes(pin),
  );
  if (shared.length > 0) {
    out(
      macro(
        'HARK_I2S_HALF_DUPLEX',
        1,
        `the mic and the speaker share GPIO ${shared.join(', ')}: one I2S port, in turn`,
      ),
    );
  }
  out();
  out('/* the serial link: what the host may send */');
  out(macro('HARK_RX_MAX_PAYLOAD', hello.maxRxPayload, 'HELLO.max_rx_payload'));
  out(
    macro('HARK_RX_WINDOW_BYTES', hello.rxWindowBytes, 'HELLO.rx_window_bytes (SPEC 1.1 §1.4; 0 = no limit)'),
  );
  out();
  out('/* pins the host may use (HELLO.gpio[]): HARK_GPIO_PIN(pin, caps) for each */');
  out(macro('HARK_GPIO_COUNT', p.gpio.length));
  out(macro('HARK_GPIO_MAX', Math.max(1, p.gpio.length), "the core's pin table"));
  out(`#define HARK_GPIO_TABLE${p.gpio.length ? ' \\' : ''}`);
  hello.gpio.forEach((g, i) => {
    const label = p.gpio[i]?.label;
    const more = i < hello.gpio.length - 1 ? ' \\' : '';
    out(
      `  HARK_GPIO_PIN(${g.pin}, ${cBits(GpioCap, 'GPIO_CAP_', g.caps)})${label ? ` /* ${label} */` : ''}${more}`,
    );
  });
  out();
  out('/* HELLO.features */');
  out(macro('HARK_BOARD_FEATURES', `(${cBits(Feature, 'FEATURE_', hello.features)})`));
  out();
  out("/** This board's hark_board_t (core/hark_board.h), its fields in their order; `gpio_table` is an");
  out(' *  array of HARK_GPIO_COUNT hark_gpio_info_t made from HARK_GPIO_TABLE. */');
  out('#define HARK_BOARD_INIT(gpio_table) \\');
  out(
    '  {HARK_BOARD_PROFILE, HARK_FIRMWARE_VERSION, HARK_BOARD_FEATURES, HARK_MIC_SAMPLE_RATE_HZ, HARK_MIC_BITS, \\',
  );
  out(
    '   HARK_MIC_CODECS, HARK_DEFAULT_CODEC, HARK_BUTTON_COUNT, HARK_LED_COUNT, HARK_LED_KIND, HARK_SPEAKER_KIND, \\',
  );
  out(
    '   HARK_SPEAKER_SAMPLE_RATE_HZ, HARK_SPEAKER_CODECS, HARK_MAX_UTTERANCE_MS, gpio_table, HARK_GPIO_COUNT}',
  );
  out();
  out('#include "board_config.h" /* the firmware\'s own sizes and switches for this board (hand-written) */');
  out();
  out('#endif');
  return `${lines.join('\n')}\n`;
}

/** A committed header that is not what its profile renders now. */
export interface StaleHeader {
  path: string;
  /** 1-based number of the first line that differs. */
  line: number;
  committed: string | undefined;
  rendered: string | undefined;
}

/** Every target's header rendered from the profiles in `profileDir`. */
export function renderAll(root: string, profileDir = DEFAULT_PROFILE_DIR): Map<string, string> {
  return new Map(
    FIRMWARE_TARGETS.map((t) => [headerPath(root, t), renderBoardPins(t, getProfile(t.profile, profileDir))]),
  );
}

/** The headers under `root` that differ from what the profiles render (a missing one counts). */
export function staleHeaders(root: string, profileDir = DEFAULT_PROFILE_DIR): StaleHeader[] {
  const stale: StaleHeader[] = [];
  for (const [path, rendered] of renderAll(root, profileDir)) {
    let committed: string;
    try {
      committed = readFileSync(path, 'utf8');
    } catch {
      stale.push({ path, line: 1, committed: undefined, rendered: rendered.split('\n')[0] });
      continue;
    }
    if (committed === rendered) continue;
    const a = committed.split('\n');
    const b = rendered.split('\n');
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    stale.push({ path, line: i + 1, committed: a[i], rendered: b[i] });
  }
  return stale;
}
