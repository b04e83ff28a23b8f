/**
 * TtyPort, the Linux port transport: a serial device opened with Node's own tty streams, usable inside
 * worker threads, whose writes never block the thread.
 *
 * Why not serialport's native binding: @serialport/bindings-cpp 13 registers its read/write poller on
 * `uv_default_loop()` (src/poller.cpp), i.e. the MAIN thread's loop, so a port opened in a worker is
 * serviced on the main thread and aborts the process ("Entering the V8 API without proper locking").
 * Node's tty streams use the calling thread's loop.
 *
 * Why writes cannot block: Node's `tty.WriteStream` constructor calls `this._handle.setBlocking(true)`
 * (lib/tty.js, "Prevents interleaved or dropped stdout/stderr output for terminals", nodejs/node#1771),
 * which on Unix is `uv_stream_set_blocking()` → `uv__nonblock(fd, 0)` (libuv src/unix/stream.c): the
 * descriptor goes back to blocking mode, and one device whose reader stopped (a hung USB-CDC firmware,
 * a pty nobody reads) then blocks write(2) — and with it every port the thread serves. We undo it right
 * after construction with `_handle.setBlocking(false)`. That is safe because `uv_tty_init()` (libuv
 * src/unix/tty.c) re-opened the device into a descriptor of its own (a pty slave or a USB tty is
 * "is_slave", so it is re-opened by name) and did not set UV_HANDLE_BLOCKING_WRITES; with O_NONBLOCK a
 * full device makes `uv__write()` get EAGAIN, keep the request queued and wait for POLLOUT, exactly as a
 * socket does. Verified on Linux ptys by test/link/tty-port.test.ts (a reader that never reads: the
 * thread stays responsive, the write completes once the reader drains). libuv's own queue is unbounded,
 * so the caller (FrameWriter) hands it a few KiB at a time.
 *
 * Line settings (baud, raw, hupcl) are applied with `stty` (coreutils) after the device opened, so a
 * missing or forbidden device is reported by open(2)'s own errno; pseudo-terminals skip stty.
 * Closing: the streams close their (libuv-owned) descriptors first; our own descriptors — the last
 * references to the device — are then closed on the thread pool (fs.close), because the last close
 * of a USB serial tty with unsent output waits up to its `closing_wait` (30 s by default) in the
 * kernel, which must never happen on the link worker's thread.
 */
import { execFile } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { close as closeFd, closeSync, constants, openSync, realpathSync } from 'node:fs';
import { ReadStream, WriteStream } from 'node:tty';
import { HarkError } from '../errors.js';
import type { LinkPort, TtyLineSettings } from './transport.js';

export type { LinkPort, OpenLinkPort, TtyLineSettings } from './transport.js';

/** True for /dev/pts/* (and the symlinks socat creates to them). */
function isPty(path: string): boolean {
  try {
    return realpathSync(path).startsWith('/dev/pts/');
  } catch {
    return false;
  }
}

function stty(path: string, s: TtyLineSettings): Promise<void> {
  const args = ['-F', path, String(s.baudRate), 'raw', '-echo', 'clocal', s.hupcl ? 'hupcl' : '-hupcl'];
  return new Promise((resolve, reject) => {
    execFile('stty', args, { timeout: 5000 }, (err, _out, stderr) =>
      err
        ? reject(
            new HarkError(
              'HARK_ERR_LINK_OPEN',
              `cannot apply line settings to ${path} (stty ${args.join(' ')}: ${String(stderr).trim() || err.message}): the device is not a serial port that accepts ${s.baudRate} baud — check the path, or choose the board's profile (--profile ID) so its baud rate is used`,
              { details: { path, errno: 'ESTTY' } },
            ),
          )
        : resolve(),
    );
  });
}

/** What open(2) failing with `errno` on `path` means for a maker, and what to do. */
export function describeOpenError(path: string, errno: string | undefined, raw: string): string {
  switch (errno) {
    case 'ENOENT':
      return `${path} does not exist: the board is not plugged in (or the path is wrong — \`hark ports\` lists serial devices)`;
    case 'EACCES':
    case 'EPERM':
      return `no permission to open ${path}: add your user to the dialout group (sudo usermod -aG dialout $USER, then log in again) or install hark's udev rule (deploy/)`;
    case 'EBUSY':
      return `${path} is in use by another program (a serial monitor, ModemManager, another hark): close it`;
    case 'ENXIO':
    case 'ENODEV':
    case 'EIO':
      return `${path} exists but no device answers behind it (unplugged while opening, or a dead USB bridge): replug the board`;
    case 'ENOTTY':
      return `${path} is not a serial device`;
    default:
      return `cannot open ${path}: ${raw}`;
  }
}

export class TtyPort extends EventEmitter implements LinkPort {
  private readonly rd: ReadStream;
  private readonly wr: WriteStream;
  private closing: Promise<void> | undefined;
  private readonly fds: number[];
  isOpen = true;

  /**
   * Opens `path`, then applies `line` (unless it is a pty). Rejects with HARK_ERR_LINK_OPEN whose
   * details.errno is open(2)'s code (ENOENT, EACCES, EBUSY …) or 'ESTTY'.
   */
  static async open(path: string, line?: TtyLineSettings): Promise<TtyPort> {
    let port: TtyPort;
    try {
      port = new TtyPort(path);
    } catch (e) {
      const errno = (e as NodeJS.ErrnoException).code;
      throw new HarkError('HARK_ERR_LINK_OPEN', describeOpenError(path, errno, (e as Error).message), {
        cause: e,
        details: { path, ...(errno ? { errno } : {}) },
      });
    }
    if (line && !isPty(path)) {
      try {
        await stty(path, line);
      } catch (e) {
        await port.close();
        throw e;
      }
    }
    return port;
  }

  constructor(readonly path: string) {
    super();
    // O_NONBLOCK: never wait for carrier detect on open (clocal is set too, but a USB bridge may differ).
    const flags = constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK;
    const rfd = openSync(path, flags);
    let wfd: number;
    try {
      wfd = openSync(path, flags);
    } catch (e) {
      closeSync(rfd);
      throw e;
    }
    this.rd = new ReadStream(rfd);
    this.rd.setRawMode(true);
    this.wr = new WriteStream(wfd);
    // See the file comment: undo WriteStream's setBlocking(true) so a full device queues, never blocks.
    (this.wr as unknown as { _handle: { setBlocking(b: boolean): number } })._handle.setBlocking(false);
    // Only close what libuv did not take over (it normally re-opens the tty into its own descriptor).
    const handleFd = (s: object) => (s as { _handle?: { fd?: number } })._handle?.fd;
    this.fds = [rfd, wfd].filter((fd, i) => handleFd(i === 0 ? this.rd : this.wr) !== fd);
    this.rd.on('data', (d: Buffer) => this.emit('data', d));
    // EIO when the device vanishes (unplugged, or the other side of a pty closed): close and report.
    this.rd.on('error', () => void this.close());
    this.wr.on('error', () => void this.close());
    this.rd.on('end', () => void this.close());
    this.wr.on('drain', () => this.emit('drain'));
  }

  /** Bytes accepted by write() that the device has not taken yet (Node's and libuv's queues). */
  get pendingBytes(): number {
    return (
      this.wr.writableLength +
      ((this.wr as unknown as { _handle?: { writeQueueSize?: number } })._handle?.writeQueueSize ?? 0)
    );
  }

  /** Queues bytes; `cb` runs once they reached the device. Returns false when the caller should wait for 'drain'. */
  write(bytes: Uint8Array, cb?: (err?: Error | null) => void): boolean {
    if (!this.isOpen) {
      cb?.(new Error('port closed'));
      return true;
    }
    return this.wr.write(bytes, cb);
  }

  /** Closes both descriptors (unsent bytes are discarded); emits 'close' once (also after the device vanished). */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.isOpen = false;
    const done = (s: ReadStream | WriteStream) =>
      new Promise<void>((r) => {
        if (s.destroyed) return r();
        s.once('close', () => r());
        s.destroy();
      });
    this.closing = Promise.all([done(this.rd), done(this.wr)]).then(() => {
      // On the thread pool: the last close of a USB tty may wait in the kernel for unsent output.
      for (const fd of this.fds) closeFd(fd, () => {});
      this.emit('close');
    });
    return this.closing;
  }
}
