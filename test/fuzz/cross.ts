/**
 * Cross-implementation checks: the same bytes through the TypeScript and the C codec must give the
 * same transcript, and each side's encoder must produce bytes the other decodes to the same message.
 * Returns a list of mismatches (empty when the twins agree).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { adpcmDecodeBlock, adpcmEncodeBlock, ulawDecode, ulawEncode } from '../../protocol/ts/audio/index.js';
import { encodeFrame } from '../../protocol/ts/frame-encoder.js';
import { encodeMessage } from '../../protocol/ts/message-codec.js';
import { MessageEncoder } from '../../protocol/ts/message-encoder.js';
import { LAYOUTS } from '../../protocol/ts/message-layout.js';
import { MessageType, type MessageTypeName } from '../../protocol/ts/messages.js';
import { transcribe } from '../../protocol/ts/transcript.js';
import { serveBatch } from './c-serve.js';
import { Rng, randomMessage } from './random-message.js';

const run = promisify(execFile);
const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const unhex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

export interface CrossReport {
  checks: number;
  mismatches: string[];
}

/** C encodes `count` random messages; TypeScript must decode each to the dump C printed, and re-encode it. */
export async function cToTs(exe: string, count: number, seed: number, r: CrossReport): Promise<void> {
  const { stdout } = await run(exe, ['--random', String(count), String(seed)], { maxBuffer: 256 << 20 });
  const lines = stdout.trim().split('\n');
  lines.forEach((line, i) => {
    const space = line.indexOf(' ');
    const wire = unhex(line.slice(0, space));
    const cDump = line.slice(space + 1);
    const t = transcribe(wire);
    r.checks++;
    if (t[1] !== `msg ${cDump}`) r.mismatches.push(`C→TS message ${i}:\n  C : ${cDump}\n  TS: ${t[1]}`);
  });
}

/** TypeScript encodes random messages and mutated streams; C must give the same transcript and bytes. */
export async function tsToC(exe: string, count: number, seed: number, r: CrossReport): Promise<void> {
  const rng = new Rng(seed);
  const wires: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const frame = new MessageEncoder({ firstSeq: rng.below(65536) }).encode(randomMessage(rng));
    wires.push(frame);
    // every fourth case: the same frame with a few random byte edits
    if (i % 4 === 0) {
      const bad = Uint8Array.from(frame);
      for (let k = 0; k < 1 + rng.below(3); k++) bad[rng.below(bad.length)] = rng.below(256);
      wires.push(bad);
    }
  }
  const commands = wires.flatMap((w) => [`t ${hex(w)}`, `r ${hex(w)}`]);
  const out = await serveBatch(exe, commands);
  let at = 0;
  wires.forEach((w, i) => {
    const cLines: string[] = [];
    while (at < out.length && out[at] !== '.') cLines.push(out[at++]!);
    at++; // the "."
    const cReencoded = out[at++] ?? '';
    const tsLines = transcribe(w);
    r.checks++;
    const same =
      cLines.length === tsLines.length &&
      cLines.every((l, k) => l === tsLines[k] || invalidUtf8(tsLines[k]!));
    if (!same)
      r.mismatches.push(
        `TS→C wire ${i} ${hex(w).slice(0, 80)}...:\n  C : ${cLines.join(' | ')}\n  TS: ${tsLines.join(' | ')}`,
      );
    const decodable = tsLines.some((l) => l.startsWith('msg '));
    if (decodable && !tsLines.some(invalidUtf8) && cReencoded !== hex(w)) {
      r.mismatches.push(`TS→C wire ${i}: C re-encodes to ${cReencoded.slice(0, 80)}...`);
    }
  });
}

/**
 * SPEC §2.1.4 in both codecs: random messages of the types a later minor version appended fields to,
 * sent as an older sender would (payload cut before the appended fields): C and TypeScript must give the
 * same transcript, with each appended field decoded as 0.
 */
export async function olderSenders(exe: string, count: number, seed: number, r: CrossReport): Promise<void> {
  const rng = new Rng(seed);
  const types = (Object.keys(LAYOUTS) as MessageTypeName[]).filter((n) => LAYOUTS[n].some((f) => f.since));
  const wires: { wire: Uint8Array; appended: string[] }[] = [];
  for (let i = 0; i < count; i++) {
    const msg = randomMessage(rng, types[rng.below(types.length)]);
    const payload = encodeMessage(msg);
    const fields = LAYOUTS[msg.type];
    // appended fields are integers after every older field (version-compat.test.ts checks that)
    const cut = payload.length - fields.filter((f) => f.since).reduce((n, f) => n + INT_BYTES[f.kind]!, 0);
    wires.push({
      wire: encodeFrame(MessageType[msg.type], rng.below(65536), payload.subarray(0, cut)),
      appended: fields.filter((f) => f.since).map((f) => `${snake(f.name)}=0`),
    });
  }
  const out = await serveBatch(
    exe,
    wires.map((w) => `t ${hex(w.wire)}`),
  );
  let at = 0;
  wires.forEach(({ wire, appended }, i) => {
    const cLines: string[] = [];
    while (at < out.length && out[at] !== '.') cLines.push(out[at++]!);
    at++;
    const tsLines = transcribe(wire);
    r.checks++;
    if (cLines.join('\n') !== tsLines.join('\n'))
      r.mismatches.push(`older sender ${i}:\n  C : ${cLines.join(' | ')}\n  TS: ${tsLines.join(' | ')}`);
    const msgLine = tsLines[1] ?? '';
    const values = new Set(msgLine.split(' '));
    if (!msgLine.startsWith('msg ') || !appended.every((a) => values.has(a)))
      r.mismatches.push(`older sender ${i}: appended fields not read as 0: ${msgLine}`);
  });
}

const INT_BYTES: Partial<Record<string, number>> = { u8: 1, u16: 2, u32: 4 };
const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A TS dump line whose strings held invalid UTF-8 (decoded to U+FFFD, which C keeps as raw bytes). */
const invalidUtf8 = (line: string) => line.startsWith('msg ') && line.includes('efbfbd');

/** Audio codecs: both sides must produce identical bytes and samples. */
export async function audioCross(exe: string, count: number, seed: number, r: CrossReport): Promise<void> {
  const rng = new Rng(seed);
  const cases: { cmd: string; expect: string }[] = [];
  for (let i = 0; i < count; i++) {
    const n = 1 + rng.below(400);
    const samples = new Int16Array(n);
    const amp = [300, 3000, 32767][rng.below(3)]!;
    let phase = rng.below(1000);
    for (let k = 0; k < n; k++) {
      phase += 1 + rng.below(40);
      samples[k] = Math.max(
        -32768,
        Math.min(32767, Math.round(amp * Math.sin(phase / 60)) + rng.below(200) - 100),
      );
    }
    const pcm = hex(new Uint8Array(samples.buffer));
    const state = { stepIndex: rng.below(89) };
    const start = state.stepIndex;
    const block = adpcmEncodeBlock(samples, state);
    cases.push({ cmd: `ae ${start} ${pcm}`, expect: `${hex(block)} ${state.stepIndex}` });
    const garbage = rng.bytes(rng.below(300));
    cases.push({ cmd: `ad ${hex(garbage)}`, expect: hex(new Uint8Array(adpcmDecodeBlock(garbage).buffer)) });
    cases.push({ cmd: `ue ${pcm}`, expect: hex(ulawEncode(samples)) });
    cases.push({ cmd: `ud ${hex(garbage)}`, expect: hex(new Uint8Array(ulawDecode(garbage).buffer)) });
  }
  const out = await serveBatch(
    exe,
    cases.map((c) => c.cmd),
  );
  cases.forEach((c, i) => {
    r.checks++;
    if (out[i] !== c.expect)
      r.mismatches.push(
        `audio ${c.cmd.slice(0, 60)}...: C ${out[i]?.slice(0, 60)} TS ${c.expect.slice(0, 60)}`,
      );
  });
}
