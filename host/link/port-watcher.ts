/**
 * The hot-plug watcher of the link worker: serial devices appearing and vanishing (DeviceWatcher,
 * base/serial/device-watcher.ts), each matched to board profiles by its USB ids from sysfs (the same
 * match `hark ports` makes, boards/profiles `matchUsb`), reported as PortEvents, and — unless told only
 * to report — opened as links that wait for their board, and released when the device vanishes.
 */
import { DeviceWatcher, type SerialDevice } from '../../base/serial/device-watcher.js';
import { usbIdentity } from '../../base/serial/sysfs-usb.js';
import { matchUsb } from '../../boards/profiles/profile-loader.js';
import type { OpenTarget, PortEvent, WatchPortsOptions } from './types.js';

export interface PortWatcherHooks {
  event(e: PortEvent): void;
  /** Serve `target` (a link that waits for its board); false when the path is already served. */
  open(target: OpenTarget): boolean;
  /** The device at `path` is gone: release its link. */
  release(path: string): void;
}

export class PortWatcher {
  private readonly devices: DeviceWatcher;
  private readonly opened = new Set<string>();

  constructor(
    private readonly options: WatchPortsOptions,
    private readonly hooks: PortWatcherHooks,
  ) {
    this.devices = new DeviceWatcher({
      ...(options.devDir ? { devDir: options.devDir } : {}),
      ...(options.settleMs !== undefined ? { settleMs: options.settleMs } : {}),
    });
    this.devices.on('added', (d: SerialDevice) => this.added(d));
    this.devices.on('removed', (d: SerialDevice) => this.removed(d));
  }

  /** Starts watching; the devices present now are reported (and opened) first. */
  start(): void {
    this.devices.start();
  }

  close(): void {
    this.devices.close();
  }

  private added(d: SerialDevice): void {
    const usb = usbIdentity(d.kernelName, this.options.sysfsDir);
    const profiles = usb ? matchUsb(usb.vendorId, usb.productId).map((p) => p.id) : [];
    const base = {
      kind: 'added' as const,
      path: d.path,
      profiles,
      ...(usb ? { vendorId: usb.vendorId, productId: usb.productId } : {}),
      ...(usb?.serialNumber ? { serialNumber: usb.serialNumber } : {}),
    };
    const open = this.options.open !== false;
    if (!open) {
      this.hooks.event({ ...base, action: 'reported' });
      return;
    }
    const profile = this.options.profile ?? profiles[0];
    if (!this.options.profile && profiles.length === 0) {
      const why = usb
        ? `no board profile matches its USB id ${usb.vendorId}:${usb.productId}`
        : 'it is not a USB serial device (no USB ids); pass --port to use it';
      this.hooks.event({ ...base, action: `ignored: ${why}` });
      return;
    }
    const served = this.hooks.open({
      path: d.path,
      waitForBoard: true,
      ...(profile ? { profile } : {}),
      ...(this.options.baudRate ? { baudRate: this.options.baudRate } : {}),
    });
    if (served) this.opened.add(d.path);
    this.hooks.event({
      ...base,
      action: served ? `opening it (profile ${profile ?? 'from HELLO'})` : 'already served',
    });
  }

  private removed(d: SerialDevice): void {
    const wasOpen = this.opened.delete(d.path);
    if (wasOpen) this.hooks.release(d.path);
    this.hooks.event({ kind: 'removed', path: d.path, profiles: [], action: wasOpen ? 'released' : 'gone' });
  }
}
