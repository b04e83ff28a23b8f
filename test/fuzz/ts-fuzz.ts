/**
 * The TypeScript fuzzer: random and mutated byte streams through FrameDecoder, MessageDecoder,
 * decodeMessage, cobsDecode and the audio block decoders. Invariants (any break is reported):
 *  - nothing throws;
 *  - every non-empty chunk before a 0x00 is accounted for exactly once (delivered or counted);
 *  - the decoder never buffers more than MAX_COBS_FRAME_BYTES;
 *  - after garbage, a flushing 0x00 and a good frame, that frame is the last one delivered, intact;
 *  - every decodable message re-encodes to a prefix of its payload (or is out of the encoder's ranges).
 */
import { isHarkError } from '../../base/errors.js';
import { decodeAudioBlock } from '../../protocol/ts/audio/index.js';
import { cobsDecode } from '../../protocol/ts/cobs.js';
import { FrameDecoder } from '../../protocol/ts/frame-decoder.js';
import { decodeMessage, encodeMessage } from '../../protocol/ts/message-codec.js';
import { MessageDecoder } from '../../protocol/ts/message-decoder.js';
import { MessageEncoder } from '../../protocol/ts/message-encoder.js';
import { type AudioCodecId, type Frame, MAX_COBS_FRAME_BYTES } from '../../protocol/ts/messages.js';
import { Rng, randomMessage } from './random-message.js';

export interface FuzzReport {
  cases: number;
  seed: number;
  bytes: number;
  framesDelivered: number;
  dropped: number;
  violations: string[];
}

const STREAM_MAX = 6000;

function countChunks(buf: Uint8Array): number {
  let chunks = 0;
  let run = 0;
  for (const b of buf) {
    if (b !== 0) run++;
    else {
      if (run > 0) chunks++;
      run = 0;
    }
  }
  return chunks;
}

function randomFrames(rng: Rng, n: number): Uint8Array[] {
  const enc = new MessageEncoder({ firstSeq: rng.below(65536) });
  return Array.from({ length: n }, () => enc.encode(randomMessage(rng)));
}

function mutate(rng: Rng, input: Uint8Array): Uint8Array {
  const buf = Array.from(input);
  const edits = 1 + rng.below(8);
  for (let k = 0; k < edits && buf.length > 0; k++) {
    const at = rng.below(buf.length);
    switch (rng.below(5)) {
      case 0:
        buf[at] = buf[at]! ^ (1 << rng.below(8));
        break;
      case 1:
        buf[at] = rng.below(256);
        break;
      case 2:
        buf.splice(at, 1);
        break;
      case 3:
        buf.splice(at, 0, rng.below(256));
        break;
      default:
        buf.length = at;
    }
  }
  return Uint8Array.from(buf);
}

const sameFrame = (a: Frame | undefined, b: Frame | undefined): boolean =>
  !!a && !!b && a.type === b.type && a.seq === b.seq && Buffer.compare(a.payload, b.payload) === 0;

/** Runs `cases` cases from `seed`. */
export function fuzzTs(cases: number, seed: number): FuzzReport {
  const rng = new Rng(seed);
  const report: FuzzReport = { cases, seed, bytes: 0, framesDelivered: 0, dropped: 0, violations: [] };
  const violate = (what: string) => {
    if (report.violations.length < 20) report.violations.push(what);
  };
  for (let c = 0; c < cases; c++) {
    try {
      if (c % 4 === 3) otherDecoders(rng, violate);
      else streamCase(rng, report, violate);
    } catch (e) {
      violate(`case ${c}: exception escaped: ${(e as Error).stack ?? e}`);
    }
  }
  return report;
}

function streamCase(rng: Rng, report: FuzzReport, violate: (what: string) => void): void {
  const kind = rng.below(3);
  let body: Uint8Array;
  if (kind === 0) {
    body = rng.bytes(rng.below(STREAM_MAX), rng.below(4) === 0 ? rng.below(50) : 0);
  } else {
    body = Buffer.concat(randomFrames(rng, 1 + rng.below(4)));
    if (kind === 1) body = mutate(rng, body);
  }
  const good = randomFrames(rng, 1)[0]!;
  const stream = Buffer.concat([body, Uint8Array.of(0), good]);
  report.bytes += stream.length;

  const frames = new FrameDecoder();
  const messages = new MessageDecoder();
  let last: Frame | undefined;
  let delivered = 0;
  for (let i = 0; i < stream.length; ) {
    const n = 1 + rng.below(300);
    const chunk = stream.subarray(i, i + n);
    frames.push(chunk, (f) => {
      delivered++;
      last = f;
      const r = decodeMessage(f.type, f.payload);
      if (r.ok) {
        try {
          const again = encodeMessage(r.message);
          if (Buffer.compare(again, f.payload.subarray(0, again.length)) !== 0) {
            violate(`${r.message.type} re-encodes differently`);
          }
        } catch (e) {
          if (!isHarkError(e, 'HARK_ERR_PROTOCOL_ENCODE')) throw e;
        }
      }
    });
    messages.push(chunk, () => {});
    if (frames.pendingBytes > MAX_COBS_FRAME_BYTES) violate(`decoder holds ${frames.pendingBytes} bytes`);
    i += n;
  }
  const s = frames.stats;
  const dropped = s.oversized + s.malformed + s.truncated + s.crcErrors;
  const chunks = countChunks(stream);
  if (s.framesOk + dropped !== chunks) violate(`${chunks} chunks but ${s.framesOk + dropped} accounted`);
  if (s.bytes !== stream.length) violate(`bytes ${s.bytes} != ${stream.length}`);
  const m = messages.stats;
  if (m.framesOk !== s.framesOk || m.crcErrors !== s.crcErrors) violate('MessageDecoder frame stats differ');
  if (m.unknownType + m.badPayload > m.framesOk) violate('more message drops than frames');
  const expected: Frame[] = [];
  new FrameDecoder().push(good, (f) => expected.push(f));
  if (expected.length !== 1 || !sameFrame(last, expected[0]))
    violate('the good frame after garbage was not delivered');
  report.framesDelivered += delivered;
  report.dropped += dropped;
}

function otherDecoders(rng: Rng, violate: (what: string) => void): void {
  const input = rng.bytes(rng.below(1100), rng.below(4) === 0 ? 12 : 0);
  const decoded = cobsDecode(input);
  if (decoded && decoded.length >= Math.max(input.length, 1)) violate('cobsDecode grew its input');
  const r = decodeMessage(rng.below(256), input);
  if (!r.ok && r.reason !== 'unknown_type' && r.reason !== 'bad_payload') violate(`bad reason ${r.reason}`);
  for (const codec of [0, 1, 2] as AudioCodecId[]) {
    const pcm = decodeAudioBlock(codec, input);
    if (pcm.length > input.length * 2 + 1) violate(`codec ${codec} decoded ${pcm.length} samples`);
  }
}
