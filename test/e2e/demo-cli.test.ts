/** `hark demo`, the README's first command, run as a user would: a child process, exit code, output. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../host/cli/main.js', import.meta.url));

test('hark demo --json passes every step, shows commands with parameters, writes no config', async () => {
  const home = mkdtempSync(join(tmpdir(), 'hark-demo-home-'));
  try {
    const child = spawn(process.execPath, [MAIN, 'demo', '--json'], {
      env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
    });
    const code = await new Promise<number | null>((r) => child.on('close', r));
    assert.equal(code, 0, `hark demo failed:\n${err}\n${out}`);
    const events = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const commands = events.filter((e) => e.event === 'command');
    assert.ok(
      commands.some(
        (c) => c.command === 'timer duration' && (c.params as { duration: number }).duration === 300_000,
      ),
    );
    assert.ok(events.some((e) => e.event === 'transcript' && e.text === 'what time is it'));
    assert.ok(events.some((e) => e.event === 'demo' && e.received === 'led'));
    assert.ok(
      events.some(
        (e) =>
          e.event === 'demo' &&
          e.received === 'speaker' &&
          (e.detail as { event: string }).event === 'finished',
      ),
    );
    assert.deepEqual(
      events.filter((e) => e.event === 'demo' && e.ok === false),
      [],
    );
    // a demo that passed ends without an error: its own teardown is no lost link
    assert.deepEqual(
      events.filter((e) => e.event === 'error'),
      [],
    );
    assert.doesNotMatch(err, /HARK_ERR_/);
    // (espeak-ng's PulseAudio client library may create ~/.config/pulse; hark itself writes nothing.)
    const written = readdirSync(home, { recursive: true }).map(String);
    assert.deepEqual(
      written.filter((p) => p.includes('hark')),
      [],
      `no hark config written (home has: ${written.join(', ')})`,
    );
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
