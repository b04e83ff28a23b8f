/**
 * hark-voice as a dependency, installed the way a user installs it: `npm pack`, then plain
 * `npm install <tarball>` into a copy of examples/typescript-starter in a new temporary folder — no
 * overrides, no compiler (cc, gcc, g++, make and node-gyp on PATH are stand-ins that fail loudly) —
 * then `tsc` type-checks the pack against the installed types (custom parameter type included), and
 * the installed `hark` serves one of the pack's commands, spoken by an emulated board.
 */
import assert from 'node:assert/strict';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { run, runSync } from '../helpers/child.js';
import { noCompilersEnv, packInto, ROOT } from './pack.js';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let tmp: string;
let project: string;
let env: NodeJS.ProcessEnv;
let install: { ms: number; packages: number };

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'hark-tarball-'));
  env = { ...noCompilersEnv(join(tmp, 'no-compilers')), HARK_CONFIG_DIR: join(tmp, 'config') };
  const tarball = packInto(tmp);
  project = join(tmp, 'my-hark-commands');
  const starter = join(ROOT, 'examples/typescript-starter');
  mkdirSync(project);
  for (const f of ['package.json', 'tsconfig.json', 'src'])
    cpSync(join(starter, f), join(project, f), { recursive: true });
  const r = runSync('npm', ['install', tarball], { cwd: project, env, expect: 0 });
  const tree = runSync('npm', ['ls', '--all', '--parseable', '--omit=dev'], { cwd: project, env });
  install = { ms: r.ms, packages: tree.stdout.trim().split('\n').length - 1 };
  console.log(
    `# npm ${runSync('npm', ['--version']).stdout.trim()}: npm install <tarball> took ${(install.ms / 1000).toFixed(1)} s; ${install.packages} packages besides the project (without its dev tools)`,
  );
});
after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('plain npm install of the tarball: no overrides, nothing compiled, no ffi-napi, no second serialport', () => {
  const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as Record<
    string,
    Record<string, string>
  >;
  assert.equal(pkg['overrides'], undefined);
  assert.match(pkg['dependencies']!['hark-voice']!, /hark-voice-.*\.tgz$/);
  const installed = join(project, 'node_modules/hark-voice');
  assert.ok(existsSync(join(installed, 'dist/host/index.js')));
  assert.ok(!existsSync(join(installed, 'dist/test')), 'no tests in the package');
  assert.ok(
    !readdirSync(join(installed, 'dist/host/cli')).some((f) => f.includes('.test.')),
    'no test files',
  );
  for (const f of [
    'LICENSE',
    'CHANGELOG.md',
    'README.md',
    'boards/profiles/emulated.json',
    'deploy/hark.service',
  ])
    assert.ok(existsSync(join(installed, f)), `${f} ships`);
  for (const absent of ['ffi-napi', 'ref-napi', 'vosk', 'johnny-five', 'conf', 'mqtt'])
    assert.ok(!existsSync(join(project, 'node_modules', absent)), `${absent} is not installed`);
  const serialports = runSync('npm', ['ls', 'serialport', '--all', '--parseable'], { cwd: project, env })
    .stdout.trim()
    .split('\n');
  assert.equal(serialports.length, 1, `one serialport: ${serialports.join(', ')}`);
  const built = runSync('find', [
    join(project, 'node_modules'),
    '-path',
    '*/build/Release/*.node',
  ]).stdout.trim();
  assert.equal(built, '', 'no native addon was compiled');
  // 0.1.0 pulled 91 (178 with johnny-five's serialport 8); a new dependency that grows the tree a lot should be a decision.
  assert.ok(install.packages <= 45, `${install.packages} packages (hark-voice and its dependencies)`);
});

test('the installed hark reports the package version', () => {
  const r = runSync(join(project, 'node_modules/.bin/hark'), ['--version'], { cwd: project, env, expect: 0 });
  assert.equal(r.stdout.trim(), `hark ${VERSION}`);
});

test('tsc type-checks the pack against the installed package, custom parameter type included', () => {
  runSync(join(project, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: project, env, expect: 0 });
  assert.ok(existsSync(join(project, 'dist/index.js')));
  // The same checks must be able to fail: a misspelt parameter, and a custom type's value misused.
  writeFileSync(
    join(project, 'src/wrong.ts'),
    `import { command } from 'hark-voice';
     import './volume.js';
     export const a = command('set the volume to $level:Level', ({ levle }) => ({ text: String(levle) }));
     export const b = command('set the volume to $level:Level', ({ level }) => ({ text: level.toUpperCase() }));
     export const c = command('turn $state:OnOff', ({ state }) => ({ text: state.toFixed() }));\n`,
  );
  const bad = runSync(join(project, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json', '--noEmit'], {
    cwd: project,
    env,
  });
  rmSync(join(project, 'src/wrong.ts'));
  assert.notEqual(bad.status, 0);
  assert.match(bad.stdout, /wrong\.ts\(3,\d+\): error TS2339: Property 'levle' does not exist/);
  assert.match(
    bad.stdout,
    /wrong\.ts\(4,\d+\): error TS2339: Property 'toUpperCase' does not exist on type 'number'/,
  );
  assert.match(
    bad.stdout,
    /wrong\.ts\(5,\d+\): error TS2339: Property 'toFixed' does not exist on type 'boolean'/,
  );
});

test("the installed hark serves the pack's command spoken by an emulated board, and stops with exit 0", async () => {
  const wav = join(tmp, 'volume-up.wav');
  runSync(
    'sh',
    ['-c', `espeak-ng -s 150 --stdout "volume up" | sox -t wav - -r 16000 -c 1 -b 16 "${wav}" pad 0.25 0.9`],
    {
      expect: 0,
    },
  );
  const hark = join(project, 'node_modules/.bin/hark');
  const emulate = run(hark, ['emulate', '--wav', wav, '--press-after-ms', '200', '--uid', 'tarball-board'], {
    cwd: project,
    env,
  });
  try {
    const pty = await emulate.line((l) => l.startsWith('/'), 'the emulated board to print its device path', {
      stream: 'stdout',
    });
    const host = run(hark, ['run', '--json', '--port', pty, '--commands', 'dist/index.js'], {
      cwd: project,
      env,
    });
    try {
      const cmd = await host.line(/"event":"command"/, 'the command event', {
        stream: 'stdout',
        timeoutMs: 90_000,
      });
      const e = JSON.parse(cmd) as { command: string; boardId: string; t: number };
      assert.equal(e.command, 'volume up');
      assert.equal(e.boardId, 'tarball-board');
      assert.equal(typeof e.t, 'number');
      await emulate.line(/VOLUME 80%/, 'the board to receive VOLUME 80%', { stream: 'stderr' });
      assert.equal(await host.stop('SIGINT'), 0, host.transcript());
    } finally {
      await host.stop('SIGKILL').catch(() => undefined);
    }
  } finally {
    await emulate.stop('SIGINT').catch(() => undefined);
  }
});

test("with the user's own vosk package (library only, no ffi-napi build), hark finds its libvosk", (t) => {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    return t.skip(`the vosk package carries no libvosk for ${process.platform}-${process.arch}`);
  // What the transcription README tells users to run: the package for its library file, no build.
  runSync('npm', ['install', '--ignore-scripts', 'vosk@0.3.39'], { cwd: project, env, expect: 0 });
  const r = runSync(join(project, 'node_modules/.bin/hark'), ['doctor', '--json'], { cwd: project, env });
  const vosk = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { name: string; detail: string })
    .find((c) => c.name === 'vosk');
  assert.match(
    vosk?.detail ?? '',
    /library .*node_modules\/vosk\/lib\/linux-x86_64\/libvosk\.so \(vosk package\)/,
    r.stdout,
  );
  assert.equal(
    existsSync(join(project, 'node_modules/ffi-napi/build/Release')),
    false,
    'ffi-napi was not built',
  );
});
