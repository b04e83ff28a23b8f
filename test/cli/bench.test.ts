/**
 * The bring-up bench, as a user drives it: `hark emulate --script` rehearses a conversation (two
 * utterances, a follow-up, waits, a gesture) with a real `hark run`, logs the GPIO writes and saves the
 * replies as WAV files; `hark say` runs a command by its text; `hark commands` lists a pack. Negative
 * cases: bad scripts and files are refused before a pty exists, with the documented exit codes.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseWav } from '../../base/audio/wav.js';
import { EmulatedBoard } from '../../boards/emulator/index.js';
import { LinkManager } from '../../host/link/index.js';
import { run, runSync } from '../helpers/child.js';

const MAIN = fileURLToPath(new URL('../../host/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hark-bench-'));
const env = { ...process.env, HARK_CONFIG_DIR: join(dir, 'no-config') };
after(() => rmSync(dir, { recursive: true, force: true }));
const json = (l: string) => JSON.parse(l) as Record<string, unknown>;

test('emulate --script rehearses a conversation with hark run: follow-up, GPIO writes, replies saved as WAV', async () => {
  const script = join(dir, 'timer.txt');
  writeFileSync(
    script,
    [
      '# a question, its answer, then a light',
      'say "set a timer"',
      'follow-up "for five minutes"   # streams in the host\'s next CAPTURE',
      'wait speech-end 30s',
      'say "turn the light on"',
      'wait gpio 2 1 10s',
      'double',
      '',
    ].join('\n'),
  );
  const speech = join(dir, 'speech');
  const emu = run(
    process.execPath,
    [
      MAIN,
      'emulate',
      '--script',
      script,
      '--json',
      '--uid',
      'bench',
      '--speed',
      '2',
      '--save-speech',
      speech,
    ],
    { env },
  );
  try {
    const ready = json(await emu.line(/"kind":"ready"/, 'the device path', { stream: 'stdout' }));
    const served = run(process.execPath, [MAIN, 'run', '--json', '--port', String(ready.path)], { env });
    try {
      assert.equal(await emu.exited, 0, `${emu.transcript()}\n--- hark run\n${served.transcript()}`);
      const events = emu.stdout.map(json);
      const steps = events.filter((e) => e.kind === 'step');
      assert.deepEqual(
        steps.map((e) => e.line),
        [2, 3, 4, 5, 6, 7],
      );
      const done = events.find((e) => e.kind === 'done')!;
      assert.equal((done.speech as string[]).length, 2, 'two replies: "For how long?" and "Timer set…"');
      for (const f of done.speech as string[]) {
        const wav = parseWav(readFileSync(f), f);
        assert.ok(wav.samples.length / wav.sampleRate > 0.5, `${f} holds speech`);
      }
      assert.ok(
        events.some((e) => e.kind === 'gpio' && e.pin === 2 && e.value === 1),
        'the light pin went high',
      );
      assert.ok(
        events.some((e) => e.kind === 'capture' && e.action === 1),
        'the follow-up was captured',
      );
      assert.ok(events.every((e) => typeof e.t === 'number'));
      const commands = served.stdout.map(json).filter((e) => e.event === 'command');
      assert.deepEqual(
        commands.map((c) => c.command),
        ['set a timer', 'timer duration', 'lights'],
      );
      assert.deepEqual(commands[1]!.params, { duration: 300_000 });
    } finally {
      await served.stop('SIGINT').catch(() => undefined);
    }
  } finally {
    await emu.stop('SIGKILL').catch(() => undefined);
  }
});

test('a script wait that times out stops emulate with exit 1 and the line at fault', async () => {
  const script = join(dir, 'wait.txt');
  writeFileSync(script, 'wait 10ms\nwait tone 300ms\n');
  const emu = run(process.execPath, [MAIN, 'emulate', '--script', script, '--uid', 'waiter'], { env });
  const path = await emu.line((l) => l.startsWith('/'), 'the device path', { stream: 'stdout' });
  const link = await LinkManager.start();
  try {
    await link.open({ path }); // a host that connects and then sends nothing
    assert.equal(await emu.exited, 1, emu.transcript());
    assert.match(
      emu.stderr.join('\n'),
      /script failed at line 2 \(wait tone 300ms\): nothing \(tone\) arrived within 300 ms \[HARK_ERR_CLI_SCRIPT\]/,
    );
  } finally {
    await link.close();
    await emu.stop('SIGKILL').catch(() => undefined);
  }
});

test('bad scripts, missing, folder and truncated WAVs: a clear message and the documented exit code, no stack', () => {
  const cases: [string[], number, RegExp][] = [];
  const bad = join(dir, 'bad.txt');
  writeFileSync(bad, 'say "hello"\nshout "hello"\n');
  cases.push([['--script', bad], 2, /bad\.txt:2: unknown step "shout"/]);
  const noText = join(dir, 'empty-say.txt');
  writeFileSync(noText, 'say\n');
  cases.push([['--script', noText], 2, /empty-say\.txt:1: say needs "text" or a WAV file/]);
  const badWait = join(dir, 'bad-wait.txt');
  writeFileSync(badWait, 'wait forever\n');
  cases.push([['--script', badWait], 2, /wait needs a duration \(500ms, 2s\) or one of host, led/]);
  const badValue = join(dir, 'bad-value.txt');
  writeFileSync(badValue, 'wait led purple\n');
  cases.push([['--script', badValue], 2, /bad-value\.txt:1: "purple" is not a duration .* nor a led value/]);
  cases.push([
    ['--script', join(dir, 'nosuch.txt')],
    2,
    /--script .*nosuch\.txt: no such file \[HARK_ERR_CLI_FILE\]/,
  ]);
  cases.push([
    ['--wav', join(dir, 'nosuch.wav')],
    2,
    /--wav .*nosuch\.wav: no such file \[HARK_ERR_CLI_FILE\]/,
  ]);
  const folder = join(dir, 'folder.wav');
  mkdirSync(folder);
  cases.push([['--wav', folder], 2, /is a folder, not a WAV file/]);
  const truncated = join(dir, 'truncated.wav');
  writeFileSync(truncated, Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00', 'latin1'));
  cases.push([
    ['--wav', truncated],
    1,
    /truncated\.wav is truncated \(its fmt chunk is cut off\) \[HARK_ERR_AUDIO_WAV\]/,
  ]);
  cases.push([['--wav', truncated, '--script', bad], 2, /--script and --wav do not go together/]);
  cases.push([['--profile', 'nosuch'], 3, /unknown board profile "nosuch"/]);
  for (const [args, code, message] of cases) {
    const r = runSync(process.execPath, [MAIN, 'emulate', ...args], { env, timeoutMs: 30_000 });
    assert.equal(r.status, code, `${args.join(' ')}\n${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.doesNotMatch(r.stderr, /RangeError|\n\s+at /, `no stack trace for ${args.join(' ')}`);
    assert.equal(r.stdout, '', `no device path printed for ${args.join(' ')}`);
  }
});

test('hark say runs a command by its text on an emulated board; nothing matching exits 1', () => {
  const ok = runSync(process.execPath, [MAIN, 'say', 'turn the light on'], { env, timeoutMs: 60_000 });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /say-board: command lights \{"state":true\}/);
  assert.match(ok.stdout, /say-board: Lights on/);
  assert.match(ok.stderr, /\[say-board\] LED all: solid #ffffff/);
  assert.match(ok.stderr, /\[say-board\] GPIO 2: output = 1/);
  const none = runSync(process.execPath, [MAIN, 'say', 'make me a sandwich', '--json'], {
    env,
    timeoutMs: 60_000,
  });
  assert.equal(none.status, 1, none.stderr);
  const response = none.stdout
    .trim()
    .split('\n')
    .map(json)
    .find((e) => e.event === 'response')!;
  assert.equal(response.status, 'not_found');
  const empty = runSync(process.execPath, [MAIN, 'say'], { env });
  assert.equal(empty.status, 2);
  assert.match(empty.stderr, /say what\?/);
});

test('hark say --board picks a board among real ports, and names the ones there are', async () => {
  for (const [wanted, code] of [
    ['other', 4],
    ['real-one', 0],
  ] as const) {
    // The board lives in this process, so the CLI runs beside it (never spawnSync: it would freeze the board).
    const board = await EmulatedBoard.overPty({
      uid: 'real-one',
      speed: 4,
      bootNoise: false,
      helloIntervalMs: 200,
    });
    try {
      const say = run(
        process.execPath,
        [MAIN, 'say', 'volume up', '--port', board.hostPath, '--board', wanted],
        { env },
      );
      assert.equal(await say.exited, code, say.transcript());
      if (code === 4) assert.match(say.stderr.join('\n'), /no board "other" \(connected: real-one\)/);
      else assert.equal(board.volume, 80, 'the VOLUME frame reached the board');
    } finally {
      await board.close();
    }
  }
});

test('hark commands lists the pack; a broken pack exits 6', () => {
  const r = runSync(process.execPath, [MAIN, 'commands', '--json'], { env, expect: 0 });
  const lines = r.stdout.trim().split('\n').map(json);
  const defs = lines.filter((l) => l.event === 'command-def');
  assert.ok(defs.some((d) => d.name === 'count primes' && d.blocking === true));
  assert.ok(defs.some((d) => d.name === 'timer duration' && d.followUpOnly === true));
  const grammar = lines.find((l) => l.event === 'grammar')!;
  assert.equal(grammar.commands, defs.length);
  assert.ok(Number(grammar.words) > 10);
  const broken = join(dir, 'broken.mjs');
  const api = new URL('../../host/index.js', import.meta.url).href;
  writeFileSync(
    broken,
    `import { command } from '${api}';\nexport default [command('turn (the light', () => ({}))];\n`,
  );
  const b = runSync(process.execPath, [MAIN, 'commands', '--commands', broken], { env });
  assert.equal(b.status, 6, b.stderr);
  assert.match(b.stderr, /HARK_ERR_COMMANDS_PATTERN/);
});
