/**
 * Framing tests from the documented examples: rhasspy/wyoming's README "Format" section and the cases
 * of its tests/test_event.py (same event, same bytes), then every way a peer can get the framing wrong.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isHarkError } from '../../base/errors.js';
import { encodeEvent, pythonJson, WYOMING_VERSION, WyomingDecoder, type WyomingEvent } from './codec.js';

const PAYLOAD = Buffer.from('test\npayload');
const DATA = { test: 'data' };
const DATA_BYTES = Buffer.from('{"test": "data"}'); // json.dumps(DATA, ensure_ascii=False)

const frameError = (re: RegExp) => (e: unknown) => {
  assert.ok(isHarkError(e, 'HARK_ERR_WYOMING_FRAME'), `expected HARK_ERR_WYOMING_FRAME, got ${String(e)}`);
  assert.match((e as Error).message, re);
  return true;
};

test('an event with data and payload is written as the reference writes it, byte for byte', () => {
  const bytes = encodeEvent({ type: 'test-event', data: DATA, payload: PAYLOAD });
  const expected = Buffer.concat([
    Buffer.from(
      `{"type": "test-event", "version": "${WYOMING_VERSION}", "data_length": 16, "payload_length": 12}\n`,
    ),
    DATA_BYTES,
    PAYLOAD,
  ]);
  assert.deepEqual(bytes, expected);
  const nl = bytes.indexOf(0x0a);
  assert.deepEqual(JSON.parse(bytes.subarray(0, nl).toString()), {
    type: 'test-event',
    version: WYOMING_VERSION,
    data_length: DATA_BYTES.length,
    payload_length: PAYLOAD.length,
  });
});

test('without a payload there is no payload_length; without data no data_length', () => {
  assert.equal(
    encodeEvent({ type: 'test-event', data: DATA }).toString(),
    `{"type": "test-event", "version": "${WYOMING_VERSION}", "data_length": 16}\n{"test": "data"}`,
  );
  assert.equal(
    encodeEvent({ type: 'describe' }).toString(),
    `{"type": "describe", "version": "${WYOMING_VERSION}"}\n`,
  );
  // The reference leaves empty data and empty payloads out the same way.
  assert.equal(
    encodeEvent({ type: 'ping', data: { text: undefined }, payload: new Uint8Array(0) }).toString(),
    `{"type": "ping", "version": "${WYOMING_VERSION}"}\n`,
  );
});

test('an audio-chunk as AudioChunk.event() writes it', () => {
  const bytes = encodeEvent({
    type: 'audio-chunk',
    data: { rate: 16000, width: 2, channels: 1, timestamp: 0 },
    payload: Buffer.from([1, 2]),
  });
  assert.deepEqual(
    bytes,
    Buffer.concat([
      Buffer.from(
        `{"type": "audio-chunk", "version": "${WYOMING_VERSION}", "data_length": 58, "payload_length": 2}\n` +
          '{"rate": 16000, "width": 2, "channels": 1, "timestamp": 0}',
      ),
      Buffer.from([1, 2]),
    ]),
  );
});

test('data_length counts UTF-8 bytes, and non-ASCII text is sent as UTF-8, not escaped', () => {
  const bytes = encodeEvent({ type: 'transcript', data: { text: 'schalte das Licht an – bitte' } });
  assert.match(bytes.toString(), /"data_length": 42\}\n\{"text": "schalte das Licht an – bitte"\}$/);
  const [e] = new WyomingDecoder().push(bytes);
  assert.equal(e?.data?.text, 'schalte das Licht an – bitte');
});

test('reading merges the data bytes over the header data (test_read_event)', () => {
  const header = {
    type: 'test-event',
    version: WYOMING_VERSION,
    data_length: DATA_BYTES.length,
    payload_length: PAYLOAD.length,
    data: { test: 'this will be overwritten by DATA', test2: 'this will not' },
  };
  const bytes = Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), DATA_BYTES, PAYLOAD]);
  const events = new WyomingDecoder().push(bytes);
  assert.equal(events.length, 1);
  assert.equal(events[0]!.type, 'test-event');
  assert.deepEqual(events[0]!.data, { test: 'data', test2: 'this will not' });
  assert.deepEqual(Buffer.from(events[0]!.payload!), PAYLOAD);
});

test('a stream split at every byte decodes to the same events as one chunk', () => {
  const events: WyomingEvent[] = [
    { type: 'describe' },
    { type: 'audio-start', data: { rate: 16000, width: 2, channels: 1 } },
    { type: 'audio-chunk', data: { rate: 16000, width: 2, channels: 1 }, payload: Buffer.alloc(640, 7) },
    { type: 'audio-stop', data: { timestamp: 20 } },
    { type: 'transcript', data: { text: 'turn the light on' } },
  ];
  const wire = Buffer.concat(events.map((e) => encodeEvent(e)));
  const whole = new WyomingDecoder().push(wire);
  const d = new WyomingDecoder();
  const split: WyomingEvent[] = [];
  for (let i = 0; i < wire.length; i++) split.push(...d.push(wire.subarray(i, i + 1)));
  assert.equal(whole.length, events.length);
  assert.deepEqual(split, whole);
  for (let i = 0; i < events.length; i++) {
    assert.equal(whole[i]!.type, events[i]!.type);
    assert.deepEqual(whole[i]!.data, events[i]!.data ?? {});
    if (events[i]!.payload) assert.deepEqual(Buffer.from(whole[i]!.payload!), events[i]!.payload);
  }
  assert.ok(d.idle);
  d.end(); // a clean close between events
});

test('pythonJson writes the separators, nesting and values of json.dumps', () => {
  assert.equal(
    pythonJson({ a: [1, 2.5, 'x'], b: { c: null, d: true }, e: undefined }),
    '{"a": [1, 2.5, "x"], "b": {"c": null, "d": true}}',
  );
  assert.equal(pythonJson('line\nbreak "quoted"'), '"line\\nbreak \\"quoted\\""');
  assert.throws(() => pythonJson(Number.NaN), /cannot encode NaN/);
});

test('malformed headers fail with HARK_ERR_WYOMING_FRAME naming the fault', () => {
  const cases: [string, RegExp][] = [
    ['not json at all\n', /header line "not json at all" is not UTF-8 JSON/],
    ['[1, 2]\n', /header line is not a JSON object/],
    ['{"data": {}}\n', /header has no string "type"/],
    ['{"type": ""}\n', /header has no string "type"/],
    ['{"type": "x", "data": [1]}\n', /header "data" of 'x' is not an object/],
    ['{"type": "x", "data_length": -1}\n', /data_length of 'x' is -1, not a whole number >= 0/],
    ['{"type": "x", "data_length": "16"}\n', /data_length of 'x' is "16"/],
    ['{"type": "x", "payload_length": 1.5}\n', /payload_length of 'x' is 1.5/],
    [
      '{"type": "x", "payload_length": 99999999999}\n',
      /payload_length of 'x' is 99999999999 bytes, over the limit/,
    ],
  ];
  for (const [line, re] of cases) {
    const d = new WyomingDecoder({ peer: 'test peer' });
    assert.throws(() => d.push(Buffer.from(line)), frameError(re), line);
    assert.throws(() => d.push(Buffer.from('{"type": "ping"}\n')), frameError(re), 'stays failed');
  }
  const bad = new WyomingDecoder();
  assert.throws(() => bad.push(Buffer.from([0xff, 0xfe, 0x0a])), frameError(/not UTF-8 JSON/));
});

test('a header line that never ends is refused once it passes the limit, not buffered for ever', () => {
  const d = new WyomingDecoder({ maxHeaderBytes: 1024 });
  assert.deepEqual(d.push(Buffer.alloc(1000, 0x61)), []);
  assert.throws(
    () => d.push(Buffer.alloc(100, 0x61)),
    frameError(/longer than 1024 bytes without a newline/),
  );
  assert.throws(
    () => new WyomingDecoder({ maxHeaderBytes: 10 }).push(Buffer.from('{"type": "describe"}\n')),
    frameError(/header line of 20 bytes exceeds 10/),
  );
});

test('a data_length that lies is caught: too long swallows the next header, too short cuts the JSON', () => {
  const next = encodeEvent({ type: 'ping' });
  const tooLong = Buffer.concat([
    Buffer.from('{"type": "transcript", "data_length": 40}\n{"text": "hi"}'),
    next,
  ]);
  assert.throws(
    () => new WyomingDecoder().push(tooLong),
    frameError(/data bytes of 'transcript' .*does data_length lie\?/),
  );
  const tooShort = Buffer.from('{"type": "transcript", "data_length": 5}\n{"text": "hi"}');
  assert.throws(() => new WyomingDecoder().push(tooShort), frameError(/does data_length lie\?/));
  const notObject = Buffer.from('{"type": "transcript", "data_length": 3}\n[1]');
  assert.throws(() => new WyomingDecoder().push(notObject), frameError(/is \[1\], not a JSON object/));
});

test('a payload_length that lies long is reported when the peer closes mid-payload', () => {
  const d = new WyomingDecoder({ peer: 'ASR server 127.0.0.1:10300' });
  const events = d.push(
    Buffer.concat([Buffer.from('{"type": "audio-chunk", "payload_length": 100}\n'), Buffer.alloc(40)]),
  );
  assert.deepEqual(events, []);
  assert.equal(d.buffered, 40);
  assert.throws(
    () => d.end(),
    frameError(
      /ASR server 127\.0\.0\.1:10300: connection closed in the middle of the payload of 'audio-chunk' \(40 of 100 bytes\)/,
    ),
  );
  const h = new WyomingDecoder();
  h.push(Buffer.from('{"type": "x"'));
  assert.throws(() => h.end(), frameError(/middle of a header line \(12 bytes without a newline\)/));
});

test('the decoder keeps memory bounded across many events (buffer reused, not grown)', () => {
  const d = new WyomingDecoder();
  const chunk = encodeEvent({
    type: 'audio-chunk',
    data: { rate: 16000, width: 2, channels: 1 },
    payload: Buffer.alloc(640),
  });
  let n = 0;
  for (let i = 0; i < 5000; i++)
    n += d.push(chunk.subarray(0, 300)).length + d.push(chunk.subarray(300)).length;
  assert.equal(n, 5000);
  assert.equal(d.buffered, 0);
  assert.ok(d.capacity <= 4096, `buffer grew to ${d.capacity} bytes for 5000 events of ${chunk.length}`);
});

test('encoding refuses an event without a type', () => {
  assert.throws(
    () => encodeEvent({ type: '' }),
    (e: unknown) => isHarkError(e, 'HARK_ERR_WYOMING_PROTOCOL'),
  );
});
