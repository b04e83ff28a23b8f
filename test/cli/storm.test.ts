/**
 * A HELLO storm against `hark run --json` (issue 10 item 7: 1.2 M HELLOs once made 141.5 MB of stdout):
 * the host's output stays small — the link counts the flood instead of forwarding it, and what reaches
 * the CLI is summarised — and the host still serves the board and stops with exit 0.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PtyPair } from '../../boards/emulator/pty-pair.js';
import { getProfile, helloForProfile } from '../../boards/profiles/profile-loader.js';
import { run } from '../helpers/child.js';
import { RawPeer } from '../helpers/link.js';

const MAIN = fileURLToPath(new URL('../../host/cli/main.js', import.meta.url));
const PACK = fileURLToPath(new URL('../../examples/typescript-starter/src/index.js', import.meta.url));

test('a HELLO storm makes a few lines, not megabytes; the host keeps serving and exits 0', async (t) => {
  const pair = await PtyPair.create();
  const peer = await RawPeer.open(pair.boardPath, { answerPings: true });
  const host = run(process.execPath, [MAIN, 'run', '--json', '--port', pair.hostPath, '--commands', PACK], {
    env: { ...process.env, HARK_CONFIG_DIR: '/nonexistent/hark-storm' },
  });
  try {
    const hello = helloForProfile(getProfile('emulated'), '0.1.0', 'stormy');
    const ready = host.line(/"event":"board"/, 'the first handshake', {
      stream: 'stdout',
      timeoutMs: 60_000,
    });
    peer.send(hello);
    await ready;
    let sent = 0;
    const started = performance.now();
    while (performance.now() - started < 3000) {
      for (let i = 0; i < 500; i++) {
        if (i % 100 === 0) peer.resetSeq(); // "I reset" HELLOs among the repeats
        peer.send(hello);
        sent++;
      }
      await new Promise((r) => setImmediate(r));
    }
    // Still served: the host goes on sending its heartbeat PINGs to the board after the storm.
    peer.received.length = 0;
    await peer.next((m) => m.type === 'PING', 15_000, 'a heartbeat PING after the storm');
    assert.equal(await host.stop('SIGINT'), 0, host.transcript().slice(-4000));
    const bytes = (lines: string[]) => lines.reduce((n, l) => n + l.length + 1, 0);
    const out = bytes(host.stdout);
    const err = bytes(host.stderr);
    t.diagnostic(
      `${sent} HELLOs in 3 s → ${out} bytes on stdout (${host.stdout.length} lines), ${err} on stderr`,
    );
    assert.ok(sent > 5000, `only ${sent} HELLOs were sent`);
    // 141.5 MB for 1.2 M HELLOs was ~118 bytes a HELLO: allow well under one byte each.
    assert.ok(out < 40_000, `${out} bytes on stdout`);
    assert.ok(err < 40_000, `${err} bytes on stderr`);
  } finally {
    await host.stop('SIGKILL').catch(() => undefined);
    await peer.close();
    await pair.close();
  }
});
