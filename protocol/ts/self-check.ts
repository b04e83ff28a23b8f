/**
 * `node dist/protocol/ts/self-check.js [--no-c]` — the protocol self-check: decodes and re-encodes
 * every golden vector of protocol/vectors.json with the TypeScript codec, runs the same vectors through
 * the C codec (when gcc is available), and prints a human summary. Exit code 1 on any failure.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { buildCTest } from '../c/tests/build.js';
import { MessageEncoder } from './message-encoder.js';
import { LAYOUTS } from './message-layout.js';
import { type Message, type MessageTypeName, PROTOCOL_MAJOR, PROTOCOL_MINOR } from './messages.js';
import { transcribe } from './transcript.js';

interface FileVector {
  name: string;
  description: string;
  wire: string;
  encode?: { seq: number; message: Record<string, unknown> }[];
  expect: string[];
}

const out = (s = '') => process.stdout.write(`${s}\n`);

function fromJson(m: Record<string, unknown>): Message {
  const msg: Record<string, unknown> = { ...m };
  for (const f of LAYOUTS[m['type'] as MessageTypeName]) {
    if (f.kind === 'bytes') msg[f.name] = new Uint8Array(Buffer.from(m[f.name] as string, 'hex'));
  }
  return msg as unknown as Message;
}

/** One-line outcome of a vector, from its transcript. */
function outcome(lines: string[]): string {
  const msgs = lines.filter((l) => l.startsWith('msg ')).map((l) => l.split(' ')[1]);
  const drops = lines.filter((l) => l.startsWith('drop ')).map((l) => l.slice(5));
  const stats = lines.at(-1)!;
  const counted = [...stats.matchAll(/(oversized|malformed|truncated|crc)=([1-9]\d*)/g)].map(
    (m) => `${m[1]}×${m[2]}`,
  );
  const parts: string[] = [];
  if (msgs.length) parts.push(msgs.length > 3 ? `${msgs.length} messages` : msgs.join(', '));
  if (drops.length) parts.push(`skipped ${drops.join(', ')}`);
  if (counted.length) parts.push(`dropped ${counted.join(', ')}`);
  return parts.join('; ');
}

async function checkC(): Promise<{ ok: boolean; text: string }> {
  let build: Awaited<ReturnType<typeof buildCTest>>;
  try {
    build = await buildCTest({ sanitize: false });
  } catch (e) {
    const msg = (e as Error).message;
    if (/ENOENT/.test(msg))
      return { ok: true, text: 'C codec: skipped (gcc not found; apt-get install gcc)' };
    return { ok: false, text: `C codec: FAILED to compile\n${msg}` };
  }
  try {
    const { stdout } = await promisify(execFile)(build.exe, [], { maxBuffer: 16 << 20 });
    const n = /vectors: (\d+) checked/.exec(stdout)?.[1] ?? '?';
    return {
      ok: true,
      text: `C codec (gcc, -Wall -Wextra -Werror -pedantic -Wconversion): ${n} vectors pass, unit checks pass`,
    };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, text: `C codec: FAILED\n${err.stdout ?? ''}${err.stderr ?? ''}` };
  } finally {
    await build.cleanup();
  }
}

async function main(): Promise<number> {
  const path = new URL('../../../protocol/vectors.json', import.meta.url);
  const vectors = (JSON.parse(readFileSync(path, 'utf8')) as { vectors: FileVector[] }).vectors;
  out(`hark wire protocol ${PROTOCOL_MAJOR}.${PROTOCOL_MINOR} self-check: ${vectors.length} golden vectors`);
  out('(COBS frames with CRC-16/CCITT-FALSE; protocol/SPEC.md)');
  out();
  let failed = 0;
  let encoded = 0;
  let decoded = 0;
  let wireBytes = 0;
  for (const v of vectors) {
    const wire = new Uint8Array(Buffer.from(v.wire, 'hex'));
    wireBytes += wire.length;
    const problems: string[] = [];
    let got: string[] = [];
    try {
      got = transcribe(wire);
      if (JSON.stringify(got) !== JSON.stringify(v.expect)) problems.push(`decoded as ${got.join(' | ')}`);
      if (v.encode) {
        const again = Buffer.concat(
          v.encode.map((e) => new MessageEncoder({ firstSeq: e.seq }).encode(fromJson(e.message))),
        );
        if (again.toString('hex') !== v.wire) problems.push('re-encoding differs from the wire bytes');
        else encoded += v.encode.length;
      }
      decoded += got.filter((l) => l.startsWith('msg ')).length;
    } catch (e) {
      problems.push(`threw ${(e as Error).message}`);
    }
    const status = problems.length ? 'FAIL' : 'ok  ';
    out(`  ${status} ${v.name.padEnd(28)} ${String(wire.length).padStart(5)} B  ${outcome(v.expect)}`);
    for (const p of problems) out(`         ${p}`);
    if (problems.length) failed++;
  }
  out();
  out(
    `TypeScript codec: ${vectors.length - failed}/${vectors.length} vectors pass ` +
      `(${wireBytes} wire bytes, ${decoded} messages decoded, ${encoded} messages re-encoded byte for byte)`,
  );
  let cOk = true;
  if (!process.argv.includes('--no-c')) {
    const c = await checkC();
    out(c.text);
    cOk = c.ok;
  }
  const ok = failed === 0 && cOk;
  out(ok ? 'self-check passed' : 'SELF-CHECK FAILED');
  return ok ? 0 : 1;
}

process.exitCode = await main();
