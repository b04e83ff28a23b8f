/**
 * `hark conformance` finds real faults and says which clause: boards that break rules on purpose fail
 * exactly those clauses (the negative cases of the suite itself), and the command's exit codes, JSON
 * and usage errors.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { formatResult, runConformance } from '../../boards/conformance/suite.js';
import { EmulatedBoard } from '../../boards/emulator/index.js';
import { PtyPair } from '../../boards/emulator/pty-pair.js';
import { main } from '../../host/cli/main.js';
import { ButtonEvent, type Message } from '../../protocol/ts/messages.js';
import { TEST_AUDIO } from './boards.js';

function sink(): { stream: Writable; text: () => string } {
  let out = '';
  return {
    stream: new Writable({
      write(chunk, _enc, cb) {
        out += chunk.toString();
        cb();
      },
    }),
    text: () => out,
  };
}

/** An emulated board whose outgoing messages pass through `rewrite` (undefined: not sent). */
async function brokenBoard(rewrite: (m: Message) => Message | undefined): Promise<EmulatedBoard> {
  const b = await EmulatedBoard.overPty({ uid: 'broken', audio: TEST_AUDIO, repeat: true });
  const send = b.send.bind(b);
  b.send = (m: Message) => {
    const out = rewrite(m);
    return out ? send(out) : true;
  };
  return b;
}

test('a board whose PONG never counts bad frames fails the receiving clauses, and hark conformance exits 1', async (t) => {
  const b = await brokenBoard((m) => (m.type === 'PONG' ? { ...m, rxFramesBad: 0 } : m));
  try {
    const out = sink();
    const err = sink();
    const code = await main(['conformance', '--port', b.hostPath, '--json', '--only', '1.2,4.2'], {
      stdout: out.stream,
      stderr: err.stream,
    });
    const lines = out
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const l of lines) t.diagnostic(JSON.stringify(l));
    assert.equal(code, 1);
    const failed = lines
      .filter((l) => l['event'] === 'conformance' && l['status'] === 'fail')
      .map((l) => l['clause']);
    assert.deepEqual(failed.sort(), ['1.2.2', '1.2.3', '1.2.5', '1.2.8']);
    const passed = lines.filter((l) => l['status'] === 'pass').map((l) => l['clause']);
    assert.ok(passed.includes('4.2.1') && passed.includes('1.2.9'), 'the clauses it does meet still pass');
    const summary = lines.at(-1)!;
    assert.equal(summary['event'], 'conformance-summary');
    assert.equal(summary['failed'], 4);
    assert.ok(lines.every((l) => typeof l['t'] === 'number'));
  } finally {
    await b.close();
  }
});

test('a board that never sends LONG fails §9.1.1, naming the events it did send', async () => {
  const b = await brokenBoard((m) => (m.type === 'BUTTON' && m.event === ButtonEvent.LONG ? undefined : m));
  try {
    const rep = await runConformance({
      port: b.hostPath,
      driver: { press: (i) => b.press(i), release: (i) => b.release(i), speed: 1 },
      only: ['9.1'],
      checkTimeoutMs: 15_000,
    });
    const hold = rep.results.find((r) => /hold past 800 ms/.test(r.title))!;
    assert.equal(hold.status, 'fail', formatResult(hold));
    assert.match(hold.detail ?? '', /BUTTON long/);
    assert.match(hold.detail ?? '', /got down/);
    assert.ok(rep.results.some((r) => /short press/.test(r.title) && r.status === 'pass'));
  } finally {
    await b.close();
  }
});

test('a board that resets on a duplicate HELLO_ACK fails §2.3.2; one that keeps streaming on a new session fails §2.3.3', async () => {
  const b = await EmulatedBoard.overPty({ uid: 'dup', audio: TEST_AUDIO, repeat: true, versionMinor: 1 });
  // Patch the board's session rule: every ACK in READY is a reconnect (the 1.0 rule) while claiming 1.1.
  const link = b.link as unknown as { onAck(m: unknown): void; ack: { hostSession: number } | undefined };
  const onAck = link.onAck.bind(link);
  link.onAck = (m) => {
    if (link.ack) link.ack.hostSession = -1;
    onAck(m);
  };
  try {
    const rep = await runConformance({ port: b.hostPath, only: ['2.3'], checkTimeoutMs: 8000 });
    const byClause = Object.fromEntries(rep.results.map((r) => [r.clause, r.status]));
    assert.equal(byClause['2.3.2'], 'fail');
    assert.equal(byClause['2.3.3'], 'pass');
  } finally {
    await b.close();
  }
});

test('hark conformance: no --port is a usage error (2); a missing device or a port with no hark board is exit 4', async () => {
  const out = sink();
  const err = sink();
  const io = { stdout: out.stream, stderr: err.stream };
  assert.equal(await main(['conformance'], io), 2);
  assert.match(err.text(), /--port PATH is required/);
  assert.equal(await main(['conformance', '--port', '/dev/hark-nosuch-port'], io), 4);
  assert.match(err.text(), /cannot open \/dev\/hark-nosuch-port.*HARK_ERR_CONFORMANCE_PORT/s);
  const silent = await PtyPair.create();
  try {
    assert.equal(await main(['conformance', '--port', silent.hostPath], io), 4);
    assert.match(err.text(), /no hark HELLO.*is hark firmware running there/s);
  } finally {
    await silent.close();
  }
  assert.equal(await main(['conformance', '--help'], io), 0);
  assert.match(out.text(), /usage: hark conformance --port PATH/);
});
