/**
 * Hot-plug (issue 14 item 5) over real ptys: the port watcher notices serial devices appearing and
 * vanishing in a watched folder (here a temporary one holding pty symlinks named like USB ttys, as
 * devtmpfs names them), matches them to board profiles by USB ids, opens the matching ones and
 * releases them when they vanish — also mid-write.
 *
 * sysfs is faked (a mock by necessity: no USB device exists in this container): `fakeSysfs()` lays out
 * /sys/class/tty/NAME/device → …/usb1/1-1/1-1:1.0/NAME with idVendor/idProduct/serial in 1-1, the
 * shape the kernel gives a USB serial port.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DeviceWatcher, type SerialDevice } from '../../base/serial/device-watcher.js';
import { usbIdentity } from '../../base/serial/sysfs-usb.js';
import { EmulatedBoard } from '../../boards/emulator/emulated-board.js';
import { PtyPair } from '../../boards/emulator/pty-pair.js';
import { type BoardInfo, LinkManager, type PortEvent, type StateEvent } from '../../host/link/index.js';
import { waitFor } from '../helpers/link.js';

/** A fake /sys with USB ids for each tty name (vendor:product, serial). */
function fakeSysfs(
  root: string,
  ttys: Record<string, { vendorId: string; productId: string; serial?: string }>,
): void {
  for (const [i, [name, id]] of Object.entries(ttys).entries()) {
    const usbDev = join(root, 'devices', 'pci0000:00', 'usb1', `1-${i + 1}`);
    const port = join(usbDev, `1-${i + 1}:1.0`, name);
    mkdirSync(port, { recursive: true });
    writeFileSync(join(usbDev, 'idVendor'), `${id.vendorId}\n`);
    writeFileSync(join(usbDev, 'idProduct'), `${id.productId}\n`);
    if (id.serial) writeFileSync(join(usbDev, 'serial'), `${id.serial}\n`);
    mkdirSync(join(root, 'class', 'tty', name), { recursive: true });
    symlinkSync(port, join(root, 'class', 'tty', name, 'device'));
  }
}

function rig() {
  const root = mkdtempSync(join(tmpdir(), 'hark-hotplug-'));
  const devDir = join(root, 'dev');
  const sysfsDir = join(root, 'sys');
  mkdirSync(devDir);
  fakeSysfs(sysfsDir, {
    ttyACM3: { vendorId: '303A', productId: '1001', serial: 'S3-0001' }, // ESP32-S3 native USB
    ttyUSB7: { vendorId: 'ffff', productId: '0001' }, // a bridge no profile knows
  });
  return { root, devDir, sysfsDir, remove: () => rmSync(root, { recursive: true, force: true }) };
}

test('sysfs: USB ids, serial and USB path of a tty; nothing for a non-USB one', () => {
  const r = rig();
  try {
    assert.deepEqual(usbIdentity('ttyACM3', r.sysfsDir), {
      vendorId: '303a',
      productId: '1001',
      serialNumber: 'S3-0001',
      usbPath: '1-1',
    });
    assert.equal(usbIdentity('ttyS0', r.sysfsDir), undefined);
  } finally {
    r.remove();
  }
});

test('DeviceWatcher: devices appear and vanish as events; other names are ignored; a later by-id folder is watched', async () => {
  const r = rig();
  const w = new DeviceWatcher({ devDir: r.devDir, settleMs: 0 });
  const first = await PtyPair.create({ dir: r.devDir, name: 'ttyUSB1' }); // present before the watcher
  const added: SerialDevice[] = [];
  const removed: SerialDevice[] = [];
  w.on('added', (d: SerialDevice) => added.push(d));
  w.on('removed', (d: SerialDevice) => removed.push(d));
  const pairs: PtyPair[] = [first];
  try {
    w.start();
    assert.deepEqual(
      added.map((d) => d.path),
      [first.hostPath],
      'present devices are reported at start',
    );
    assert.equal(added[0]!.kernelName, 'ttyUSB1');
    const next = waitFor<SerialDevice>(w, 'added');
    const second = await PtyPair.create({ dir: r.devDir, name: 'ttyACM0' });
    pairs.push(second);
    assert.equal((await next).path, second.hostPath);
    // Not a serial device name (socat's other end, a random file): never reported.
    writeFileSync(join(r.devDir, 'ttyUSB-notes.txt'), 'x');
    // udev's stable names appear later, in a folder that did not exist: the same device is one device.
    const byId = join(r.devDir, 'serial', 'by-id');
    mkdirSync(byId, { recursive: true });
    const thirdAdded = waitFor<SerialDevice>(w, 'added', (d) => d.path === join(r.devDir, 'ttyUSB2'));
    const third = await PtyPair.create({ dir: r.devDir, name: 'ttyUSB2' });
    pairs.push(third);
    await thirdAdded;
    const viaLink = waitFor<SerialDevice>(w, 'added', (d) => d.path.includes('by-id'));
    symlinkSync(third.hostPath, join(byId, 'usb-hark-third-if00'));
    const other = await PtyPair.create({ dir: r.devDir, name: 'other-board' });
    pairs.push(other);
    symlinkSync(other.hostPath, join(byId, 'usb-hark-other-if00'));
    assert.equal(
      (await viaLink).path,
      join(byId, 'usb-hark-other-if00'),
      'a device new under its by-id name',
    );
    assert.ok(
      !added.some((d) => d.path.includes('third-if00')),
      'an alias of a known device is not reported again',
    );
    const gone = waitFor<SerialDevice>(w, 'removed', (d) => d.path === second.hostPath);
    await second.unplug();
    await gone;
    assert.ok(!added.some((d) => d.path.includes('notes')));
    assert.equal(removed.length, 1);
  } finally {
    w.close();
    for (const p of pairs) await p.close();
    r.remove();
  }
});

test('watchPorts: a matching board plugged in is opened and served; unplugged, it is released; plugged again, served again', async () => {
  const r = rig();
  const link = await LinkManager.start({ heartbeatMs: 500, backoff: { initialMs: 20 } });
  const ports: PortEvent[] = [];
  const states: StateEvent[] = [];
  link.on('port', (e: PortEvent) => ports.push(e));
  link.on('state', (e: StateEvent) => states.push(e));
  let board: EmulatedBoard | undefined;
  let stranger: PtyPair | undefined;
  try {
    await link.watchPorts({ devDir: r.devDir, sysfsDir: r.sysfsDir, settleMs: 0 });
    assert.equal(ports.length, 0, 'nothing plugged in yet');
    // A device no profile matches is reported and left alone.
    const ignored = waitFor<PortEvent>(link, 'port', (e) => e.path.endsWith('ttyUSB7'));
    stranger = await PtyPair.create({ dir: r.devDir, name: 'ttyUSB7' });
    assert.match((await ignored).action, /ignored: no board profile matches its USB id ffff:0001/);
    // The ESP32-S3 (303a:1001) appears: opened with its profile, served.
    const served = waitFor<BoardInfo>(link, 'board');
    board = await EmulatedBoard.overPty({ dir: r.devDir, name: 'ttyACM3', uid: 'plugged' });
    const info = await served;
    assert.equal(info.boardId, 'plugged');
    const seen = ports.find((e) => e.path.endsWith('ttyACM3'))!;
    assert.deepEqual(seen.profiles, ['esp32-s3-devkitc-1']);
    assert.equal(seen.vendorId, '303a');
    assert.match(seen.action, /opening it \(profile esp32-s3-devkitc-1\)/);
    assert.equal((await link.diagnostics()).links, 1, 'only the matching device has a link');
    // Unplugged while the host writes to it: released, no crash, main hears the link go down.
    const removed = waitFor<PortEvent>(
      link,
      'port',
      (e) => e.kind === 'removed' && e.path.endsWith('ttyACM3'),
    );
    const down = waitFor<StateEvent>(
      link,
      'state',
      (s) => s.boardId === 'plugged' && s.state === 'disconnected',
    );
    const led = {
      type: 'LED' as const,
      index: 0xff,
      effect: 2,
      r: 9,
      g: 9,
      b: 9,
      periodMs: 100,
      durationMs: 0,
    };
    const writes = Array.from({ length: 200 }, () =>
      link.send('plugged', led).then(
        () => 'sent',
        (e: Error & { code?: string }) => e.code ?? 'error',
      ),
    );
    await board.unplug();
    assert.equal((await removed).action, 'released');
    await down;
    const outcomes = await Promise.all(writes);
    assert.ok(
      outcomes.every((o) => ['sent', 'HARK_ERR_LINK_LOST', 'HARK_ERR_LINK_NOT_READY'].includes(o)),
      outcomes.join(),
    );
    assert.equal((await link.diagnostics()).links, 0, 'the vanished board was released');
    // Plugged in again: a new link, the same board.
    const back = waitFor<BoardInfo>(link, 'board');
    await board.replug();
    assert.equal((await back).boardId, 'plugged');
  } finally {
    await link.close();
    await board?.close();
    await stranger?.close();
    r.remove();
  }
});

test('watchPorts on a folder that cannot be watched → HARK_ERR_LINK_WATCH saying what to do', async () => {
  const link = await LinkManager.start();
  try {
    await assert.rejects(
      link.watchPorts({ devDir: '/nonexistent/hark-dev' }),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, 'HARK_ERR_LINK_WATCH');
        assert.match(e.message, /cannot watch \/nonexistent\/hark-dev.*--port PATH/);
        return true;
      },
    );
  } finally {
    await link.close();
  }
});
