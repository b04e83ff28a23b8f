/**
 * One place per board for pins and sizes (firmware/boards/<env>/board_pins.h), checked against the
 * board profiles the host uses (boards/profiles/*.json): a wiring change in one and not the other
 * fails here with the pin named. Also checks that every PlatformIO env has its header.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../boards/native/native-build.js';
import { getProfile } from '../../boards/profiles/profile-loader.js';

const ENVS = ['esp32dev', 'm5stack-atom-echo', 'esp32-s3-devkitc-1', 'uno'];
const CAP_BITS: Record<string, string> = {
  input: 'HARK_GPIO_CAP_INPUT',
  output: 'HARK_GPIO_CAP_OUTPUT',
  analog: 'HARK_GPIO_CAP_ANALOG',
  pwm: 'HARK_GPIO_CAP_PWM',
  servo: 'HARK_GPIO_CAP_SERVO',
};

interface Header {
  defines: Map<string, string>;
  gpio: Map<number, string[]>;
}

function parseHeader(path: string): Header {
  const text = readFileSync(path, 'utf8');
  const defines = new Map<string, string>();
  for (const m of text.matchAll(/^#define\s+(\w+)\s+("[^"]*"|[-\w]+)/gm)) {
    defines.set(m[1]!, m[2]!.replace(/^"|"$/g, '').replace(/^(\d+)U?L?$/, '$1'));
  }
  const gpio = new Map<number, string[]>();
  for (const m of text.matchAll(/HARK_GPIO_PIN\((\d+),\s*([^)]*)\)/g)) {
    gpio.set(
      Number(m[1]),
      m[2]!
        .split('|')
        .map((s) => s.trim())
        .sort(),
    );
  }
  return { defines, gpio };
}

const num = (h: Header, name: string): number | undefined => {
  const v = h.defines.get(name);
  return v === undefined ? undefined : Number(v);
};

for (const env of ENVS) {
  test(`firmware/boards/${env}/board_pins.h matches its board profile`, () => {
    const h = parseHeader(join(REPO_ROOT, 'firmware', 'boards', env, 'board_pins.h'));
    const id = h.defines.get('HARK_BOARD_PROFILE');
    assert.ok(id, 'HARK_BOARD_PROFILE is defined');
    const p = getProfile(id);
    assert.equal(num(h, 'HARK_SERIAL_BAUD'), p.serial.baudRate, 'baud rate');
    assert.equal(num(h, 'HARK_MIC_SAMPLE_RATE_HZ'), p.audio.sampleRate, 'mic sample rate');
    assert.equal(num(h, 'HARK_MIC_BITS'), p.audio.bits, 'mic bits');
    assert.equal(num(h, 'HARK_RX_MAX_PAYLOAD'), p.maxRxPayload, 'max rx payload');
    assert.equal(num(h, 'HARK_LED_COUNT'), p.leds.count, 'LED count');
    const expected = new Map<string, number>();
    for (const [k, v] of Object.entries(p.audio.mic.pins)) expected.set(`HARK_PIN_MIC_${k.toUpperCase()}`, v);
    for (const [k, v] of Object.entries(p.leds.pins)) expected.set(`HARK_PIN_LED_${k.toUpperCase()}`, v);
    for (const [k, v] of Object.entries(p.speaker.pins ?? {}))
      expected.set(`HARK_PIN_SPEAKER_${k.toUpperCase()}`, v);
    for (const b of p.buttons) {
      expected.set(`HARK_PIN_BUTTON_${b.id}`, b.pin);
      assert.equal(num(h, `HARK_BUTTON_${b.id}_ACTIVE_LOW`), b.activeLow ? 1 : 0, `button ${b.id} polarity`);
    }
    for (const [name, pin] of expected) assert.equal(num(h, name), pin, `${name} (profile ${id})`);
    const extra = [...h.defines.keys()].filter((k) => k.startsWith('HARK_PIN_') && !expected.has(k));
    assert.deepEqual(extra, [], `pins in the header that profile ${id} does not list`);
    const speakerBytes = p.speaker.kind === 'pcm' ? (p.speaker.bufferBytes ?? 0) : 0;
    assert.equal(num(h, 'HARK_SPEAKER_BUFFER_BYTES') ?? 0, speakerBytes, 'speaker buffer bytes');
    const want = new Map(p.gpio.map((g) => [g.pin, g.caps.map((c) => CAP_BITS[c]!).sort()]));
    const pins = [...new Set([...want.keys(), ...h.gpio.keys()])].sort((a, b) => a - b);
    const short = (caps: string[] | undefined) =>
      caps ? caps.map((c) => c.replace('HARK_GPIO_CAP_', '').toLowerCase()) : 'absent';
    const diffs = pins
      .filter((pin) => JSON.stringify(want.get(pin)) !== JSON.stringify(h.gpio.get(pin)))
      .map(
        (pin) =>
          `pin ${pin}: profile ${JSON.stringify(short(want.get(pin)))}, firmware ${JSON.stringify(short(h.gpio.get(pin)))}`,
      );
    assert.deepEqual(diffs, [], `GPIO table of ${env} vs profile ${id}`);
  });
}

test('platformio.ini has an env per board header, plus native', () => {
  const ini = readFileSync(join(REPO_ROOT, 'platformio.ini'), 'utf8');
  const envs = [...ini.matchAll(/^\[env:([\w-]+)\]/gm)].map((m) => m[1]);
  assert.deepEqual(envs.sort(), [...ENVS, 'native'].sort());
  for (const env of ENVS)
    assert.match(ini, new RegExp(`-I ?firmware/boards/${env}\\b`), `${env} includes its board_pins.h`);
});

test("the Makefile's ESP32 check uses the defines platformio.ini gives each ESP32 env", () => {
  const ini = readFileSync(join(REPO_ROOT, 'platformio.ini'), 'utf8');
  const make = readFileSync(join(REPO_ROOT, 'firmware', 'Makefile'), 'utf8');
  for (const env of ENVS.filter((e) => e !== 'uno')) {
    const section = ini.split(`[env:${env}]`)[1]?.split(/^\[/m)[0] ?? '';
    const flags = /^build_flags\s*=(.*)$/m.exec(section)?.[1] ?? '';
    const iniDefs = [...flags.matchAll(/-D\s*(\S+)/g)].map((m) => m[1]).sort();
    const makeLine =
      new RegExp(`^ESP32_DEFS_${env.replace(/-/g, '\\-')}\\s*:=(.*)$`, 'm').exec(make)?.[1] ?? '';
    const makeDefs = [...makeLine.matchAll(/-D\s*(\S+)/g)].map((m) => m[1]).sort();
    assert.deepEqual(
      makeDefs,
      iniDefs,
      `${env}: -D flags of platformio.ini vs firmware/Makefile ESP32_DEFS_${env}`,
    );
  }
});
