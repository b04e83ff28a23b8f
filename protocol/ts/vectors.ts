/**
 * The golden vectors (protocol/vectors.json) and their C rendering (protocol/c/tests/vectors.h).
 * Each vector is a wire byte string fed to a fresh decoder, the transcript it must produce
 * (transcript.ts) and, for vectors made by the encoder, the messages that must encode to exactly those
 * bytes. Built only from the encoder and hand-made corruptions, never from the decoder under test...
 * except the transcript, which the generator records and a reviewer checks by reading vectors.json.
 */
import { encodeFrame } from './frame-encoder.js';
import { encodeMessage } from './message-codec.js';
import { MessageEncoder } from './message-encoder.js';
import { EXAMPLES } from './message-examples.js';
import {
  MAX_BOARD_MODEL_BYTES,
  MAX_BOARD_UID_BYTES,
  MAX_FIRMWARE_VERSION_BYTES,
  MAX_HELLO_GPIO_PINS,
  minPayloadBytes,
} from './message-layout.js';
import { type Message, MessageType, PROTOCOL_MAJOR, PROTOCOL_MINOR } from './messages.js';
import { transcribe } from './transcript.js';

export interface VectorInput {
  name: string;
  description: string;
  wire: Uint8Array;
  /** Messages and seqs that encode to exactly `wire` (absent for corrupted input). */
  encode?: { seq: number; message: Message }[];
}

export interface Vector {
  name: string;
  description: string;
  /** Wire bytes, hex. */
  wire: string;
  encode?: { seq: number; message: unknown }[];
  /** The transcript a fresh decoder must produce. */
  expect: string[];
}

/** The msg-hello and msg-hello_ack wires of protocol 1.0 (vectors.json of the 1.0 release). */
export const HELLO_1_0_WIRE =
  '020101020102750101311565737033322d6465766b6974632d696e6d7034343105302e312e301132343a36663a32383a61613a62623a6363803e0108100501010c0301010101010101010101090402020b2205418500';
export const HELLO_ACK_1_0_WIRE = '0302010201022101010103803e010714e80301cd6800';

const unhex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const fill = (n: number, v: number) => new Uint8Array(n).fill(v);
const cat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const ascii = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

function encoded(name: string, description: string, items: { seq: number; message: Message }[]): VectorInput {
  const wire = cat(...items.map((i) => new MessageEncoder({ firstSeq: i.seq }).encode(i.message)));
  return { name, description, wire, encode: items };
}

/** The inputs of every vector, in a stable order. */
export function vectorInputs(): VectorInput[] {
  const v: VectorInput[] = [];
  let seq = 0;
  for (const message of Object.values(EXAMPLES)) {
    v.push(
      encoded(`msg-${message.type.toLowerCase()}`, `one ${message.type} message`, [{ seq: seq++, message }]),
    );
  }
  const audio = (data: Uint8Array): Message => ({ type: 'AUDIO', stream: 0, chunk: 0, data });
  v.push(
    encoded('seq-wrap', 'two PINGs with seq 65535 then 0: the counter wraps without a lost frame', [
      { seq: 65535, message: { type: 'PING', token: 1 } },
      { seq: 0, message: { type: 'PING', token: 2 } },
    ]),
    encoded('payload-all-zero', 'AUDIO whose 300 data bytes are all 0x00 (COBS worst case for code bytes)', [
      { seq: 0, message: audio(fill(300, 0)) },
    ]),
    encoded('payload-all-ff', 'AUDIO whose 600 data bytes are all 0xFF (COBS runs of 254)', [
      { seq: 0xffff, message: audio(fill(600, 0xff)) },
    ]),
    encoded('max-frame', 'SPEAKER_DATA with 1023 data bytes: a 1024-byte payload, 1035 bytes on the wire', [
      { seq: 0x1234, message: { type: 'SPEAKER_DATA', stream: 1, data: fill(1023, 0xa5) } },
    ]),
    encoded('max-frame-zeros', 'the largest payload, all zeros', [
      { seq: 0, message: { type: 'SPEAKER_DATA', stream: 0, data: fill(1023, 0) } },
    ]),
    encoded('log-empty-text', 'LOG with an empty text (the shortest valid LOG)', [
      { seq: 9, message: { type: 'LOG', level: 0, text: '' } },
    ]),
    encoded('tone-eight-steps', 'TONE with the maximum of 8 steps', [
      {
        seq: 10,
        message: {
          type: 'TONE',
          steps: Array.from({ length: 8 }, (_, i) => ({
            freqHz: 262 + 40 * i,
            durationMs: 60,
            volume: 100 - i,
          })),
        },
      },
    ]),
    encoded('hello-limits', 'HELLO with strings at their limits and 64 GPIO pins', [
      {
        seq: 0,
        message: {
          ...EXAMPLES.HELLO,
          boardModel: 'm'.repeat(MAX_BOARD_MODEL_BYTES),
          firmwareVersion: 'v'.repeat(MAX_FIRMWARE_VERSION_BYTES),
          boardUid: 'é'.repeat(MAX_BOARD_UID_BYTES / 2),
          gpio: Array.from({ length: MAX_HELLO_GPIO_PINS }, (_, i) => ({ pin: i, caps: i & 0x1f })),
        },
      },
    ]),
    encoded('stream-mixed', 'a board session: HELLO, AUDIO_START, two AUDIO chunks, AUDIO_END, BUTTON', [
      { seq: 0, message: EXAMPLES.HELLO },
      { seq: 1, message: EXAMPLES.AUDIO_START },
      { seq: 2, message: { ...EXAMPLES.AUDIO, chunk: 0 } },
      { seq: 3, message: { ...EXAMPLES.AUDIO, chunk: 1 } },
      { seq: 4, message: EXAMPLES.AUDIO_END },
      { seq: 5, message: EXAMPLES.BUTTON },
    ]),
  );
  // SPEC §2.1.4: a 1.1 receiver reads a 1.0 sender's payloads; the appended fields decode as 0. These wires
  // are the msg-hello and msg-hello_ack vectors of the 1.0 release, byte for byte (frozen: never
  // regenerated), so they keep testing what a 1.0 board and a 1.0 host really send.
  v.push(
    {
      name: 'compat-1.0-hello',
      description: "a 1.0 board's HELLO (no rx_window_bytes): decodes with rx_window_bytes 0",
      wire: unhex(HELLO_1_0_WIRE),
    },
    {
      name: 'compat-1.0-hello-ack',
      description: "a 1.0 host's HELLO_ACK (no host_session): decodes with host_session 0",
      wire: unhex(HELLO_ACK_1_0_WIRE),
    },
    {
      name: 'bad-payload-cut-host-session',
      description:
        'HELLO_ACK with 2 of the 4 bytes of host_session: bad_payload (an appended field is whole or absent)',
      wire: encodeFrame(
        MessageType.HELLO_ACK,
        12,
        encodeMessage(EXAMPLES.HELLO_ACK).subarray(0, minPayloadBytes('HELLO_ACK', 0) + 2),
      ),
    },
  );
  const good = encodeFrame(MessageType.BUTTON, 42, Uint8Array.from([1, 2]));
  const badCrc = Uint8Array.from(good);
  badCrc[badCrc.length - 2] = badCrc[badCrc.length - 2]! ^ 0x40;
  const badBody = Uint8Array.from(good);
  badBody[2] = badBody[2]! ^ 0x01;
  v.push(
    {
      name: 'empty-payload-unknown-type',
      description: 'a frame of unknown type 0x7F with an empty payload: skipped',
      wire: encodeFrame(0x7f, 3, new Uint8Array(0)),
    },
    {
      name: 'empty-payload-known-type',
      description: 'GPIO_READ with an empty payload: bad_payload',
      wire: encodeFrame(MessageType.GPIO_READ, 4, new Uint8Array(0)),
    },
    {
      name: 'unknown-type',
      description: 'type 0xEE with a payload: skipped and counted',
      wire: encodeFrame(0xee, 5, ascii('future')),
    },
    {
      name: 'bad-payload-short-ping',
      description: 'PING with 2 of its 4 bytes',
      wire: encodeFrame(MessageType.PING, 6, Uint8Array.from([1, 2])),
    },
    {
      name: 'bad-payload-codec',
      description: 'AUDIO_START naming codec 7',
      wire: encodeFrame(MessageType.AUDIO_START, 7, Uint8Array.from([1, 7, 0x80, 0x3e, 0, 0, 0])),
    },
    {
      name: 'bad-payload-tone-count',
      description: 'TONE with 0 steps',
      wire: encodeFrame(MessageType.TONE, 8, Uint8Array.from([0])),
    },
    {
      name: 'bad-payload-string-overrun',
      description: 'HELLO whose board_model length runs past the payload',
      wire: encodeFrame(MessageType.HELLO, 9, Uint8Array.from([1, 0, 0, 0, 0, 0, 30, 0x61])),
    },
    {
      name: 'forward-compat-extra-bytes',
      description: 'PONG with 3 extra trailing bytes (a newer minor version): decodes, extras ignored',
      wire: encodeFrame(MessageType.PONG, 11, Uint8Array.from([1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 4, 0, 9, 9, 9])),
    },
    { name: 'bad-crc', description: 'a BUTTON frame with one CRC bit flipped', wire: badCrc },
    { name: 'bad-crc-body', description: 'a BUTTON frame with one seq bit flipped', wire: badBody },
    {
      name: 'truncated',
      description: 'a frame that decodes to 2 bytes (shorter than type+seq+crc)',
      wire: Uint8Array.from([0x03, 0x11, 0x22, 0x00]),
    },
    {
      name: 'truncated-tail',
      description:
        'the last 4 bytes of a frame (the receiver joined mid-frame): not valid COBS here, so malformed',
      wire: good.subarray(good.length - 4),
    },
    {
      name: 'cut-short',
      description: 'the first 4 bytes of a frame, then a delimiter (the sender reset mid-frame)',
      wire: cat(good.subarray(0, 4), Uint8Array.from([0])),
    },
    {
      name: 'malformed-cobs',
      description: 'a COBS code byte pointing past the delimiter',
      wire: Uint8Array.from([0x09, 0x11, 0x22, 0x33, 0x00]),
    },
    {
      name: 'oversized',
      description:
        '1100 non-zero bytes before a delimiter, then a good frame: one oversized drop, then the frame',
      wire: cat(fill(1100, 0x41), Uint8Array.from([0]), good),
    },
    {
      name: 'oversized-by-one',
      description: '1035 non-zero bytes (one more than the largest COBS frame) then a delimiter',
      wire: cat(fill(1035, 0x42), Uint8Array.from([0])),
    },
    {
      name: 'garbage-then-frame',
      description:
        'ESP32 boot text, a flushing 0x00, then a good frame: the garbage is one drop, the frame decodes',
      wire: cat(
        ascii('ets Jun  8 2016 00:22:57\r\nrst:0x1 (POWERON_RESET),boot:0x13\r\n'),
        Uint8Array.from([0]),
        good,
      ),
    },
    {
      name: 'flush-delimiters',
      description: 'leading 0x00 0x00 0x00 (flushes) before a frame are not errors',
      wire: cat(Uint8Array.from([0, 0, 0]), good),
    },
    {
      name: 'good-bad-good',
      description: 'good frame, CRC-corrupted frame, good frame: the neighbours survive',
      wire: cat(good, badCrc, good),
    },
  );
  return v;
}

const toJson = (m: Message): unknown =>
  JSON.parse(
    JSON.stringify(m, (_k, val) => (val instanceof Uint8Array ? Buffer.from(val).toString('hex') : val)),
  );

/** Every vector with its expected transcript. */
export function buildVectors(): Vector[] {
  return vectorInputs().map((i) => ({
    name: i.name,
    description: i.description,
    wire: Buffer.from(i.wire).toString('hex'),
    ...(i.encode ? { encode: i.encode.map((e) => ({ seq: e.seq, message: toJson(e.message) })) } : {}),
    expect: transcribe(i.wire),
  }));
}

/** The text of protocol/vectors.json. */
export function renderVectorsJson(vectors: Vector[]): string {
  const doc = {
    about:
      `hark protocol ${PROTOCOL_MAJOR}.${PROTOCOL_MINOR} golden vectors. GENERATED by protocol/ts/vectors-generate.ts; do not edit. ` +
      'Feed `wire` (hex) to a fresh decoder in one go: it must produce exactly `expect` (format: protocol/ts/transcript.ts). ' +
      'Where `encode` is given, encoding those messages with those seqs must produce exactly `wire`. ' +
      'In `encode`, byte fields (AUDIO.data, SPEAKER_DATA.data) are hex strings. ' +
      'The compat-1.0-* wires are frozen copies of what 1.0 peers send (appended fields absent, read as 0).',
    vectors,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

const cString = (s: string): string => JSON.stringify(s); // ASCII-only content: JSON escapes are C escapes

/** The text of protocol/c/tests/vectors.h. */
export function renderVectorsHeader(vectors: Vector[]): string {
  const out: string[] = [
    '/*',
    ' * vectors.h — protocol/vectors.json for the C tests. GENERATED by protocol/ts/vectors-generate.ts;',
    ' * do not edit. protocol/ts/generated.test.ts fails when it is stale.',
    ' */',
    '#ifndef HARK_TEST_VECTORS_H',
    '#define HARK_TEST_VECTORS_H',
    '',
    '#include <stdint.h>',
    '',
    'typedef struct {',
    '    const char *name;',
    '    const uint8_t *wire;',
    '    uint16_t wire_len;',
    '    uint8_t encodable; /* 1: re-encoding the decoded messages must give `wire` back */',
    '    const char *expect; /* transcript lines, each ending in \\n */',
    '} hark_vector_t;',
    '',
  ];
  vectors.forEach((vec, i) => {
    const bytes = Buffer.from(vec.wire, 'hex');
    const rows: string[] = [];
    for (let k = 0; k < bytes.length; k += 16) {
      rows.push(
        `    ${[...bytes.subarray(k, k + 16)].map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(', ')},`,
      );
    }
    out.push(
      `static const uint8_t vector_${i}_wire[${Math.max(1, bytes.length)}] = {`,
      ...(rows.length ? rows : ['    0']),
      '};',
    );
  });
  out.push(
    '',
    `#define HARK_VECTOR_COUNT ${vectors.length}`,
    'static const hark_vector_t hark_vectors[HARK_VECTOR_COUNT] = {',
  );
  vectors.forEach((vec, i) => {
    const expect = vec.expect.map((l) => `        ${cString(`${l}\n`)}`).join('\n');
    out.push(
      `    {${cString(vec.name)}, vector_${i}_wire, ${vec.wire.length / 2}, ${vec.encode ? 1 : 0},`,
      `${expect}},`,
    );
  });
  out.push('};', '', '#endif /* HARK_TEST_VECTORS_H */', '');
  return out.join('\n');
}
