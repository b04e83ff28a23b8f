/**
 * `hark run` as a user runs it: a child process serving an emulated board over a pty. --verbose logs
 * the board's HELLO, its LOG frames (at their level, from its child logger), session transitions and,
 * at shutdown, the link counters; bad --profile / --log-level values fail fast with the documented codes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EmulatedBoard } from '../../boards/emulator/index.js';
import { LogLevel } from '../../protocol/ts/messages.js';
import { run, runSync } from '../helpers/child.js';

const MAIN = fileURLToPath(new URL('../../host/cli/main.js', import.meta.url));
const PACK = fileURLToPath(new URL('../../examples/typescript-starter/src/index.js', import.meta.url));
const env = { ...process.env, HARK_CONFIG_DIR: '/nonexistent/hark-cli-test', HARK_VOLUMNE: '3' };
const json = (l: string) => {
  try {
    return JSON.parse(l) as Record<string, unknown>;
  } catch {
    return undefined;
  }
};

test('hark run --verbose logs HELLO, board LOG frames, sessions and link counters; exit 0 on SIGINT', async () => {
  const board = await EmulatedBoard.overPty({
    uid: 'verbose-board',
    speed: 4,
    bootNoise: false,
    helloIntervalMs: 200,
  });
  const host = run(
    process.execPath,
    [MAIN, 'run', '--verbose', '--log-format', 'json', '--port', board.hostPath, '--commands', PACK],
    { env },
  );
  try {
    await host.line(/verbose-board: emulated on .* hold the button/, 'the board line on stdout', {
      stream: 'stdout',
    });
    const log = (pred: (o: Record<string, unknown>) => boolean, what: string) =>
      host.line(
        (l) => {
          const o = json(l);
          return o !== undefined && o.event === 'log' && pred(o);
        },
        what,
        { stream: 'stderr' },
      );
    const hello = json(await log((o) => /^HELLO emulated firmware/.test(String(o.msg)), 'the HELLO line'))!;
    assert.equal(hello.boardId, 'verbose-board');
    assert.equal(hello.level, 'debug');
    assert.match(String(hello.msg), /mic 16000 Hz/);
    board.send({ type: 'LOG', level: LogLevel.WARN, text: 'battery low' });
    const frame = json(await log((o) => o.msg === 'battery low', "the board's LOG frame"))!;
    assert.deepEqual([frame.level, frame.boardId, frame.source], ['warn', 'verbose-board', 'board']);
    board.press();
    await log((o) => /idle -> listening/.test(String(o.msg)), 'a session transition');
    await log((o) => o.msg === 'BUTTON 0 down', 'the BUTTON frame');
    await log((o) => /^AUDIO_START stream \d+ button, pcm16 16000 Hz$/.test(String(o.msg)), 'AUDIO_START');
    board.release();
    await log(
      (o) => /^AUDIO_END stream \d+ button-released after \d+ chunks$/.test(String(o.msg)),
      'AUDIO_END',
    );
    await log((o) => /-> idle/.test(String(o.msg)), 'the session back to idle');
    await log(
      (o) => /HARK_VOLUMNE is not a hark setting.*HARK_VOLUME/.test(String(o.msg)),
      'the unknown variable',
    );
    assert.equal(await host.stop('SIGINT'), 0, host.transcript());
    const counters = host.stderr
      .map(json)
      .find((o) => o && /^link counters: \d+ frames ok/.test(String(o.msg)));
    assert.ok(counters, `link counters at shutdown\n${host.transcript()}`);
    assert.equal(counters.level, 'info');
  } finally {
    await host.stop('SIGKILL').catch(() => undefined);
    await board.close();
  }
});

test('a bad --profile exits 3 before loading the recogniser; bad log levels exit 2 (flag) and 3 (variable)', () => {
  const r = runSync(process.execPath, [MAIN, 'run', '--port', '/dev/null', '--profile', 'nosuch'], { env });
  assert.equal(r.status, 3, r.stderr);
  assert.match(r.stderr, /unknown board profile "nosuch"; known: .*emulated/);
  assert.match(r.stderr, /HARK_ERR_BOARD_PROFILE_UNKNOWN/);
  assert.doesNotMatch(r.stderr, /loading the speech recogniser/);
  const flag = runSync(process.execPath, [MAIN, 'run', '--log-level', 'loud'], { env });
  assert.equal(flag.status, 2, flag.stderr);
  assert.match(
    flag.stderr,
    /--log-level must be one of fatal, error, warn, info, debug, trace, silent \(got "loud"\)/,
  );
  const variable = runSync(process.execPath, [MAIN, 'run'], { env: { ...env, HARK_LOG_LEVEL: 'loud' } });
  assert.equal(variable.status, 3, variable.stderr);
  assert.match(variable.stderr, /HARK_LOG_LEVEL must be one of/);
});
