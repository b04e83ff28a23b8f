import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isHarkError } from '../../base/errors.js';
import { ConfigStore, defaultConfig, envNameOf, leafKeys } from './index.js';

function tempStore(env: NodeJS.ProcessEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hark-config-'));
  const store = new ConfigStore({ cwd: join(dir, 'conf'), configName: 'test-config', env });
  const again = (e: NodeJS.ProcessEnv = env) =>
    new ConfigStore({ cwd: join(dir, 'conf'), configName: 'test-config', env: e });
  return { dir, store, again, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const isRoot = process.getuid?.() === 0;

test('resolving without a file gives the defaults and writes nothing', () => {
  const { dir, store, cleanup } = tempStore();
  try {
    assert.deepEqual(store.resolve(), defaultConfig());
    assert.equal(existsSync(join(dir, 'conf')), false, 'no folder created by reading');
    assert.equal(defaultConfig().transcription.engine, 'auto');
  } finally {
    cleanup();
  }
});

test('set writes a checked value, mode 0600 in a 0700 folder, that a fresh store reads back', () => {
  const { dir, store, again, cleanup } = tempStore();
  try {
    assert.equal(store.set('volume', '35'), 35);
    store.set('leds.listening.color', '#00ff00');
    store.set('transcription.engine', 'auto');
    assert.equal(store.get('volume'), 35);
    assert.equal(statSync(store.path).mode & 0o777, 0o600, 'config file mode');
    assert.equal(statSync(join(dir, 'conf')).mode & 0o777, 0o700, 'config folder mode');
    const cfg = again().resolve();
    assert.deepEqual(cfg.leds.listening.color, { r: 0, g: 255, b: 0 }, 'colours are RGB once loaded');
    assert.equal(again().get('leds.listening.color'), '#00ff00', 'and #rrggbb when shown');
    assert.equal(cfg.leds.listening.effect, 'pulse', 'sibling keys keep their defaults');
    assert.equal(JSON.parse(readFileSync(store.path, 'utf8')).volume, 35);
    store.unset('volume');
    assert.equal(again().get('volume'), 70);
    // An existing too-open file is replaced by a 0600 one on the next write.
    chmodSync(store.path, 0o644);
    store.set('volume', '40');
    assert.equal(statSync(store.path).mode & 0o777, 0o600);
  } finally {
    cleanup();
  }
});

test('bad values and unknown keys are refused with an error naming the key', () => {
  const { store, cleanup } = tempStore();
  try {
    assert.throws(
      () => store.set('volume', '150'),
      (e) =>
        isHarkError(e, 'HARK_ERR_CONFIG_INVALID') &&
        /volume must be a whole number from 0 to 100 \(got 150\)/.test(e.message),
    );
    assert.throws(
      () => store.set('transcription.engine', 'whisper'),
      (e) =>
        isHarkError(e, 'HARK_ERR_CONFIG_INVALID') &&
        /transcription\.engine must be one of auto, pocketsphinx, vosk/.test(e.message),
    );
    assert.throws(
      () => store.set('leds.idle.color', 'red'),
      (e) => isHarkError(e, 'HARK_ERR_CONFIG_INVALID') && /#rrggbb/.test(e.message),
    );
    assert.throws(
      () => store.set('transcription.pocketsphinx.args', '{"beam":"1"}'),
      (e) => isHarkError(e, 'HARK_ERR_CONFIG_INVALID') && /pocketsphinx\.args/.test(e.message),
    );
    assert.throws(
      () => store.set('nope', '1'),
      (e) => isHarkError(e, 'HARK_ERR_CONFIG_UNKNOWN_KEY') && /"hark config get" lists/.test(e.message),
    );
    assert.throws(
      () => store.set('volumne', '1'),
      (e) => isHarkError(e, 'HARK_ERR_CONFIG_UNKNOWN_KEY') && /did you mean "volume"/.test(e.message),
    );
    assert.throws(
      () => store.set('voskModel', '/m'),
      (e) =>
        isHarkError(e, 'HARK_ERR_CONFIG_UNKNOWN_KEY') && /now "transcription\.vosk\.model"/.test(e.message),
    );
    assert.throws(
      () => store.set('leds', '{}'),
      (e) => isHarkError(e, 'HARK_ERR_CONFIG_UNKNOWN_KEY'),
      'a section is not a key',
    );
    assert.equal(existsSync(store.path), false, 'a refused value writes nothing');
  } finally {
    cleanup();
  }
});

test('HARK_* variables override the file, are checked, and unknown ones are warned about by name', () => {
  const { store, again, cleanup } = tempStore();
  try {
    store.set('transcription.engine', 'vosk');
    const report = again({
      HARK_TRANSCRIPTION_ENGINE: 'pocketsphinx',
      HARK_TRANSCRIPTION_VOSK_MODEL: '/m',
      HARK_EARCONS: 'off',
      HARK_LEDS_IDLE_EFFECT: 'spin',
      HARK_LEDS_IDLE_COLOR: '#102030',
      HARK_VOLUMNE: '20',
      HARK_CONFIG_DIR: '/somewhere',
    }).report();
    assert.equal(report.config.transcription.engine, 'pocketsphinx');
    assert.equal(report.config.transcription.vosk.model, '/m');
    assert.equal(report.config.earcons, false);
    assert.equal(report.config.leds.idle.effect, 'spin');
    assert.deepEqual(report.config.leds.idle.color, { r: 16, g: 32, b: 48 });
    assert.equal(report.sources['transcription.engine'], 'HARK_TRANSCRIPTION_ENGINE');
    assert.equal(report.sources['volume'], 'default');
    assert.equal(report.warnings.length, 1, report.warnings.join('\n'));
    assert.match(report.warnings[0]!, /HARK_VOLUMNE is not a hark setting.*did you mean HARK_VOLUME\?/);
    assert.throws(
      () => again({ HARK_SILENCE_MS: 'soon' }).resolve(),
      (e) =>
        isHarkError(e, 'HARK_ERR_CONFIG_INVALID') &&
        /environment variable HARK_SILENCE_MS: silenceMs must be a whole number/.test(e.message),
    );
  } finally {
    cleanup();
  }
});

test('a hand-edited file is checked once, each problem named with the file and the key', () => {
  const { store, cleanup } = tempStore();
  const write = (text: string) => {
    mkdirSync(join(store.path, '..'), { recursive: true });
    writeFileSync(store.path, text, { mode: 0o600 });
  };
  const refuses = (text: string, code: string, pattern: RegExp) => {
    write(text);
    assert.throws(
      () => store.resolve(),
      (e) => isHarkError(e) && e.code === code && e.message.includes(store.path) && pattern.test(e.message),
      text,
    );
  };
  try {
    refuses(JSON.stringify({ volume: 'loud' }), 'HARK_ERR_CONFIG_INVALID', /volume must be a whole number/);
    refuses(
      JSON.stringify({ leds: { listening: { colour: '#ffffff' } } }),
      'HARK_ERR_CONFIG_UNKNOWN_KEY',
      /leds\.listening\.colour.*did you mean "leds\.listening\.color"/,
    );
    refuses(JSON.stringify({ engine: 'vosk' }), 'HARK_ERR_CONFIG_UNKNOWN_KEY', /now "transcription\.engine"/);
    refuses(JSON.stringify({ leds: 'blue' }), 'HARK_ERR_CONFIG_INVALID', /leds must be an object/);
    refuses('{"volume": 3,', 'HARK_ERR_CONFIG_INVALID', /not valid JSON/);
    refuses('[1, 2]', 'HARK_ERR_CONFIG_INVALID', /JSON object/);
  } finally {
    cleanup();
  }
});

test("relative paths are resolved against the config file's folder, not the working folder", () => {
  const { dir, store, again, cleanup } = tempStore();
  try {
    mkdirSync(join(dir, 'conf'), { recursive: true });
    writeFileSync(
      store.path,
      JSON.stringify({
        commands: './pack/index.mjs, /abs/other.mjs',
        transcription: { vosk: { model: 'models/small' } },
      }),
      { mode: 0o600 },
    );
    const cfg = again().resolve();
    assert.equal(cfg.commands, `${join(dir, 'conf', 'pack/index.mjs')},/abs/other.mjs`);
    assert.equal(cfg.transcription.vosk.model, join(dir, 'conf', 'models/small'));
    // Typed on a command line or in a variable, a relative path means the working folder.
    assert.equal(
      again({ HARK_TRANSCRIPTION_VOSK_MODEL: 'here' }).resolve().transcription.vosk.model,
      join(process.cwd(), 'here'),
    );
    assert.equal(
      store.set('transcription.vosk.library', 'lib/libvosk.so'),
      join(process.cwd(), 'lib/libvosk.so'),
    );
  } finally {
    cleanup();
  }
});

test('a config file other users can change is refused; a folder in its place is named', () => {
  const { dir, store, again, cleanup } = tempStore();
  try {
    store.set('volume', '50');
    chmodSync(store.path, 0o666);
    assert.throws(
      () => again().resolve(),
      (e) =>
        isHarkError(e, 'HARK_ERR_CONFIG_UNSAFE') &&
        /mode 0666/.test(e.message) &&
        /chmod 600/.test(e.message),
    );
    chmodSync(store.path, 0o620);
    assert.throws(
      () => again().resolve(),
      (e) => isHarkError(e, 'HARK_ERR_CONFIG_UNSAFE'),
      'group-writable',
    );
    chmodSync(store.path, 0o600);
    if (isRoot) {
      chownSync(store.path, 65534, 65534);
      assert.throws(
        () => again().resolve(),
        (e) =>
          isHarkError(e, 'HARK_ERR_CONFIG_UNSAFE') && /belongs to another user \(uid 65534/.test(e.message),
      );
    } else console.log('# skipped the foreign-owner case: chown needs root');
    mkdirSync(join(dir, 'folder.json'));
    const folder = new ConfigStore({ cwd: dir, configName: 'folder', env: {} });
    assert.throws(
      () => folder.resolve(),
      (e) => isHarkError(e, 'HARK_ERR_CONFIG_FILE') && /is a folder, not a file/.test(e.message),
    );
  } finally {
    cleanup();
  }
});

test('permission denied says so (exit 3), for reading and for writing', {
  skip: !isRoot && 'needs root to run a child as nobody',
}, () => {
  const { dir, store, cleanup } = tempStore();
  try {
    store.set('volume', '50'); // root-owned, 0600, in a 0700 folder
    chmodSync(dir, 0o755);
    const index = new URL('./index.js', import.meta.url).href;
    const asNobody = (code: string) =>
      spawnSync(process.execPath, ['--input-type=module', '-e', code], {
        uid: 65534,
        gid: 65534,
        encoding: 'utf8',
      });
    const script = (call: string) =>
      `import { ConfigStore } from ${JSON.stringify(index)};
       try { new ConfigStore({ cwd: ${JSON.stringify(join(dir, 'conf'))}, configName: 'test-config', env: {} }).${call}; console.log('no error'); }
       catch (e) { console.log(e.code, e.exitCode, e.message); }`;
    // nobody cannot even enter the 0700 folder: reading is denied.
    let r = asNobody(script('resolve()'));
    assert.match(r.stdout, /^HARK_ERR_CONFIG_FILE 3 cannot read .*permission denied/m, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /invalid: EACCES/);
    r = asNobody(script(`set('volume', '10')`));
    assert.match(
      r.stdout,
      /^HARK_ERR_CONFIG_FILE 3 cannot (read|write) .*permission denied/m,
      r.stdout + r.stderr,
    );
  } finally {
    cleanup();
  }
});

test('env names follow the key names', () => {
  assert.equal(envNameOf('transcription.vosk.model'), 'HARK_TRANSCRIPTION_VOSK_MODEL');
  assert.equal(envNameOf('leds.listening.periodMs'), 'HARK_LEDS_LISTENING_PERIOD_MS');
  assert.ok(leafKeys().includes('leds.error.color'));
  assert.ok(leafKeys().includes('transcription.vosk.library'));
  assert.equal(new Set(leafKeys().map(envNameOf)).size, leafKeys().length, 'no two keys share a variable');
});
