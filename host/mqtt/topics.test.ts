import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { discoveryMessages } from './discovery.js';
import { OfflineQueue } from './offline-queue.js';
import { COMMANDS, TOPIC_DOCS, Topics, topicLevel } from './topics.js';

test('host/mqtt/README.md documents exactly the topic tree the bridge uses', () => {
  const readme = readFileSync(new URL('../../../host/mqtt/README.md', import.meta.url), 'utf8');
  const rows = [...readme.matchAll(/^\| `<prefix>\/([^`]+)` \| (.+) \|$/gm)].map((m) => [m[1], m[2]]);
  assert.deepEqual(
    rows,
    TOPIC_DOCS.map(([t, d]) => [t, d]),
  );
  for (const c of COMMANDS)
    assert.ok(
      TOPIC_DOCS.some(([t]) => t === `<board>/${c}/set`),
      `${c} documented`,
    );
});

test('topics: board levels are topic-safe and commands parse back', () => {
  const t = new Topics('hark', 'pi');
  assert.equal(topicLevel('/dev/ttyUSB0'), '_dev_ttyUSB0');
  assert.equal(topicLevel('a+b#c'), 'a_b_c');
  assert.equal(t.board('kitchen-1', 'transcript'), 'hark/kitchen-1/transcript');
  assert.equal(t.board('', 'error'), 'hark/host/error');
  assert.deepEqual(t.parseCommand('hark/kitchen-1/say/set'), { board: 'kitchen-1', command: 'say' });
  assert.equal(t.parseCommand('hark/kitchen-1/say'), undefined);
  assert.equal(t.parseCommand('other/kitchen-1/say/set'), undefined);
});

test('discovery: one device per board, retained config topics, no LED light on an LED-less board', () => {
  const t = new Topics('hark', 'pi');
  const with_ = discoveryMessages(
    t,
    { boardId: 'k.1', model: 'esp32', hasLed: true },
    { discoveryPrefix: 'homeassistant', version: '1' },
  );
  assert.deepEqual(
    with_.map((m) => m.topic),
    [
      'homeassistant/button/hark_k_1/talk/config',
      'homeassistant/switch/hark_k_1/mute/config',
      'homeassistant/sensor/hark_k_1/last_transcript/config',
      'homeassistant/light/hark_k_1/led/config',
    ],
  );
  assert.ok(
    with_.every((m) => (m.payload.device as { identifiers: string[] }).identifiers[0] === 'hark_k_1'),
  );
  const without = discoveryMessages(
    t,
    { boardId: 'k.1', model: 'uno', hasLed: false },
    { discoveryPrefix: 'homeassistant', version: '1' },
  );
  assert.equal(without.length, 3);
});

test('offline queue: bounded, oldest event dropped first, a retained topic keeps its newest value only', () => {
  const q = new OfflineQueue(3);
  const ev = (n: number) => ({ topic: 'e', payload: String(n), qos: 1 as const, retain: false });
  q.push({ topic: 'state', payload: 'a', qos: 1, retain: true });
  q.push(ev(1));
  q.push({ topic: 'state', payload: 'b', qos: 1, retain: true });
  assert.equal(q.length, 2);
  q.push(ev(2));
  q.push(ev(3));
  assert.equal(q.takeDropped(), 1);
  const out = [q.shift(), q.shift(), q.shift()].map((m) => m?.payload);
  assert.deepEqual(out, ['b', '2', '3']);
  assert.throws(() => new OfflineQueue(0), /capacity 0/);
});
