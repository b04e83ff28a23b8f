import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadProfiles } from '../../boards/profiles/profile-loader.js';
import { checkService, checkUdevRule, DEPLOY_DIR } from './doctor-deploy.js';
import { renderUdevRules } from './udev-rules.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function fakeRoot(files: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'hark-doctor-root-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return { root, done: () => rmSync(root, { recursive: true, force: true }) };
}
const shipped = (f: string) => readFileSync(join(DEPLOY_DIR, f), 'utf8');
const USERS = {
  'etc/passwd': 'root:x:0:0::/root:/bin/sh\nhark:x:990:990::/opt/hark:/usr/sbin/nologin\n',
  'etc/group': 'dialout:x:20:hark\n',
};

test('deploy/99-hark.rules is generated from the profiles and names boards by USB port, not serial', () => {
  const rules = readFileSync(join(ROOT, 'deploy/99-hark.rules'), 'utf8');
  assert.equal(
    rules,
    renderUdevRules(loadProfiles().values()),
    'deploy/99-hark.rules is stale: run `npm run docs`',
  );
  for (const p of loadProfiles().values())
    for (const u of p.usb)
      assert.match(
        rules,
        new RegExp(`ATTRS\\{idVendor\\}=="${u.vendorId}", ATTRS\\{idProduct\\}=="${u.productId}"`),
        `${p.id} ${u.bridge}`,
      );
  const links = [...rules.matchAll(/SYMLINK\+="([^"]+)"/g)].map((m) => m[1]!);
  assert.ok(links.length > 0);
  for (const l of links) {
    assert.match(l, /\$attr\{busnum\}-\$attr\{devpath\}$/, 'the USB port tells identical boards apart');
    assert.doesNotMatch(l, /serial|%n|%k/, 'no serial number or kernel number in the name');
  }
});

test('doctor: the udev rule missing, outdated and current', () => {
  let t = fakeRoot({});
  assert.deepEqual(
    [checkUdevRule({ root: t.root }).status, checkUdevRule({ root: t.root }).detail],
    [
      'warn',
      'udev is not running (a container?): ports are not listed by USB id, pass --port PATH; hark rule not installed',
    ],
  );
  t.done();
  t = fakeRoot({
    'etc/udev/rules.d/99-hark.rules': 'SYMLINK+="hark-cp210x-$attr{serial}"\n',
    'run/udev/control': '',
  });
  const old = checkUdevRule({ root: t.root });
  assert.equal(old.status, 'warn');
  assert.match(
    old.detail,
    /differs from this version's rule \(older rules gave boards with the same serial number one shared/,
  );
  assert.match(old.fix ?? '', /sudo cp .*99-hark\.rules \/etc\/udev\/rules\.d\//);
  t.done();
  t = fakeRoot({ 'etc/udev/rules.d/99-hark.rules': shipped('99-hark.rules'), 'run/udev/control': '' });
  assert.equal(checkUdevRule({ root: t.root }).status, 'ok');
  t.done();
});

test('doctor: the service missing, broken (no user, not in dialout, udev-settle), failed, and fine', async () => {
  const none = async () => undefined;
  let t = fakeRoot({});
  assert.equal((await checkService({ root: t.root, systemctlShow: none })).status, 'warn');
  t.done();
  t = fakeRoot({
    'etc/systemd/system/hark.service': shipped('hark.service'),
    'etc/passwd': 'root:x:0:0::/root:/bin/sh\n',
  });
  const noUser = await checkService({ root: t.root, systemctlShow: none });
  assert.equal(noUser.status, 'fail');
  assert.match(noUser.detail, /its user "hark" does not exist/);
  assert.match(noUser.fix ?? '', /useradd --system .*hark/);
  t.done();
  const legacy = shipped('hark.service')
    .replace('SupplementaryGroups=dialout\n', '')
    .replace('[Unit]\n', '[Unit]\nAfter=systemd-udev-settle.service\n');
  t = fakeRoot({
    'etc/systemd/system/hark.service': legacy,
    'etc/passwd': USERS['etc/passwd'],
    'etc/group': 'dialout:x:20:\n',
  });
  const bad = await checkService({ root: t.root, systemctlShow: none });
  assert.equal(bad.status, 'fail');
  assert.match(bad.detail, /deprecated systemd-udev-settle/);
  assert.match(bad.detail, /not in the dialout group/);
  assert.match(bad.detail, /differs from this version's deploy\/hark\.service/);
  t.done();
  t = fakeRoot({ 'etc/systemd/system/hark.service': shipped('hark.service'), ...USERS });
  const failed = await checkService({
    root: t.root,
    systemctlShow: async () =>
      'LoadState=loaded\nActiveState=failed\nSubState=failed\nUnitFileState=enabled\nExecMainStatus=3\nNRestarts=0\n',
  });
  assert.equal(failed.status, 'fail');
  assert.match(failed.detail, /failed\/failed, enabled, last exit 3/);
  const fine = await checkService({
    root: t.root,
    systemctlShow: async () =>
      'LoadState=loaded\nActiveState=active\nSubState=running\nUnitFileState=enabled\nExecMainStatus=0\nNRestarts=0\n',
  });
  assert.deepEqual([fine.status, /active\/running, enabled/.test(fine.detail)], ['ok', true]);
  t.done();
});

test('the shipped unit passes its own doctor check', async () => {
  const t = fakeRoot({ ...USERS });
  copyFileSync(join(DEPLOY_DIR, 'hark.service'), join(t.root, 'etc/hark.service'));
  mkdirSync(join(t.root, 'etc/systemd/system'), { recursive: true });
  copyFileSync(join(DEPLOY_DIR, 'hark.service'), join(t.root, 'etc/systemd/system/hark.service'));
  const r = await checkService({ root: t.root, systemctlShow: async () => undefined });
  assert.equal(r.status, 'warn', 'state unknown without systemd, nothing wrong');
  assert.doesNotMatch(r.detail, /differs|does not exist|dialout|settle/);
  t.done();
});
