import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { ExitCode } from '../../base/errors.js';
import { main } from './main.js';

function capture() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (b: Buffer) => {
    out += b.toString();
  });
  stderr.on('data', (b: Buffer) => {
    err += b.toString();
  });
  return { io: { stdout, stderr }, out: () => out, err: () => err };
}

test('usage, unknown commands and flags map to the documented exit codes', async () => {
  let c = capture();
  assert.equal(await main(['--help'], c.io), ExitCode.OK);
  assert.match(c.out(), /hark demo|demo +speak/);
  c = capture();
  assert.equal(await main([], c.io), ExitCode.USAGE);
  c = capture();
  assert.equal(await main(['fly'], c.io), ExitCode.USAGE);
  assert.match(c.err(), /unknown command "fly"/);
  c = capture();
  assert.equal(await main(['config', '--bogus'], c.io), ExitCode.USAGE);
  assert.match(c.err(), /HARK_ERR_CLI_USAGE/);
});

test('hark config set/get/path work in a given folder and bad values exit 3 naming the key', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hark-cli-config-'));
  try {
    let c = capture();
    assert.equal(await main(['config', 'path', '--config-dir', dir], c.io), ExitCode.OK);
    assert.equal(c.out().trim(), join(dir, 'config.json'));
    c = capture();
    assert.equal(
      await main(['config', 'set', 'wakePhrase', 'hello board', '--config-dir', dir], c.io),
      ExitCode.OK,
    );
    c = capture();
    assert.equal(await main(['config', 'get', 'wakePhrase', '--config-dir', dir], c.io), ExitCode.OK);
    assert.equal(c.out().trim(), 'hello board');
    c = capture();
    assert.equal(await main(['config', 'get', '--json', '--config-dir', dir], c.io), ExitCode.OK);
    const rows = c
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { key: string; source: string });
    assert.equal(rows.find((r) => r.key === 'wakePhrase')?.source, 'file');
    assert.equal(rows.find((r) => r.key === 'volume')?.source, 'default');
    c = capture();
    assert.equal(
      await main(['config', 'set', 'silenceMs', 'soon', '--config-dir', dir], c.io),
      ExitCode.CONFIG,
    );
    assert.match(c.err(), /silenceMs must be a whole number from 100 to 5000/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('hark doctor reports every check and never crashes', async () => {
  const c = capture();
  const code = await main(['doctor', '--json'], c.io);
  const checks = c
    .out()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { name: string; status: string });
  for (const name of ['config', 'node', 'pocketsphinx', 'vosk', 'espeak-ng', 'socat', 'serial', 'udev']) {
    assert.ok(
      checks.some((x) => x.name === name),
      `check ${name} reported`,
    );
  }
  assert.equal(code, checks.some((x) => x.status === 'fail') ? ExitCode.FAILURE : ExitCode.OK);
});

test('the CLI reporter summarises a storm of identical board events and keeps commands', async () => {
  const { CliReporter } = await import('./reporter.js');
  const c = capture();
  const r = new CliReporter({ ...c.io, json: true, now: () => 7, storm: { allow: 2 } });
  for (let i = 0; i < 10_000; i++) r.event({ event: 'board', boardId: 'b', path: '/dev/x', model: 'm' });
  for (let i = 0; i < 5; i++) r.event({ event: 'command', boardId: 'b', command: 'volume up' });
  r.flush();
  await new Promise<void>((res) => setImmediate(res));
  const lines = c
    .out()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.filter((l) => l.event === 'board').length, 2);
  assert.equal(lines.filter((l) => l.event === 'command').length, 5, 'commands are never held back');
  const summary = lines.find((l) => l.event === 'log')!;
  assert.equal(summary.repeated, 9998);
  assert.match(String(summary.msg), /board event … repeated 9,998 times/);
  assert.ok(lines.every((l) => typeof l.t === 'number' && typeof l.event === 'string'));
});

test('every --json line of doctor and config has t and event; doctor --help names --config-dir', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hark-cli-json-'));
  try {
    const outputs: string[] = [];
    for (const argv of [
      ['doctor', '--json', '--config-dir', dir],
      ['config', 'get', '--json', '--config-dir', dir],
      ['config', 'get', 'volume', '--json', '--config-dir', dir],
      ['config', 'set', 'volume', '20', '--json', '--config-dir', dir],
      ['config', 'path', '--json', '--config-dir', dir],
    ]) {
      const c = capture();
      await main(argv, c.io);
      outputs.push(...c.out().trim().split('\n'));
    }
    for (const line of outputs) {
      const o = JSON.parse(line) as { t?: unknown; event?: unknown };
      assert.equal(typeof o.t, 'number', line);
      assert.ok(o.event === 'check' || o.event === 'config', line);
    }
    const h = capture();
    assert.equal(await main(['doctor', '--help'], h.io), ExitCode.OK);
    assert.match(h.out(), /--config-dir DIR/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
