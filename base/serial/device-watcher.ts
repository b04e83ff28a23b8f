/**
 * DeviceWatcher: notices serial devices appearing and vanishing, by events, never by polling — inotify
 * (`fs.watch`) on the device folder (`/dev`: the kernel's devtmpfs creates `ttyUSB0` / `ttyACM0` the
 * moment a board is plugged in, with or without udev) and on udev's stable-name folders
 * (`/dev/serial/by-id`, `/dev/serial/by-path`) where udev runs; folders that do not exist yet (udev
 * creates them with the first USB serial device) are watched for from their parent. One device seen
 * under several names (a by-id link and its ttyUSB node) is reported once, by the name seen first;
 * udev's links are scanned first at start, so a stable name wins when both exist.
 *
 * Where udev runs, a new node is reported after `settleMs` (it applies the rules' permissions and
 * links meanwhile, so the first open does not fail with EACCES); a node that vanishes in that time was
 * never reported. Tests point `devDir` at a folder of pty symlinks named like USB ttys.
 */
import { EventEmitter } from 'node:events';
import { existsSync, type FSWatcher, readdirSync, realpathSync, statSync, watch } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';

export interface SerialDevice {
  /** The name it was found under (/dev/ttyUSB0, /dev/serial/by-id/usb-…). */
  path: string;
  /** Where it really is (symlinks resolved). */
  realPath: string;
  /** The kernel's name for it, for sysfs ('ttyUSB0'). */
  kernelName: string;
}

export interface DeviceWatcherOptions {
  /** The device folder. Default /dev. */
  devDir?: string;
  /** udev's link folders, relative to devDir. Default serial/by-id and serial/by-path. */
  linkDirs?: readonly string[];
  /** Names in devDir that are serial devices worth reporting. Default ttyUSB* and ttyACM*. */
  names?: RegExp;
  /** Wait this long before reporting a new device. Default 300 ms when udev runs, else 0. */
  settleMs?: number;
}

const UDEV_RUNNING = () => existsSync('/run/udev/control');

/**
 * Events: 'added' (SerialDevice), 'removed' (SerialDevice). `start()` reports the devices already
 * there as 'added' first.
 */
export class DeviceWatcher extends EventEmitter {
  readonly devDir: string;
  private readonly linkDirs: string[];
  private readonly names: RegExp;
  private readonly settleMs: number;
  private readonly watchers = new Map<string, FSWatcher>();
  /** Reported devices by path. */
  private readonly known = new Map<string, SerialDevice>();
  private readonly settling = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(opts: DeviceWatcherOptions = {}) {
    super();
    this.devDir = opts.devDir ?? '/dev';
    this.linkDirs = (opts.linkDirs ?? ['serial/by-id', 'serial/by-path']).map((d) => join(this.devDir, d));
    this.names = opts.names ?? /^tty(USB|ACM)\d+$/;
    this.settleMs = opts.settleMs ?? (UDEV_RUNNING() ? 300 : 0);
  }

  /** Starts watching; reports what is there now. Throws when devDir cannot be watched. */
  start(): void {
    for (const l of this.linkDirs) this.armLinkDir(l, true);
    this.watchDir(this.devDir);
    this.scan(this.devDir, true);
  }

  /** The devices reported and not removed. */
  get devices(): SerialDevice[] {
    return [...this.known.values()];
  }

  close(): void {
    this.closed = true;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    for (const t of this.settling.values()) clearTimeout(t);
    this.settling.clear();
  }

  private watchDir(dir: string): boolean {
    if (this.watchers.has(dir)) return true;
    let w: FSWatcher;
    try {
      w = watch(dir, { persistent: false }, (_event, file) => this.onEvent(dir, file));
    } catch (e) {
      if (dir === this.devDir) throw e;
      return false;
    }
    w.on('error', () => this.lostDir(dir));
    this.watchers.set(dir, w);
    return true;
  }

  /** A udev link folder: watched and scanned when it exists, else waited for from its nearest parent. */
  private armLinkDir(dir: string, initial = false): void {
    if (existsSync(dir)) {
      if (!this.watchers.has(dir) && this.watchDir(dir)) this.scan(dir, initial);
      return;
    }
    this.lostDir(dir);
    for (let p = dirname(dir); p.startsWith(this.devDir); p = dirname(p)) {
      if (existsSync(p)) {
        this.watchDir(p);
        return;
      }
    }
  }

  /** A watched folder went away: its devices are gone, and it is waited for again. */
  private lostDir(dir: string): void {
    const w = this.watchers.get(dir);
    if (w) {
      w.close();
      this.watchers.delete(dir);
    }
    for (const d of [...this.known.values()]) if (dirname(d.path) === dir) this.check(d.path);
  }

  private isDeviceDir(dir: string): boolean {
    return dir === this.devDir || this.linkDirs.includes(dir);
  }

  private onEvent(dir: string, file: string | Buffer | null): void {
    if (this.closed) return;
    if (file === null) {
      this.scan(dir, false); // the kernel dropped events (queue overflow): look again
      return;
    }
    const path = join(dir, String(file));
    // A link folder (or one of its parents) appeared or vanished.
    for (const l of this.linkDirs) {
      if (l === path || l.startsWith(path + sep) || (dir === l && !existsSync(l))) this.armLinkDir(l);
    }
    if (!this.isDeviceDir(dir) || (dir === this.devDir && !this.names.test(String(file)))) return;
    this.check(path);
  }

  private scan(dir: string, initial: boolean): void {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names) if (dir !== this.devDir || this.names.test(n)) this.check(join(dir, n), initial);
    for (const d of [...this.known.values()])
      if (dirname(d.path) === dir && !names.includes(basename(d.path))) this.check(d.path);
  }

  /** Looks at `path` now and reports what changed. */
  private check(path: string, initial = false): void {
    const device = describe(path, this.devDir);
    const had = this.known.get(path);
    if (!device) {
      const t = this.settling.get(path);
      if (t) {
        clearTimeout(t);
        this.settling.delete(path);
      }
      if (had) {
        this.known.delete(path);
        this.emit('removed', had);
        // Still there under another name: report that name.
        for (const other of this.aliases(had.realPath)) this.check(other);
      }
      return;
    }
    if (had || this.settling.has(path)) return;
    if ([...this.known.values()].some((d) => d.realPath === device.realPath)) return; // another name of one we know
    if (initial || this.settleMs === 0) {
      this.report(device);
      return;
    }
    this.settling.set(
      path,
      setTimeout(() => {
        this.settling.delete(path);
        const now = describe(path, this.devDir);
        if (now && !this.closed && ![...this.known.values()].some((d) => d.realPath === now.realPath))
          this.report(now);
      }, this.settleMs),
    );
  }

  private report(d: SerialDevice): void {
    this.known.set(d.path, d);
    this.emit('added', d);
  }

  /** Other names, in the watched folders, of the device at `realPath`. */
  private aliases(realPath: string): string[] {
    const out: string[] = [];
    for (const dir of [...this.linkDirs, this.devDir]) {
      let names: string[] = [];
      try {
        names = readdirSync(dir);
      } catch {
        continue;
      }
      for (const n of names) {
        if (dir === this.devDir && !this.names.test(n)) continue;
        const p = join(dir, n);
        if (describe(p, this.devDir)?.realPath === realPath) out.push(p);
      }
    }
    return out;
  }
}

/** The device at `path` when it is a character device (through symlinks), else undefined. */
function describe(path: string, devDir: string): SerialDevice | undefined {
  let realPath: string;
  try {
    realPath = realpathSync(path);
    if (!statSync(realPath).isCharacterDevice()) return undefined;
  } catch {
    return undefined;
  }
  // A pty stands in for a USB tty in tests: its kernel name is the name it was given in devDir.
  const inPts = realPath.startsWith('/dev/pts/');
  const kernelName = inPts && relative(devDir, dirname(path)) === '' ? basename(path) : basename(realPath);
  return { path, realPath, kernelName };
}
