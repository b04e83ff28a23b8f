/**
 * `hark run` without --port (issue 14 item 5): it does not exit for want of a board — it says it is
 * watching for boards and keeps serving until a signal, then exits 0. (The watcher itself, with ptys
 * appearing in a watched folder, is tested in hot-plug.test.ts.)
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../host/cli/main.js', import.meta.url));
const COMMANDS = fileURLToPath(new URL('../../examples/typescript-starter/src/index.js', import.meta.url));

test('hark run with no board and no --port watches for boards instead of exiting; SIGTERM → 0', {
  timeout: 120_000,
}, async () => {
  const child = spawn(process.execPath, [MAIN, 'run', '--commands', COMMANDS], {
    env: { ...process.env, HARK_CONFIG_DIR: '/nonexistent/hark-run-watch' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const collect = (b: Buffer) => {
    out += b.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((r) => child.on('close', r));
  try {
    const early = await Promise.race([
      exited.then((code) => `exited with ${code}`),
      new Promise<string>((resolve) => {
        const check = () => {
          if (/watching for boards/.test(out)) resolve('watching');
        };
        child.stdout.on('data', check);
        child.stderr.on('data', check);
      }),
    ]);
    assert.equal(early, 'watching', `hark run should wait for boards; output:\n${out}`);
    assert.doesNotMatch(out, /HARK_ERR_CLI_NO_BOARD|no hark board found/);
    child.kill('SIGTERM');
    assert.equal(await exited, 0, out);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
