/**
 * The deploy guide, run: every command in deploy/README.md's `sh` blocks is either run in a temporary
 * folder standing for `/` (with the registry name replaced by a freshly packed tarball, `sudo` and
 * `sudo -u hark` dropped, and no compiler available) or skipped for a stated reason (apt, useradd, udev
 * and systemd do not run in this container). A command the table below does not know fails the test, so
 * guide and test move together. Then the installed unit is verified and scored with systemd-analyze.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runSync } from '../helpers/child.js';
import { noCompilersEnv, packInto, ROOT } from './pack.js';

const GUIDE = readFileSync(join(ROOT, 'deploy/README.md'), 'utf8');

/** What the test does with a line of the guide: why it is skipped, or undefined to run it. */
const SKIPS: [RegExp, string][] = [
  [/^sudo apt-get /, 'system packages: this machine has them (the README install line)'],
  [/^sudo useradd /, 'creates a system user: the test runs the steps as itself'],
  [/^sudo udevadm /, 'no udev daemon in this container (the rule file is checked below)'],
  [/^(sudo )?systemctl |^journalctl /, 'systemd is not PID 1 here (the unit is verified and scored below)'],
  [/\/hark run$/, 'runs until Ctrl-C (hark run is tested against emulated boards elsewhere)'],
];

/** The `sh` blocks of the guide, each a list of commands. */
export function guideBlocks(markdown: string): string[][] {
  return [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) =>
    m[1]!
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#')),
  );
}

let tmp: string;
let root: string;
let env: NodeJS.ProcessEnv;
const ran: string[] = [];
const skipped: string[] = [];

/** A guide command as it runs here: paths under `root`, the tarball for the registry name, no sudo. */
function localise(cmd: string, tarball: string): string {
  return cmd
    .replace(/\bsudo -u hark /g, '')
    .replace(/\bsudo /g, '')
    .replace(/ -o hark -g hark/g, '')
    .replace(/hark-voice@\^?[\d.]+/g, tarball)
    .replace(/(^|[\s=])\/(opt|etc)\//g, `$1${root}/$2/`)
    .replace(/(^|[\s=])\/(opt|etc)\/?(\s|$)/g, `$1${root}/$2$3`);
}

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'hark-deploy-'));
  root = join(tmp, 'root');
  env = noCompilersEnv(join(tmp, 'no-compilers'));
  const tarball = packInto(tmp);
  runSync('mkdir', ['-p', `${root}/etc/udev/rules.d`, `${root}/etc/systemd/system`], { expect: 0 });
  for (const block of guideBlocks(GUIDE)) {
    const script: string[] = [];
    for (const cmd of block) {
      const skip = SKIPS.find(([re]) => re.test(cmd));
      if (skip) {
        skipped.push(`${cmd}  — ${skip[1]}`);
        continue;
      }
      if (!/^(sudo |cd \/opt\/hark && sudo |ls )/.test(cmd))
        throw new Error(`deploy/README.md has a step this test does not know how to run: ${cmd}`);
      script.push(localise(cmd, tarball));
      ran.push(cmd);
    }
    if (script.length) runSync('sh', ['-ec', script.join('\n')], { cwd: tmp, env, expect: 0 });
  }
  console.log(
    `# deploy guide: ${ran.length} steps run, ${skipped.length} skipped:\n#   ${skipped.join('\n#   ')}`,
  );
});
after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('the guide installs hark in /opt/hark with npm, nothing compiled, and configures it in /etc/hark', () => {
  assert.ok(ran.length >= 8, `ran ${ran.length} steps`);
  const hark = join(root, 'opt/hark/node_modules/.bin/hark');
  assert.ok(existsSync(hark), 'hark is installed');
  const config = join(root, 'etc/hark/config.json');
  assert.deepEqual(JSON.parse(readFileSync(config, 'utf8')), { volume: 60 });
  assert.equal(statSync(config).mode & 0o777, 0o600);
  assert.equal(statSync(join(root, 'etc/hark')).mode & 0o777, 0o700);
  const built = runSync('find', [
    join(root, 'opt/hark/node_modules'),
    '-path',
    '*/build/Release/*.node',
  ]).stdout;
  assert.equal(built.trim(), '', 'no native addon was compiled');
  // The update step of the guide: a clean reinstall from the lock file the first install wrote.
  runSync('npm', ['ci', '--omit=dev'], { cwd: join(root, 'opt/hark'), env, expect: 0 });
  assert.ok(existsSync(hark));
});

test('the installed udev rule and unit are the ones in the package; doctor checks both', () => {
  const pkg = join(root, 'opt/hark/node_modules/hark-voice/deploy');
  assert.equal(
    readFileSync(join(root, 'etc/udev/rules.d/99-hark.rules'), 'utf8'),
    readFileSync(join(pkg, '99-hark.rules'), 'utf8'),
  );
  const unit = join(root, 'etc/systemd/system/hark.service');
  assert.equal(readFileSync(unit, 'utf8'), readFileSync(join(pkg, 'hark.service'), 'utf8'));
  const r = runSync(join(root, 'opt/hark/node_modules/.bin/hark'), ['doctor', '--json'], {
    env: { ...env, HARK_CONFIG_DIR: join(root, 'etc/hark') },
  });
  const checks = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { name: string; status: string; detail: string });
  assert.ok(
    checks.some((c) => c.name === 'service'),
    r.stdout,
  );
  assert.ok(
    checks.some((c) => c.name === 'udev'),
    r.stdout,
  );
  assert.match(checks.find((c) => c.name === 'config')!.detail, new RegExp(`${root}/etc/hark/config.json`));
});

test('the unit verifies and scores at most 4.0 in systemd-analyze security, with no udev-settle', (t) => {
  const unit = readFileSync(join(root, 'etc/systemd/system/hark.service'), 'utf8');
  assert.doesNotMatch(unit, /^[^#\n]*udev-settle/m, 'no directive names systemd-udev-settle');
  for (const d of [
    'User=hark',
    'ProtectSystem=strict',
    'NoNewPrivileges=yes',
    'DevicePolicy=closed',
    'ProtectHome=yes',
  ])
    assert.match(unit, new RegExp(`^${d}$`, 'm'), d);
  if (runSync('sh', ['-c', 'command -v systemd-analyze']).status !== 0)
    return t.skip('systemd-analyze is not installed (Debian: systemd)');
  // The unit as installed here: its ExecStart and WorkingDirectory point into the temporary root.
  const local = join(tmp, 'hark.service');
  writeFileSync(local, unit.replaceAll('/opt/hark', join(root, 'opt/hark')));
  const verify = runSync('systemd-analyze', ['verify', '--man=no', local]);
  assert.equal(verify.status, 0, verify.stderr);
  const sec = runSync('systemd-analyze', ['security', '--offline=true', '--no-pager', local]);
  const score = Number(/Overall exposure level for hark\.service: ([\d.]+)/.exec(sec.stdout)?.[1]);
  console.log(`# systemd-analyze security --offline=true: ${score}`);
  assert.ok(score <= 4.0, `exposure ${score} > 4.0\n${sec.stdout}`);
});
