import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isHarkError } from '../../base/errors.js';
import { decodeMessage, encodeMessage } from '../../protocol/ts/index.js';
import { Feature } from '../../protocol/ts/messages.js';
import {
  DEFAULT_PROFILE_DIR,
  getProfile,
  helloForProfile,
  loadProfiles,
  matchUsb,
  profileFeatures,
} from './profile-loader.js';

const REQUIRED = [
  'esp32-devkitc-inmp441',
  'm5stack-atom-echo',
  'esp32-s3-devkitc-1',
  'arduino-uno-electret',
  'emulated',
];

test('every shipped profile loads and the required kits are present', () => {
  const all = loadProfiles();
  for (const id of REQUIRED) assert.ok(all.has(id), `missing profile ${id}`);
});

test('no pin is used twice on a board (except I2S clocks a mic and speaker share)', () => {
  for (const p of loadProfiles().values()) {
    const owners = new Map<number, string>();
    const claim = (pin: number, who: string) => {
      const prev = owners.get(pin);
      const shared = prev?.startsWith('mic.') && who.startsWith('speaker.');
      assert.ok(prev === undefined || shared, `${p.id}: pin ${pin} used by ${prev} and ${who}`);
      owners.set(pin, who);
    };
    for (const [n, pin] of Object.entries(p.audio.mic.pins)) claim(pin, `mic.${n}`);
    for (const [n, pin] of Object.entries(p.speaker.pins)) claim(pin, `speaker.${n}`);
    for (const [n, pin] of Object.entries(p.leds.pins)) claim(pin, `led.${n}`);
    if (p.mcu !== 'emulator') for (const b of p.buttons) claim(b.pin, `button${b.id}`);
    for (const g of p.gpio) claim(g.pin, `gpio${g.pin}`);
  }
});

test('a profile fits its link: audio at most 80 % of the baud rate (SPEC §8)', () => {
  const bytesPerSample = { pcm16: 2, ulaw: 1, 'ima-adpcm': 0.5 } as const;
  for (const p of loadProfiles().values()) {
    const payload = p.audio.sampleRate * bytesPerSample[p.audio.preferredCodec];
    const wire = (payload + 50 * 12) * 10; // 20 ms frames, ~12 bytes overhead each, 10 bits a byte
    assert.ok(
      wire <= 0.8 * p.serial.baudRate,
      `${p.id}: ${wire} bit/s does not fit ${p.serial.baudRate} baud`,
    );
  }
});

test('USB ids match case-insensitively; shared bridges give several candidates', () => {
  assert.deepEqual(
    matchUsb('10C4', 'EA60').map((p) => p.id),
    ['esp32-devkitc-inmp441'],
  );
  assert.deepEqual(
    matchUsb('303A', '1001').map((p) => p.id),
    ['esp32-s3-devkitc-1'],
  );
  const ch340 = matchUsb('1a86', '7523').map((p) => p.id);
  assert.ok(ch340.includes('arduino-uno-electret') && ch340.includes('esp32-devkitc-inmp441'));
  assert.deepEqual(matchUsb('dead', 'beef'), []);
  assert.deepEqual(matchUsb(undefined, undefined), []);
});

test('HELLO built from a profile encodes, decodes and carries its capabilities', () => {
  const p = getProfile('arduino-uno-electret');
  const hello = helloForProfile(p, '0.1.0', '');
  const r = decodeMessage(0x01, encodeMessage(hello));
  assert.ok(r.ok);
  assert.deepEqual(r.message, hello);
  assert.equal(hello.micSampleRate, 8000);
  assert.equal(hello.micCodecs, 0b110);
  assert.equal(hello.speakerKind, 1);
  const f = profileFeatures(p);
  assert.ok(f & Feature.TONE && !(f & Feature.SPEAKER) && f & Feature.GPIO && f & Feature.AUDIO_ADPCM);
  assert.equal(hello.gpio.find((g) => g.pin === 9)?.caps, 0b11011); // input output pwm servo
});

test('invalid profiles are rejected naming the file and the field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hark-prof-'));
  const good = JSON.parse(readFileSync(join(DEFAULT_PROFILE_DIR, 'emulated.json'), 'utf8'));
  // biome-ignore lint/suspicious/noExplicitAny: mutating arbitrary JSON on purpose
  const cases: [string, (j: any) => void, RegExp][] = [
    [
      'baud',
      (j) => (j.serial.baudRate = 'fast'),
      /serial\.baudRate must be a whole number from 300 to 12000000 \(got "fast"\)/,
    ],
    ['codec', (j) => (j.audio.codecs = ['mp3']), /audio\.codecs\[0\] must be one of pcm16, ulaw, ima-adpcm/],
    [
      'usb',
      (j) => (j.usb = [{ vendorId: 'xyz', productId: '0001', bridge: 'x' }]),
      /usb\[0\]\.vendorId must be four hex digits/,
    ],
    [
      'pref',
      (j) => {
        j.audio.preferredCodec = 'ulaw';
        j.audio.codecs = ['pcm16'];
      },
      /preferredCodec "ulaw" is not in/,
    ],
    [
      'pin',
      (j) => (j.gpio = [{ pin: 300, caps: ['input'] }]),
      /gpio\[0\]\.pin must be a whole number from 0 to 255/,
    ],
    [
      'button pin',
      (j) => (j.gpio = [{ pin: j.buttons[0].pin, caps: ['output'] }]),
      /gpio\[0\]\.pin 0 is the board's button 0/,
    ],
    ['unknown field', (j) => (j.leds.colour = 'red'), /leds\.colour is not a known field/],
    ['missing field', (j) => delete j.serial.hupcl, /serial\.hupcl is missing \(it must be true or false\)/],
    [
      'pcm speaker',
      (j) => delete j.speaker.bufferBytes,
      /speaker\.bufferBytes is required for a pcm speaker/,
    ],
  ];
  try {
    for (const [name, mutate, re] of cases) {
      const j = structuredClone(good);
      mutate(j);
      writeFileSync(join(dir, 'emulated.json'), JSON.stringify(j));
      assert.throws(
        () => loadProfiles(dir),
        (e: unknown) =>
          isHarkError(e, 'HARK_ERR_BOARD_PROFILE_INVALID') &&
          re.test(e.message) &&
          e.message.includes('emulated.json'),
        name,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unknown profile id lists the known ones', () => {
  assert.throws(
    () => getProfile('esp8266'),
    (e: unknown) => isHarkError(e, 'HARK_ERR_BOARD_PROFILE_UNKNOWN') && /m5stack-atom-echo/.test(e.message),
  );
});
