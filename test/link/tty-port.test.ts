/**
 * TtyPort's writes never block the thread (base/serial/tty-port.ts): against a pty whose reader does not
 * read, 200 KiB of writes all return at once and wait in the port's queue; once the reader reads, every
 * write completes in order. With Node's default (blocking) tty descriptor the write loop below would
 * never return — the hang issue 10 measured in the link worker.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isHarkError } from '../../base/errors.js';
import { transportFor } from '../../base/serial/transport.js';
import { TtyPort } from '../../base/serial/tty-port.js';
import { PtyPair } from '../../boards/emulator/pty-pair.js';
import { RawPeer } from '../helpers/link.js';

test('writes to a pty nobody reads queue without blocking, and complete once it reads', async () => {
  const pair = await PtyPair.create();
  const peer = await RawPeer.open(pair.boardPath);
  peer.deaf();
  const port = await TtyPort.open(pair.hostPath);
  try {
    const chunk = Buffer.alloc(1024, 0x55);
    const done: Promise<void>[] = [];
    for (let i = 0; i < 200; i++) {
      done.push(new Promise((resolve, reject) => port.write(chunk, (e) => (e ? reject(e) : resolve()))));
    }
    // The loop returned: nothing blocked. The reader has read nothing, so most bytes still wait here.
    let completed = 0;
    for (const d of done) void d.then(() => completed++);
    await new Promise((r) => setImmediate(r));
    assert.ok(
      port.pendingBytes > 100 * 1024,
      `only ${port.pendingBytes} bytes pending: the pty took them all?`,
    );
    assert.ok(completed < 200);
    peer.listen();
    await Promise.all(done);
    assert.equal(port.pendingBytes, 0);
  } finally {
    await port.close();
    await peer.close();
    await pair.close();
  }
});

test('closing a port with unsent bytes returns and fails the pending writes, never hangs', async () => {
  const pair = await PtyPair.create();
  const peer = await RawPeer.open(pair.boardPath);
  peer.deaf();
  const port = await TtyPort.open(pair.hostPath);
  try {
    const results: Promise<string>[] = [];
    for (let i = 0; i < 100; i++) {
      results.push(new Promise((r) => port.write(Buffer.alloc(1024, 1), (e) => r(e ? 'failed' : 'written'))));
    }
    const closed = new Promise<void>((r) => port.once('close', () => r()));
    await port.close();
    await closed;
    const outcomes = await Promise.all(results);
    assert.ok(outcomes.includes('failed'), 'unsent writes are failed when the port closes');
  } finally {
    await peer.close();
    await pair.close();
  }
});

test('a missing device → HARK_ERR_LINK_OPEN saying it does not exist (errno ENOENT), no stty noise', async () => {
  await assert.rejects(TtyPort.open('/dev/ttyNOPE0', { baudRate: 921600, hupcl: false }), (e: unknown) => {
    assert.ok(isHarkError(e, 'HARK_ERR_LINK_OPEN'), String(e));
    assert.equal(e.details?.errno, 'ENOENT');
    assert.match(e.message, /\/dev\/ttyNOPE0 does not exist/);
    assert.doesNotMatch(e.message, /stty/);
    return true;
  });
});

test('the transport: Linux is the tested tty transport; other platforms get a note saying so and what to do', () => {
  assert.equal(transportFor('linux').tested, true);
  assert.equal(transportFor('linux').platformNote, undefined);
  const mac = transportFor('darwin');
  assert.equal(mac.tested, false);
  assert.match(mac.platformNote ?? '', /tested on Linux only/);
  assert.match(transportFor('win32').platformNote ?? '', /WSL 2/);
});
