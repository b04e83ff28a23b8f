/**
 * MQTT against a real broker (Debian's mosquitto, started here on a free loopback port): events of a
 * real pipeline published under the topic tree, commands carried out on an emulated board, Home
 * Assistant discovery, a broker restart that loses nothing, a bounded queue that says what it
 * dropped, username/password and TLS, and bad commands named.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import demo from '../../examples/typescript-starter/src/index.js';
import { Harness } from '../../host/cli/demo-harness.js';
import { MqttBridge, type MqttHost } from '../../host/mqtt/index.js';
import type { PipelineEvent } from '../../host/pipeline.js';
import { addReadyBoard } from './helpers.js';
import { Mosquitto, makeCertificates } from './mosquitto.js';

interface Received {
  topic: string;
  text: string;
  retain: boolean;
}

/** A subscriber that records everything and wakes waiters on each message. */
async function subscriber(url: string, topics: string[], opts: mqtt.IClientOptions = {}) {
  const client: MqttClient = await mqtt.connectAsync(url, { reconnectPeriod: 100, ...opts });
  const got: Received[] = [];
  const bus = new EventEmitter();
  client.on('message', (topic, payload, packet) => {
    got.push({ topic, text: payload.toString(), retain: packet.retain });
    bus.emit('m');
  });
  await client.subscribeAsync(topics, { qos: 1 });
  const waitFor = <T>(what: string, check: () => T | undefined, ms = 20_000): Promise<T> =>
    new Promise((resolve, reject) => {
      const on = () => {
        const v = check();
        if (v === undefined) return;
        clearTimeout(timer);
        bus.off('m', on);
        resolve(v);
      };
      const timer = setTimeout(() => {
        bus.off('m', on);
        reject(
          new Error(
            `no ${what} within ${ms} ms; got ${got
              .slice(-8)
              .map((g) => `${g.topic} ${g.text.slice(0, 60)}`)
              .join(' | ')}`,
          ),
        );
      }, ms);
      bus.on('m', on);
      on();
    });
  const json = (topic: string) =>
    got.filter((g) => g.topic === topic && g.text).map((g) => JSON.parse(g.text));
  return { client, got, waitFor, json };
}

/** A host with no boards whose events the test emits itself (for the broker-restart cases). */
function fakeHost(): MqttHost & EventEmitter {
  return Object.assign(new EventEmitter(), {
    board: () => undefined,
    boards: [],
    link: { stats: () => Promise.reject(new Error('no boards')) },
  });
}

const transcript = (n: number): PipelineEvent => ({
  event: 'transcript',
  boardId: 'bench-board',
  text: `utterance ${n}`,
  engine: 'pocketsphinx',
  latencyMs: 1,
  audioMs: 1000,
});

function collect(): {
  events: PipelineEvent[];
  emit: (e: PipelineEvent) => void;
  wait: (what: string, f: (e: PipelineEvent) => boolean) => Promise<PipelineEvent>;
} {
  const events: PipelineEvent[] = [];
  const bus = new EventEmitter();
  return {
    events,
    emit: (e) => {
      events.push(e);
      bus.emit('e', e);
    },
    wait: (what, f) =>
      new Promise((resolve, reject) => {
        const found = events.find(f);
        if (found) return resolve(found);
        const timer = setTimeout(
          () => reject(new Error(`no ${what}; events: ${JSON.stringify(events.slice(-5))}`)),
          20_000,
        );
        const on = (e: PipelineEvent) => {
          if (!f(e)) return;
          clearTimeout(timer);
          bus.off('e', on);
          resolve(e);
        };
        bus.on('e', on);
      }),
  };
}

test('a real pipeline over MQTT: discovery, events with confidence fields, commands carried out on the board', async () => {
  const broker = await Mosquitto.start();
  const h = await Harness.start({
    commands: demo,
    asrThreads: 1,
    mqtt: { url: broker.url, hostId: 'pi-kitchen', countersIntervalMs: 0 },
  });
  const sub = await subscriber(broker.url, ['hark/#', 'homeassistant/#']);
  try {
    await h.waitFor('the broker connection', () => (h.pipeline.mqtt!.connected ? true : undefined));
    const { boardId } = await addReadyBoard(h, { uid: 'mq-1' });
    await sub.waitFor('discovery', () =>
      sub.got.filter((g) => g.topic.startsWith('homeassistant/')).length >= 4 ? true : undefined,
    );
    const configs = new Map(sub.json('homeassistant/button/hark_mq_1/talk/config').map((c) => ['button', c]));
    for (const [component, object] of [
      ['switch', 'mute'],
      ['sensor', 'last_transcript'],
      ['light', 'led'],
    ] as const)
      configs.set(component, sub.json(`homeassistant/${component}/hark_mq_1/${object}/config`)[0]);
    assert.equal(configs.get('button').command_topic, 'hark/mq-1/listen/set');
    assert.equal(configs.get('switch').state_topic, 'hark/mq-1/muted');
    assert.equal(configs.get('sensor').state_topic, 'hark/mq-1/transcript/last');
    assert.equal(configs.get('light').schema, 'json');
    assert.deepEqual(configs.get('light').device.identifiers, ['hark_mq_1']);
    assert.equal(configs.get('light').availability[0].topic, 'hark/host/pi-kitchen/status');
    // Retained: a subscriber that comes later (Home Assistant restarting) still gets every config.
    const late = await subscriber(broker.url, ['homeassistant/+/hark_mq_1/+/config']);
    const retained = await late.waitFor('retained configs', () =>
      late.got.length >= 4 ? late.got : undefined,
    );
    assert.ok(
      retained.every((g) => g.retain),
      'discovery configs are retained',
    );
    await late.client.endAsync();
    await sub.waitFor('host online', () =>
      sub.got.find((g) => g.topic === 'hark/host/pi-kitchen/status' && g.text === 'online'),
    );
    await sub.waitFor('board available', () =>
      sub.got.find((g) => g.topic === 'hark/mq-1/available' && g.text === 'online'),
    );

    await h.say(boardId, 'turn the light on');
    const [t] = await sub.waitFor('a transcript', () =>
      sub.json('hark/mq-1/transcript').length ? sub.json('hark/mq-1/transcript') : undefined,
    );
    assert.match(t.text, /^turn the lights? on$/);
    assert.equal(t.engine, 'pocketsphinx');
    assert.equal(typeof t.latencyMs, 'number');
    assert.equal(typeof t.seq, 'number');
    const [c] = await sub.waitFor('a command', () =>
      sub.json('hark/mq-1/command').length ? sub.json('hark/mq-1/command') : undefined,
    );
    assert.equal(c.command, 'lights');
    assert.deepEqual(c.params, { state: true });
    const [r] = await sub.waitFor('a response', () =>
      sub.json('hark/mq-1/response').length ? sub.json('hark/mq-1/response') : undefined,
    );
    assert.equal(r.status, 'success');
    assert.ok(c.seq > t.seq && r.seq > c.seq, 'seq increases');
    await sub.waitFor('the state topic', () =>
      sub.got.find((g) => g.topic === 'hark/mq-1/state' && g.text === 'thinking'),
    );

    // Commands, each checked on the board itself.
    const obs = (kind: string, f: (d: Record<string, unknown>) => boolean, from: number) =>
      h.waitFor(`the board to get ${kind}`, () =>
        h.received.slice(from).find((o) => o.boardId === boardId && o.kind === kind && f(o.detail)),
      );
    let from = h.received.length;
    await sub.client.publishAsync(
      'hark/mq-1/led/set',
      JSON.stringify({ state: 'ON', color: { r: 255, g: 0, b: 0 }, effect: 'blink' }),
    );
    await obs('led', (d) => d.r === 255 && d.g === 0 && d.b === 0, from);
    await sub.waitFor('the light state', () =>
      sub.json('hark/mq-1/led').find((s) => s.state === 'ON' && s.effect === 'blink'),
    );
    from = h.received.length;
    await sub.client.publishAsync('hark/mq-1/volume/set', '30');
    await obs('volume', (d) => d.value === 30, from);
    from = h.received.length;
    await sub.client.publishAsync('hark/mq-1/tone/set', 'success');
    await obs('tone', (d) => Array.isArray(d.steps) && d.steps.length === 2, from);
    await sub.client.publishAsync('hark/mq-1/mute/set', 'ON');
    await sub.waitFor('muted', () => sub.got.find((g) => g.topic === 'hark/mq-1/muted' && g.text === 'ON'));
    assert.equal(h.pipeline.board(boardId)!.session.muted, true);
    await sub.client.publishAsync('hark/mq-1/mute/set', 'OFF');
    await sub.waitFor('unmuted', () =>
      sub.got.find((g) => g.topic === 'hark/mq-1/muted' && g.text === 'OFF'),
    );
    await sub.client.publishAsync('hark/mq-1/run/set', 'what time is it');
    await sub.waitFor('the command run by text', () =>
      sub.json('hark/mq-1/command').find((x) => x.command === 'what time is it'),
    );
    from = h.received.length;
    await sub.client.publishAsync('hark/mq-1/say/set', 'hello from the broker');
    await obs('speaker', () => true, from);

    // Bad commands are refused, named, and published as errors.
    const e0 = h.events.length;
    await sub.client.publishAsync('hark/mq-1/volume/set', 'loud');
    await sub.client.publishAsync('hark/nosuch/say/set', 'hi');
    await sub.client.publishAsync('hark/mq-1/led/set', '{"state": "ON", "color": {"r": 999}}');
    const errs = await h.waitFor('three refusals', () => {
      const e = h.events.slice(e0).filter((x) => x.event === 'error' && x.code === 'HARK_ERR_MQTT_COMMAND');
      return e.length >= 3 ? e : undefined;
    });
    const msgs = errs.map((e) => (e as { message: string }).message).join('\n');
    assert.match(msgs, /hark\/mq-1\/volume\/set: volume takes a whole number 0\.\.100, got "loud"/);
    assert.match(msgs, /hark\/nosuch\/say\/set: no board "nosuch" is connected to this host \(mq-1\)/);
    assert.match(msgs, /led color\.r must be a whole number 0\.\.255, got 999/);
    await sub.waitFor('the error topic', () =>
      sub.json('hark/mq-1/error').find((e) => e.code === 'HARK_ERR_MQTT_COMMAND'),
    );
  } finally {
    await h.close();
    await sub.waitFor('the goodbye', () =>
      sub.got.find((g) => g.topic === 'hark/host/pi-kitchen/status' && g.text === 'offline'),
    );
    await sub.client.endAsync();
    await broker.close();
  }
});

test('a broker restart loses no event: the queue holds them and the unacknowledged are sent again', async () => {
  const broker = await Mosquitto.start({ persistence: true });
  const host = fakeHost();
  const c = collect();
  const bridge = await MqttBridge.start(
    host,
    {
      url: broker.url,
      hostId: 'restart',
      backoff: { initialMs: 50, maxMs: 400 },
      countersIntervalMs: 0,
      discoveryPrefix: '',
    },
    c.emit,
  );
  // A persistent subscriber: its subscription and queued messages survive the broker's restart.
  const sub = await subscriber(broker.url, ['hark/+/transcript'], {
    clientId: 'hark-restart-sub',
    clean: false,
  });
  try {
    await c.wait('connected', (e) => e.event === 'net' && e.state === 'connected');
    const texts = () => new Set(sub.json('hark/bench-board/transcript').map((t) => t.text));
    for (let i = 0; i < 40; i++) host.emit('event', transcript(i));
    await sub.waitFor('the first 40', () => (texts().size >= 40 ? true : undefined));
    // Events keep coming while the broker goes down and comes back.
    for (let i = 40; i < 50; i++) host.emit('event', transcript(i));
    await broker.stop();
    for (let i = 50; i < 100; i++) host.emit('event', transcript(i));
    await c.wait('offline', (e) => e.event === 'net' && e.state === 'offline');
    assert.ok(bridge.queued >= 50, `queued while away: ${bridge.queued}`);
    await broker.resume();
    await sub.waitFor('all 100 after the restart', () => (texts().size >= 100 ? true : undefined), 30_000);
    const seen = texts();
    for (let i = 0; i < 100; i++) assert.ok(seen.has(`utterance ${i}`), `utterance ${i} arrived`);
    const reports = c.events.filter((e) => e.event === 'error' && e.code === 'HARK_ERR_MQTT_CONNECT');
    assert.equal(reports.length, 1, `one report for the outage: ${JSON.stringify(reports)}`);
    assert.equal(bridge.stats.dropped, 0);
    const dupes = sub.json('hark/bench-board/transcript').length - seen.size;
    console.log(
      `# broker restart: 100 events, 0 lost, ${dupes} duplicate(s) (at least once), ${bridge.stats.resent} re-sent`,
    );
  } finally {
    await bridge.close();
    await sub.client.endAsync();
    await broker.close();
  }
});

test('the offline queue is bounded: the oldest events go, and the loss is reported with its size', async () => {
  const broker = await Mosquitto.start();
  const host = fakeHost();
  const c = collect();
  const bridge = await MqttBridge.start(
    host,
    {
      url: broker.url,
      hostId: 'bounded',
      queueSize: 10,
      backoff: { initialMs: 50, maxMs: 200 },
      countersIntervalMs: 0,
      discoveryPrefix: '',
    },
    c.emit,
  );
  try {
    await c.wait('connected', (e) => e.event === 'net' && e.state === 'connected');
    // Its own 'online' acknowledged first, so the queue holds exactly the events below.
    const probe = await subscriber(broker.url, ['hark/host/bounded/status']);
    await probe.waitFor('online', () => probe.got.find((g) => g.text === 'online'));
    await probe.client.endAsync();
    assert.equal(bridge.stats.acknowledged, 1);
    await broker.stop();
    await c.wait('offline', (e) => e.event === 'net' && e.state === 'offline');
    for (let i = 0; i < 25; i++) host.emit('event', transcript(i));
    // Ten slots: the retained transcript/last (only its newest value) and the 9 newest events.
    assert.equal(bridge.queued, 10);
    const sub = await (async () => {
      await broker.resume();
      return subscriber(broker.url, ['hark/+/transcript']);
    })();
    try {
      const summary = await c.wait(
        'the drop summary',
        (e) => e.event === 'error' && e.code === 'HARK_ERR_MQTT_QUEUE' && /were dropped/.test(e.message),
      );
      assert.match(
        (summary as { message: string }).message,
        /^16 event\(s\) were dropped from the full MQTT offline queue \(10 messages\)/,
      );
      const first = c.events.filter((e) => e.event === 'error' && e.code === 'HARK_ERR_MQTT_QUEUE');
      assert.equal(first.length, 2, 'one when dropping began, one summary: not one per message');
      assert.equal(bridge.stats.dropped, 16);
      const got = await sub.waitFor('the 9 kept events', () => {
        const t = sub.json('hark/bench-board/transcript').map((x) => x.text);
        return t.length >= 9 ? t : undefined;
      });
      assert.deepEqual(
        got,
        Array.from({ length: 9 }, (_, i) => `utterance ${16 + i}`),
        'the newest kept, in order',
      );
    } finally {
      await sub.client.endAsync();
    }
  } finally {
    await bridge.close();
    await broker.close();
  }
});

test('username and password: a wrong password is reported once while retrying; the right one connects', async () => {
  const broker = await Mosquitto.start({ user: { name: 'hark', password: 's3cret-pass' } });
  const c = collect();
  const wrong = await MqttBridge.start(
    fakeHost(),
    {
      url: broker.url,
      username: 'hark',
      password: 'wrong',
      backoff: { initialMs: 30, maxMs: 60 },
      countersIntervalMs: 0,
    },
    c.emit,
  );
  const c2 = collect();
  let right: MqttBridge | undefined;
  try {
    const err = await c.wait('the refusal', (e) => e.event === 'error' && e.code === 'HARK_ERR_MQTT_CONNECT');
    assert.match((err as { message: string }).message, /Not authorized/i);
    // Several more attempts (the broker logs each refusal), still one report.
    await broker.logged(/not authorised/gi, 4);
    assert.equal(c.events.filter((e) => e.event === 'error' && e.code === 'HARK_ERR_MQTT_CONNECT').length, 1);
    assert.equal(wrong.connected, false);
    right = await MqttBridge.start(
      fakeHost(),
      { url: broker.url, username: 'hark', password: 's3cret-pass', countersIntervalMs: 0 },
      c2.emit,
    );
    await c2.wait('connected', (e) => e.event === 'net' && e.state === 'connected');
  } finally {
    await wrong.close();
    await right?.close();
    await broker.close();
  }
});

test('TLS: the broker is verified against the configured CA; without it, or with a missing file, it is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hark-tls-'));
  const certs = makeCertificates(dir);
  const broker = await Mosquitto.start({ tls: certs });
  const ok = collect();
  const bad = collect();
  const good = await MqttBridge.start(
    fakeHost(),
    { url: broker.url, caFile: certs.caFile, countersIntervalMs: 0 },
    ok.emit,
  );
  const untrusted = await MqttBridge.start(
    fakeHost(),
    { url: broker.url, countersIntervalMs: 0, backoff: { initialMs: 10_000 } },
    bad.emit,
  );
  try {
    await ok.wait('connected over TLS', (e) => e.event === 'net' && e.state === 'connected');
    const err = await bad.wait(
      'the refusal',
      (e) => e.event === 'error' && e.code === 'HARK_ERR_MQTT_CONNECT',
    );
    assert.match((err as { message: string }).message, /self[- ]signed|unable to verify|certificate/i);
    await assert.rejects(
      MqttBridge.start(fakeHost(), { url: broker.url, caFile: join(dir, 'nope.crt') }, () => {}),
      (e: Error & { code?: string }) =>
        e.code === 'HARK_ERR_MQTT_CONFIG' &&
        /mqtt\.caFile .*nope\.crt cannot be read \(ENOENT\)/.test(e.message),
    );
  } finally {
    await good.close();
    await untrusted.close();
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('MQTT options that cannot work are refused at once', async () => {
  for (const [opts, re] of [
    [{ url: 'http://broker:1883' }, /mqtt\.url "http:\/\/broker:1883" must be mqtt:\/\/HOST/],
    [{ url: 'mqtt://broker', prefix: 'hark/#' }, /mqtt\.prefix "hark\/#" must be topic levels/],
  ] as const) {
    await assert.rejects(
      MqttBridge.start(fakeHost(), opts, () => {}),
      (e: Error & { code?: string }) => e.code === 'HARK_ERR_MQTT_CONFIG' && re.test(e.message),
    );
  }
});
