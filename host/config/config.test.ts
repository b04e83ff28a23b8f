import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isHarkError } from '../../base/errors.js';
import { ConfigStore, defaultConfig, envNameOf, leafKeys } from './index.js';

function tempStore(env: NodeJS.ProcessEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hark-config-'));
  const store = new ConfigStore({ cwd: dir, configName: 'test-config', env });
  return { dir, store, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test('resolving without a file gives the defaults and writes nothing', () => {
  const { dir, store, cleanup } = tempStore();
  try {
    assert.deepEqual(store.resolve(), defaultConfig());
    assert.equal(existsSync(store.path), false);
    assert.equal(store.path, join(dir, 'test-config.json'));
  } finally {
    cleanup();
  }
});

test('set writes a validated value that get and a fresh store read back', () => {
  const { dir, store, cleanup } = tempStore();
  try {
    assert.equal(store.set('volume', '35'), 35);
    store.set('leds.listening.color', '#00ff00');
    assert.equal(store.get('volume'), 35);
    const again = new ConfigStore({ cwd: dir, configName: 'test-config', env: {} });
    assert.equal(again.resolve().leds.listening.color, '#00ff00');
    assert.equal(again.resolve().leds.listening.effect, 'pulse', 'sibling keys keep their defaults');
    assert.equal(JSON.parse(readFileSync(store.path, 'utf8')).volume, 35);
    store.unset('volume');
    assert.equal(new ConfigStore({ cwd: dir, configName: 'test-config', env: {} }).get('volume'), 70);
  } finally {
    cleanup();
  }
});

test('bad values are refused with an error naming the key', () => {
  const { store, cleanup } = tempStore();
  try {
    assert.throws(
      () => store.set('volume', '150'),
      (e) => isHarkError(e, 'HARK_ERR_CONFIG_INVALID') && /volume must be <= 100/.test(e.message),
    );
    assert.throws(
      () => store.set('engine', 'whisper'),
      (e) =>
        isHarkError(e, 'HARK_ERR_CONFIG_INVALID') &&
        /engine must be one of pocketsphinx, vosk/.test(e.message),
    );
    assert.throws(
      () => store.set('nope', '1'),
      (e) => isHarkError(e, 'HARK_ERR_CONFIG_UNKNOWN_KEY'),
    );
    assert.equal(existsSync(store.path), false, 'a refused value writes nothing');
  } finally {
    cleanup();
  }
});

test('HARK_* environment variables override the file and are validated', () => {
  const { dir, store, cleanup } = tempStore();
  try {
    store.set('engine', 'vosk');
    const env = {
      HARK_ENGINE: 'pocketsphinx',
      HARK_VOSK_MODEL: '/m',
      HARK_EARCONS: 'off',
      HARK_LEDS_IDLE_EFFECT: 'spin',
    };
    const cfg = new ConfigStore({ cwd: dir, configName: 'test-config', env }).resolve();
    assert.equal(cfg.engine, 'pocketsphinx');
    assert.equal(cfg.voskModel, '/m');
    assert.equal(cfg.earcons, false);
    assert.equal(cfg.leds.idle.effect, 'spin');
    assert.throws(
      () =>
        new ConfigStore({ cwd: dir, configName: 'test-config', env: { HARK_SILENCE_MS: 'soon' } }).resolve(),
      (e) =>
        isHarkError(e, 'HARK_ERR_CONFIG_INVALID') &&
        /HARK_SILENCE_MS/.test(e.message) &&
        /silenceMs/.test(e.message),
    );
  } finally {
    cleanup();
  }
});

test('a hand-edited invalid file is reported with the file and the key', () => {
  const { store, cleanup } = tempStore();
  try {
    writeFileSync(store.path, JSON.stringify({ volume: 'loud' }));
    assert.throws(
      () => store.resolve(),
      (e) =>
        isHarkError(e, 'HARK_ERR_CONFIG_INVALID') &&
        e.message.includes(store.path) &&
        /volume/.test(e.message),
    );
  } finally {
    cleanup();
  }
});

test('env names follow the key names', () => {
  assert.equal(envNameOf('voskModel'), 'HARK_VOSK_MODEL');
  assert.equal(envNameOf('leds.listening.periodMs'), 'HARK_LEDS_LISTENING_PERIOD_MS');
  assert.ok(leafKeys().includes('leds.error.color'));
});
