/**
 * Shutdown is bounded whatever the boards do (issue 10 item 2): LinkManager.close() with a board whose
 * pty is full (bytes stuck in flight) returns in well under 3 s and reports no error; `hark run` serving
 * a board that stopped reading exits 0 within 3 s of SIGTERM; a stuck closer is named and waited for at
 * most the deadline; a second signal while closing exits 130.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PtyPair } from '../../boards/emulator/pty-pair.js';
import { getProfile, helloForProfile } from '../../boards/profiles/profile-loader.js';
import { LinkManager } from '../../host/link/index.js';
import { RawPeer } from '../helpers/link.js';

const MAIN = fileURLToPath(new URL('../../host/cli/main.js', import.meta.url));
const SHUTDOWN = new URL('../../host/cli/shutdown.js', import.meta.url).href;
const COMMANDS = fileURLToPath(new URL('../../examples/typescript-starter/src/index.js', import.meta.url));

/** Collects a child's output and resolves when `pattern` appears in it. */
function watch(child: ChildProcess) {
  let text = '';
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  const on = (b: Buffer) => {
    text += b.toString();
    for (const w of waiters.splice(0))
      if (w.re.test(text)) w.resolve();
      else waiters.push(w);
  };
  child.stdout?.on('data', on);
  child.stderr?.on('data', on);
  const exited = new Promise<{ code: number | null; at: number }>((r) =>
    child.on('close', (code) => r({ code, at: performance.now() })),
  );
  return {
    text: () => text,
    exited,
    until: (re: RegExp, timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        if (re.test(text)) return resolve();
        const t = setTimeout(
          () => reject(new Error(`timed out waiting for ${re}; output:\n${text}`)),
          timeoutMs,
        );
        waiters.push({
          re,
          resolve: () => {
            clearTimeout(t);
            resolve();
          },
        });
      }),
  };
}

test('LinkManager.close() with a board whose pty is full returns at once, without errors', async (t) => {
  const link = await LinkManager.start({ heartbeatMs: 1000, stallMs: 60_000 });
  const errors: unknown[] = [];
  link.on('error', (e) => errors.push(e));
  const pair = await PtyPair.create();
  const peer = await RawPeer.open(pair.boardPath, { answerPings: true });
  try {
    const opened = link.open({ path: pair.hostPath });
    peer.send(helloForProfile(getProfile('emulated'), '0.1.0', 'full'));
    await opened;
    await peer.next((m) => m.type === 'HELLO_ACK');
    peer.deaf();
    const big = { type: 'ERROR' as const, code: 2, message: 'x'.repeat(240) };
    // 150 KB for a reader that takes nothing: far more than the pty and socat can hold.
    const sends = Array.from({ length: 600 }, () => link.send('full', big).catch(() => {}));
    // Calls are handled in order, so this answer comes after all 600 sends were queued.
    const st = await link.stats('full');
    assert.ok(st.writeQueueBytes > 64 * 1024, `precondition: only ${st.writeQueueBytes} bytes are stuck`);
    const t0 = performance.now();
    await link.close();
    const ms = performance.now() - t0;
    t.diagnostic(`close() with ${st.writeQueueBytes} bytes stuck: ${Math.round(ms)} ms`);
    await Promise.all(sends);
    assert.ok(ms < 3000, `close took ${Math.round(ms)} ms`);
    assert.deepEqual(errors, [], 'closing reports nothing');
  } finally {
    await link.close();
    await peer.close();
    await pair.close();
  }
});

test('hark run serving a board that stopped reading exits 0 within 3 s of SIGTERM', {
  timeout: 120_000,
}, async (t) => {
  const pair = await PtyPair.create();
  const peer = await RawPeer.open(pair.boardPath, { answerPings: true });
  const child = spawn(
    process.execPath,
    [MAIN, 'run', '--json', '--port', pair.hostPath, '--commands', COMMANDS],
    {
      env: { ...process.env, HARK_CONFIG_DIR: '/nonexistent/hark-shutdown-test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const out = watch(child);
  let flood: NodeJS.Timeout | undefined;
  try {
    const hello = helloForProfile(getProfile('emulated'), '0.1.0', 'deaf-cli');
    // The host opens the port once its recogniser is loaded; HELLO every second until it answers.
    const hellos = setInterval(() => peer.send(hello), 1000);
    peer.send(hello);
    await out.until(/"event":"board"/);
    clearInterval(hellos);
    peer.deaf(); // the firmware hangs: nothing the host sends is read any more
    let token = 0;
    // The host owes it answers it cannot deliver: a few thousand PINGs before the signal.
    await new Promise<void>((owed) => {
      flood = setInterval(() => {
        for (let i = 0; i < 50; i++) peer.send({ type: 'PING', token: ++token });
        if (token >= 3000) owed();
      }, 5);
    });
    const t0 = performance.now();
    child.kill('SIGTERM');
    const { code, at } = await out.exited;
    const ms = at - t0;
    t.diagnostic(`SIGTERM → exit ${code}: ${Math.round(ms)} ms`);
    assert.equal(code, 0, out.text());
    assert.ok(ms < 3000, `exit took ${Math.round(ms)} ms after SIGTERM`);
    assert.match(out.text(), /stopping \(SIGTERM\)/);
    assert.doesNotMatch(out.text(), /cannot send|HARK_ERR_LINK_NOT_READY/);
  } finally {
    clearInterval(flood);
    if (child.exitCode === null) child.kill('SIGKILL');
    await peer.close();
    await pair.close();
  }
});

/** A process with a Shutdown whose closer never finishes. */
function stuckProcess(deadlineMs: number) {
  const script = `
    import { Shutdown } from ${JSON.stringify(SHUTDOWN)};
    const s = new Shutdown({ deadlineMs: ${deadlineMs}, onClosing: (r) => process.stdout.write('closing ' + r + '\\n') });
    s.add(() => new Promise(() => {}), 'a closer that never finishes');
    setInterval(() => {}, 1000);
    process.stdout.write('ready\\n');
    await s.done;
    process.stdout.write('done\\n');
  `;
  return spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

test('a stuck closer: named after the deadline, and the process exits 0 anyway', async () => {
  const child = stuckProcess(500);
  const out = watch(child);
  await out.until(/ready/);
  const t0 = performance.now();
  child.kill('SIGTERM');
  const { code, at } = await out.exited;
  assert.equal(code, 0, out.text());
  assert.match(out.text(), /still closing: a closer that never finishes/);
  assert.ok(at - t0 < 2500, `exited ${Math.round(at - t0)} ms after SIGTERM (deadline 500)`);
});

test('a second signal while closing exits 130', async () => {
  const child = stuckProcess(60_000);
  const out = watch(child);
  await out.until(/ready/);
  child.kill('SIGTERM');
  await out.until(/closing SIGTERM/);
  child.kill('SIGINT');
  const { code } = await out.exited;
  assert.equal(code, 130, out.text());
});
