/**
 * One source for each board's facts: the board profiles (boards/profiles/*.json). Every firmware
 * target's board_pins.h (firmware/boards/<env>/, firmware/native/) is GENERATED from its profile by
 * boards/pin-headers/ — pins, line speed, the GPIO table, the HELLO sizes and HARK_BOARD_INIT, the
 * `hark_board_t` initialiser the board layers use. Checked here:
 * - staleness: the headers are rendered again and must equal the committed files (a hand edit, or a
 *   profile changed without regenerating, fails with the file and line named);
 * - the generated initialiser compiled (firmware/tests/board_hello.c) gives, field by field, the HELLO
 *   the host derives from the same profile — so HARK_BOARD_INIT out of step with hark_board_t fails;
 * - negatives: a changed profile makes the committed header stale at the changed line; a header whose
 *   initialiser swaps two fields compiles and is caught by the field comparison;
 * - every PlatformIO env has its header, and the Makefile's ESP32 check uses platformio.ini's defines.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { FIRMWARE_DIR, REPO_ROOT } from '../../boards/native/native-build.js';
import {
  FIRMWARE_TARGETS,
  type FirmwareTarget,
  headerPath,
  renderBoardPins,
  staleHeaders,
} from '../../boards/pin-headers/pin-headers.js';
import { DEFAULT_PROFILE_DIR, getProfile, helloForProfile } from '../../boards/profiles/profile-loader.js';
import { AudioCodecNames } from '../../protocol/ts/messages.js';

const run = promisify(execFile);
const ESP32_ENVS = ['esp32dev', 'm5stack-atom-echo', 'esp32-s3-devkitc-1'];
let tmp: string;

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'hark-board-pins-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** The board's hark_board_t and HELLO sizes, compiled from the header in `dir`. */
async function compiledHello(env: string, dir?: string): Promise<Record<string, unknown>> {
  const args = ['-s', '-C', FIRMWARE_DIR, `board-hello-${env}`, `O=${join(tmp, 'build')}`];
  if (dir) args.push(`BOARD_DIR_${env}=${dir}`);
  const { stdout } = await run('make', args);
  return JSON.parse(stdout) as Record<string, unknown>;
}

/** What the host expects of a board built to `t`'s profile, in board_hello.c's field names. */
function expectedHello(t: FirmwareTarget): Record<string, unknown> {
  const p = getProfile(t.profile);
  const h = helloForProfile(p, '0.1.0', '');
  return {
    model: h.boardModel,
    firmwareVersion: h.firmwareVersion,
    features: h.features,
    micSampleRate: h.micSampleRate,
    micBits: h.micBits,
    micCodecs: h.micCodecs,
    defaultCodec: AudioCodecNames.id(p.audio.preferredCodec),
    buttons: h.buttons,
    ledCount: h.ledCount,
    ledKind: h.ledKind,
    speakerKind: h.speakerKind,
    speakerSampleRate: h.speakerSampleRate,
    speakerCodecs: h.speakerCodecs,
    maxUtteranceMs: 15000,
    speakerBufferBytes: h.speakerBufferBytes,
    maxRxPayload: h.maxRxPayload,
    rxWindowBytes: h.rxWindowBytes,
    ledMax: Math.max(1, h.ledCount),
    gpioMax: Math.max(1, h.gpio.length),
    gpio: h.gpio,
  };
}

test('every board_pins.h is what its profile renders (regenerate: node dist/boards/pin-headers/generate.js)', () => {
  const stale = staleHeaders(REPO_ROOT).map(
    (s) =>
      `${relative(REPO_ROOT, s.path)}:${s.line}: committed ${JSON.stringify(s.committed)}, profile gives ${JSON.stringify(s.rendered)}`,
  );
  assert.deepEqual(stale, []);
});

test('a profile changed without regenerating makes its header stale at the changed line', () => {
  const profiles = join(tmp, 'profiles');
  cpSync(DEFAULT_PROFILE_DIR, profiles, { recursive: true, filter: (src) => !src.endsWith('.ts') });
  const file = join(profiles, 'arduino-uno-electret.json');
  const json = JSON.parse(readFileSync(file, 'utf8'));
  json.buttons[0].pin = 18; // A4, not one of the host's pins
  writeFileSync(file, JSON.stringify(json));
  const stale = staleHeaders(REPO_ROOT, profiles);
  assert.equal(stale.length, 1, 'only the Uno header is affected');
  assert.equal(relative(REPO_ROOT, stale[0]!.path), 'firmware/boards/uno/board_pins.h');
  assert.match(stale[0]!.rendered ?? '', /^#define HARK_PIN_BUTTON_0 18\b/);
  assert.match(stale[0]!.committed ?? '', /^#define HARK_PIN_BUTTON_0 2\b/);
});

test('a hand-edited or missing header is reported', () => {
  const root = join(tmp, 'root');
  for (const t of FIRMWARE_TARGETS) {
    mkdirSync(join(root, t.dir), { recursive: true });
    copyFileSync(headerPath(REPO_ROOT, t), headerPath(root, t));
  }
  const uno = headerPath(root, FIRMWARE_TARGETS.find((t) => t.env === 'uno')!);
  writeFileSync(
    uno,
    readFileSync(uno, 'utf8').replace('#define HARK_PIN_LED_LED 13', '#define HARK_PIN_LED_LED 9'),
  );
  rmSync(headerPath(root, FIRMWARE_TARGETS.find((t) => t.env === 'native')!));
  const stale = staleHeaders(root).map((s) => relative(root, s.path));
  assert.deepEqual(stale.sort(), ['firmware/boards/uno/board_pins.h', 'firmware/native/board_pins.h']);
});

for (const t of FIRMWARE_TARGETS) {
  test(`${t.env}: the compiled hark_board_t and HELLO sizes equal the HELLO of profile ${t.profile}`, async () => {
    assert.deepEqual(await compiledHello(t.env), expectedHello(t));
  });
}

test('negative: an initialiser with two fields swapped compiles, and the field comparison catches it', async () => {
  const t = FIRMWARE_TARGETS.find((x) => x.env === 'uno')!;
  const dir = join(tmp, 'swapped');
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(REPO_ROOT, t.dir, 'board_config.h'), join(dir, 'board_config.h'));
  const good = renderBoardPins(t, getProfile(t.profile));
  const swapped = good.replace(
    'HARK_MIC_CODECS, HARK_DEFAULT_CODEC,',
    'HARK_DEFAULT_CODEC, HARK_MIC_CODECS,',
  );
  assert.notEqual(swapped, good);
  writeFileSync(join(dir, 'board_pins.h'), swapped);
  const got = await compiledHello('uno', dir);
  assert.throws(() => assert.deepEqual(got, expectedHello(t)), /micCodecs|defaultCodec/);
  // and the same folder with the right header passes, so it was the swap that was caught
  writeFileSync(join(dir, 'board_pins.h'), good);
  assert.deepEqual(await compiledHello('uno', dir), expectedHello(t));
});

test('platformio.ini has an env per generated header, each including its folder', () => {
  const ini = readFileSync(join(REPO_ROOT, 'platformio.ini'), 'utf8');
  const envs = [...ini.matchAll(/^\[env:([\w-]+)\]/gm)].map((m) => m[1]);
  // [env:native] is the unit tests' build (firmware/tests/board_pins.h, no profile); the others are boards
  const boards = FIRMWARE_TARGETS.filter((x) => x.env !== 'native');
  assert.deepEqual(envs.sort(), [...boards.map((t) => t.env), 'native'].sort());
  for (const t of boards)
    assert.match(ini, new RegExp(`-I ?${t.dir}\\b`), `${t.env} includes its board_pins.h`);
});

test("the Makefile's ESP32 check uses the defines platformio.ini gives each ESP32 env", () => {
  const ini = readFileSync(join(REPO_ROOT, 'platformio.ini'), 'utf8');
  const make = readFileSync(join(REPO_ROOT, 'firmware', 'Makefile'), 'utf8');
  for (const env of ESP32_ENVS) {
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
