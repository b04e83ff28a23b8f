/**
 * Protocol benchmark: TypeScript codec throughput on a large mixed stream and the link efficiency of
 * the default audio stream (16 kHz PCM16, 20 ms chunks). Figures are medians of several runs.
 * Throughput is measured against the process's CPU time (process.cpuUsage: user + system, all threads,
 * so GC work counts against us), not wall time: on a shared machine wall time measures the neighbours.
 * Wall-clock rates are logged alongside.
 *   codec_encode_mb_s  wire MB (10^6 bytes) produced per second by MessageEncoder.encode
 *   codec_decode_mb_s  wire MB consumed per second by MessageDecoder.push (4 KiB chunks, like a serial port)
 *   link_efficiency    audio data bytes / wire bytes for that stream (type, seq, CRC, COBS, delimiter and
 *                      the 3-byte AUDIO header are the overhead)
 */
import { encodeAudioBlock } from '../../protocol/ts/audio/index.js';
import { MessageDecoder } from '../../protocol/ts/message-decoder.js';
import { MessageEncoder } from '../../protocol/ts/message-encoder.js';
import { EXAMPLES } from '../../protocol/ts/message-examples.js';
import { AudioCodec, type Message } from '../../protocol/ts/messages.js';
import type { BenchOptions } from './run.js';
import { median, round } from './stats.js';

const RATE = 16000;
const CHUNK_MS = 20;
const CHUNK_SAMPLES = (RATE * CHUNK_MS) / 1000;

/** Speech-like test audio: two partials with a slow envelope plus a little noise (seeded). */
function speechLike(samples: number): Int16Array {
  const out = new Int16Array(samples);
  let seed = 12345;
  for (let i = 0; i < samples; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const env = 0.5 + 0.5 * Math.sin((2 * Math.PI * i) / (RATE * 0.37));
    const v =
      env *
      (6000 * Math.sin((2 * Math.PI * 220 * i) / RATE) + 2500 * Math.sin((2 * Math.PI * 1300 * i) / RATE));
    out[i] = Math.round(v + ((seed % 400) - 200));
  }
  return out;
}

/** One utterance-heavy session: for every 50 AUDIO chunks (1 s) some control traffic. */
function mixedMessages(seconds: number): Message[] {
  const audio = speechLike(seconds * RATE);
  const msgs: Message[] = [EXAMPLES.HELLO, EXAMPLES.HELLO_ACK, EXAMPLES.AUDIO_START];
  for (let c = 0; c < seconds * 50; c++) {
    const data = encodeAudioBlock(
      AudioCodec.PCM16,
      audio.subarray(c * CHUNK_SAMPLES, (c + 1) * CHUNK_SAMPLES),
    );
    msgs.push({ type: 'AUDIO', stream: 1, chunk: c & 0xffff, data });
    if (c % 50 === 0)
      msgs.push(EXAMPLES.PING, EXAMPLES.PONG, EXAMPLES.LED, EXAMPLES.SPEAKER_CREDIT, EXAMPLES.LOG);
    if (c % 50 === 25) msgs.push(EXAMPLES.BUTTON, EXAMPLES.GPIO_STATE, EXAMPLES.TONE);
  }
  msgs.push(EXAMPLES.AUDIO_END);
  return msgs;
}

export async function run(opts: BenchOptions): Promise<Record<string, number>> {
  const seconds = opts.quick ? 20 : 120;
  const runs = opts.quick ? 3 : 7;
  /** Unmeasured runs first, so the figures are of optimised code, not of the JIT warming up. */
  const warmups = opts.quick ? 1 : 3;
  const msgs = mixedMessages(seconds);
  opts.log(`protocol: ${msgs.length} messages (${seconds} s of 16 kHz PCM16 + control), ${runs} runs`);

  const encodeRates: number[] = [];
  const decodeRates: number[] = [];
  const wallRates: string[] = [];
  const cpuSeconds = (since: NodeJS.CpuUsage) => {
    const d = process.cpuUsage(since);
    return (d.user + d.system) / 1e6;
  };
  let wire = Buffer.alloc(0);
  for (let r = -warmups; r < runs; r++) {
    const enc = new MessageEncoder();
    const frames: Buffer[] = new Array(msgs.length);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (let i = 0; i < msgs.length; i++) frames[i] = enc.encode(msgs[i]!);
    const encCpu = cpuSeconds(c0);
    const t1 = performance.now();
    wire = Buffer.concat(frames);

    const dec = new MessageDecoder();
    let count = 0;
    const onMessage = () => {
      count++;
    };
    const t2 = performance.now();
    const c2 = process.cpuUsage();
    for (let i = 0; i < wire.length; i += 4096) dec.push(wire.subarray(i, i + 4096), onMessage);
    const decCpu = cpuSeconds(c2);
    const t3 = performance.now();
    if (count !== msgs.length) throw new Error(`decoded ${count} of ${msgs.length} messages`);
    if (r < 0) continue;
    decodeRates.push(wire.length / 1e6 / decCpu);
    encodeRates.push(wire.length / 1e6 / encCpu);
    const mb = wire.length / 1e6;
    wallRates.push(`${(mb / ((t1 - t0) / 1000)).toFixed(0)}/${(mb / ((t3 - t2) / 1000)).toFixed(0)}`);
    opts.log(
      `  run ${r + 1}: encode ${encodeRates.at(-1)!.toFixed(1)} MB/cpu-s, decode ${decodeRates.at(-1)!.toFixed(1)} MB/cpu-s` +
        ` (wall ${wallRates.at(-1)} MB/s)`,
    );
    await new Promise((resolve) => setImmediate(resolve));
  }

  // Link efficiency of the default stream alone: audio data bytes over wire bytes.
  const enc = new MessageEncoder();
  const audio = speechLike(10 * RATE);
  let dataBytes = 0;
  let wireBytes = 0;
  for (let c = 0; c < 500; c++) {
    const data = encodeAudioBlock(
      AudioCodec.PCM16,
      audio.subarray(c * CHUNK_SAMPLES, (c + 1) * CHUNK_SAMPLES),
    );
    dataBytes += data.length;
    wireBytes += enc.encode({ type: 'AUDIO', stream: 1, chunk: c, data }).length;
  }
  const efficiency = dataBytes / wireBytes;
  opts.log(
    `  link: ${dataBytes} audio bytes in ${wireBytes} wire bytes (${(wireBytes / 10).toFixed(0)} B/s)`,
  );
  return {
    codec_encode_mb_s: round(median(encodeRates), 1),
    codec_decode_mb_s: round(median(decodeRates), 1),
    link_efficiency: round(efficiency, 4),
  };
}
