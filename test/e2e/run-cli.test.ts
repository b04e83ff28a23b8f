/**
 * `hark run` as a user runs it: a child process serving an emulated board on a pty, printing JSON
 * events, and shutting down cleanly (ports and workers closed, exit 0) on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EmulatedBoard } from '../../boards/emulator/index.js';
import { spoken } from '../../host/cli/demo-harness.js';
import { run } from '../helpers/child.js';

const MAIN = fileURLToPath(new URL('../../host/cli/main.js', import.meta.url));
const DEMO_COMMANDS = fileURLToPath(
  new URL('../../examples/typescript-starter/src/index.js', import.meta.url),
);

test('hark run --json serves a board, prints the command, exits 0 on SIGTERM', async () => {
  const board = await EmulatedBoard.overPty({
    uid: 'e2e-run',
    speed: 4,
    bootNoise: false,
    helloIntervalMs: 200,
  });
  const child = run(
    process.execPath,
    [MAIN, 'run', '--json', '--port', board.hostPath, '--commands', DEMO_COMMANDS],
    {
      env: { ...process.env, HARK_CONFIG_DIR: '/nonexistent/hark-e2e-run' },
    },
  );
  try {
    await child.event((e) => e.event === 'board' && e.boardId === 'e2e-run', 'the board');
    board.setAudio(await spoken('what time is it'));
    const said = await board.utter();
    assert.ok(!said.interrupted && said.chunks > 0, `the utterance streamed: ${JSON.stringify(said)}`);
    const cmd = await child.event((e) => e.event === 'command', 'the command');
    assert.equal(cmd.command, 'what time is it');
    await child.event((e) => e.event === 'speech' && e.result === 'finished', 'the spoken reply');
    assert.equal(await child.stop('SIGTERM'), 0, `exit code\n${child.transcript()}`);
    const err = child.stderr.join('\n');
    assert.match(err, /stopped \(SIGTERM\)/);
    const late = child.events().filter((e) => e.event === 'error' && /cannot send/.test(String(e.message)));
    assert.deepEqual(late, [], 'shutting down reports no LED it could no longer send');
    assert.doesNotMatch(err, /cannot send/);
  } finally {
    if (child.proc.exitCode === null) child.proc.kill('SIGKILL');
    await board.close();
  }
});

test('hark run names a commands module that never finishes loading and exits 6', async () => {
  const hang = fileURLToPath(new URL('../fixtures/commands/never-loads.js', import.meta.url));
  const child = spawn(process.execPath, [MAIN, 'run', '--port', '/dev/null', '--commands', hang], {
    env: {
      ...process.env,
      HARK_CONFIG_DIR: '/nonexistent/hark-e2e-run',
      HARK_COMMAND_LOAD_TIMEOUT_MS: '500',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (b: Buffer) => {
    err += b.toString();
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const code = await new Promise<number | null>((r) => child.on('close', r));
  assert.equal(code, 6, `exit code; stderr:\n${err}`);
  assert.match(err, /HARK_ERR_COMMANDS_LOAD_TIMEOUT/);
  assert.match(err, /never-loads\.js did not finish loading within 500 ms/);
  assert.match(out + err, /loading commands module .*never-loads\.js/, 'what was loading is said first');
});
