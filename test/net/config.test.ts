/** The network keys: all off by default, and each section turned into its module's options. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigStore } from '../../host/config/index.js';
import { dashboardOptions } from '../../host/dashboard/index.js';
import { mqttOptions } from '../../host/mqtt/index.js';
import { roomOptions } from '../../host/rooms/index.js';
import { wyomingOptions } from '../../host/wyoming/index.js';

const resolve = (env: Record<string, string>) =>
  new ConfigStore({ cwd: '/nonexistent/hark-net-config', configName: 'none', env }).resolve();

test('with no network keys set, no network service starts', () => {
  const c = resolve({});
  assert.equal(wyomingOptions(c), undefined);
  assert.equal(mqttOptions(c.mqtt), undefined);
  assert.equal(dashboardOptions(c.dashboard), undefined);
  assert.equal(roomOptions(c.rooms), undefined);
});

test("network keys from HARK_* variables become each service's options", () => {
  const c = resolve({
    HARK_WYOMING_SATELLITE_ENABLED: 'true',
    HARK_WYOMING_SATELLITE_PORTS: '{"k1": 10701}',
    HARK_WYOMING_ASR_URI: 'tcp://whisper.lan:10300',
    HARK_MQTT_URL: 'mqtts://broker.lan:8883',
    HARK_MQTT_USERNAME: 'hark',
    HARK_DASHBOARD_ENABLED: '1',
    HARK_DASHBOARD_PORT: '9000',
    HARK_ROOMS_BOARDS: '{"k1": "kitchen", "k2": "kitchen", "h1": "hall"}',
  });
  const w = wyomingOptions(c)!;
  assert.deepEqual(w.satellite?.ports, { k1: 10701 });
  assert.deepEqual(
    w.satellite?.areas,
    { k1: 'kitchen', k2: 'kitchen', h1: 'hall' },
    "a board's room is its satellite area",
  );
  assert.equal(w.asr?.uri, 'tcp://whisper.lan:10300');
  assert.equal(w.tts, undefined);
  assert.deepEqual(
    {
      url: mqttOptions(c.mqtt)?.url,
      username: mqttOptions(c.mqtt)?.username,
      password: mqttOptions(c.mqtt)?.password,
    },
    { url: 'mqtts://broker.lan:8883', username: 'hark', password: undefined },
  );
  assert.deepEqual(dashboardOptions(c.dashboard), { host: '127.0.0.1', port: 9000 });
  assert.deepEqual(roomOptions(c.rooms)?.rooms, { kitchen: ['k1', 'k2'], hall: ['h1'] });
});

test('bad network values are refused by the schema, naming the key', () => {
  for (const [env, re] of [
    [{ HARK_WYOMING_ASR_URI: 'http://whisper:10300' }, /wyoming\.asr\.uri/],
    [{ HARK_MQTT_URL: 'broker:1883' }, /mqtt\.url/],
    [{ HARK_WYOMING_SATELLITE_PORTS: '{"k1": 70000}' }, /wyoming\.satellite\.ports/],
  ] as const) {
    assert.throws(
      () => resolve(env),
      (e: Error & { code?: string }) => e.code === 'HARK_ERR_CONFIG_INVALID' && re.test(e.message),
      JSON.stringify(env),
    );
  }
});
