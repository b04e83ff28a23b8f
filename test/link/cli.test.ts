/** `hark ports` and `hark emulate` (its testable core, startEmulation) over a real pty. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { encodeWav } from '../../base/audio/wav.js';
import { startEmulation } from '../../host/cli/emulate.js';
import { run as ports } from '../../host/cli/ports.js';
import { listPorts } from '../../host/link/discovery.js';
import { LinkManager } from '../../host/link/index.js';
import { collectAudio, sweep, waitFor } from '../helpers/link.js';

const memIo = () => {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (d) => out.push(String(d)));
  stderr.on('data', (d) => err.push(String(d)));
  return { io: { stdout, stderr }, out: () => out.join(''), err: () => err.join('') };
};

test('hark ports: lists ports with profile matches, or says listing failed and suggests --port', async () => {
  const listing = await listPorts();
  const m = memIo();
  const code = await ports([], m.io);
  if (listing.error) {
    assert.equal(code, 4);
    assert.match(m.err(), /cannot list serial ports/);
    assert.match(m.err(), /--port/);
    assert.match(m.err(), /HARK_ERR_LINK_LIST/);
  } else {
    assert.equal(code, 0);
    for (const p of listing.ports) assert.ok(m.out().includes(p.path));
  }
  const j = memIo();
  await ports(['--json'], j.io);
  // One JSON line per port (or one error event), each with `t` and `event` like every --json output.
  const lines = j
    .out()
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { t: number; event: string });
  assert.ok(lines.every((l) => typeof l.t === 'number'));
  if (listing.error)
    assert.deepEqual(
      lines.map((l) => l.event),
      ['error'],
    );
  else assert.equal(lines.filter((l) => l.event === 'port').length, listing.ports.length);
});

test('hark emulate: the printed path is a board that speaks the WAV after --press-after-ms', async () => {
  const wav = join(tmpdir(), `hark-emulate-${process.pid}.wav`);
  const audio = sweep(0.6);
  writeFileSync(wav, encodeWav(audio));
  const m = memIo();
  const emu = await startEmulation(
    { wav, profile: 'emulated', speed: 2, pressAfterMs: 50, repeat: true, uid: 'cli-emu' },
    m.io,
  );
  const link = await LinkManager.start();
  const got = collectAudio(link);
  try {
    await link.open({ path: emu.hostPath });
    await waitFor(
      link,
      'message',
      () => got.streams.filter((s) => s.last?.kind === 'end').length >= 2,
      15000,
    );
    assert.equal(got.streams[0]!.chunks.size, 30, '0.6 s in 20 ms chunks');
    assert.ok(emu.utterances() >= 1);
    assert.match(m.err(), /host connected/);
    assert.match(m.err(), /button up: 30 chunks sent/);
  } finally {
    got.stop();
    await link.close();
    await emu.stop();
  }
});
