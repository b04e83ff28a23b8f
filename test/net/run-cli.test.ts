/**
 * `hark run --dashboard --satellite --mqtt` as a user runs it: a child process serving an emulated
 * board, announcing where its dashboard and satellite are, serving the dashboard with the board on
 * it, publishing to a real broker, and exiting 0 on SIGTERM; bad values of the flags exit 2.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EmulatedBoard } from '../../boards/emulator/index.js';
import { type JsonEvent, run } from '../helpers/child.js';
import { Mosquitto } from './mosquitto.js';

const MAIN = fileURLToPath(new URL('../../host/cli/main.js', import.meta.url));
const ENV = { ...process.env, HARK_CONFIG_DIR: '/nonexistent/hark-net-run' };

test('hark run --dashboard --satellite --mqtt: announced, serving the board, exit 0 on SIGTERM', async () => {
  const broker = await Mosquitto.start();
  const board = await EmulatedBoard.overPty({
    uid: 'cli-net',
    speed: 4,
    bootNoise: false,
    helloIntervalMs: 200,
  });
  const child = run(
    process.execPath,
    [
      MAIN,
      'run',
      '--json',
      '--port',
      board.hostPath,
      '--dashboard',
      '--dashboard-port',
      '0',
      '--satellite',
      '--mqtt',
      broker.url,
    ],
    { env: { ...ENV, HARK_WYOMING_SATELLITE_HOST: '127.0.0.1', HARK_WYOMING_SATELLITE_BASE_PORT: '0' } },
  );
  try {
    const seen = (what: string, pred: (e: JsonEvent) => boolean) => child.event(pred, what);
    const dash = await seen('the dashboard', (e) => e.event === 'net' && e.what === 'dashboard');
    const url = String(dash.detail);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    await seen('the board', (e) => e.event === 'board' && e.boardId === 'cli-net');
    const sat = await seen(
      'the satellite',
      (e) => e.event === 'net' && e.what === 'satellite' && e.state === 'listening',
    );
    assert.match(String(sat.detail), /Home Assistant can add tcp:\/\/127\.0\.0\.1:\d+/);
    await seen('the broker', (e) => e.event === 'net' && e.what === 'mqtt' && e.state === 'connected');
    const snap = (await (await fetch(`${url}snapshot.json`)).json()) as { boards: { boardId: string }[] };
    assert.deepEqual(
      snap.boards.map((b) => b.boardId),
      ['cli-net'],
    );
    assert.equal(await child.stop('SIGTERM'), 0, `exit code\n${child.transcript()}`);
  } finally {
    if (child.proc.exitCode === null) child.proc.kill('SIGKILL');
    await board.close();
    await broker.close();
  }
});

test('bad values of the network flags exit 2 naming the flag', () => {
  for (const [args, re] of [
    [['--dashboard-port', 'lots'], /--dashboard-port lots: use a port number 0\.\.65535/],
    [['--mqtt', 'http://broker'], /--mqtt http:\/\/broker: use mqtt:\/\/HOST\[:PORT\]/],
  ] as const) {
    const r = spawnSync(process.execPath, [MAIN, 'run', '--port', '/dev/null', ...args], {
      env: ENV,
      encoding: 'utf8',
    });
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
  }
});
