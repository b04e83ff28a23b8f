/**
 * A serial device opened with Node's own non-blocking tty streams, for use inside worker threads.
 * Why not serialport's native binding: @serialport/bindings-cpp 13 registers its read/write poller on
 * `uv_default_loop()` (src/poller.cpp), i.e. the MAIN thread's loop, so a port opened in a worker is
 * serviced on the main thread and aborts the process ("Entering the V8 API without proper locking").
 * Node's tty streams use the calling thread's loop. Line settings (baud, raw, hupcl) are applied with
 * `stty` (coreutils) before opening; pseudo-terminals ignore them, so ptys skip that step.
 * Two descriptors (read and write) so each stream owns and closes its own. libuv re-opens a tty into a
 * descriptor of its own (uv_tty_init), so the ones opened here are closed here, after the streams.
 */
import { execFile } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { closeSync, constants, openSync, realpathSync } from 'node:fs';
import { ReadStream, WriteStream } from 'node:tty';

export interface TtyLineSettings {
  baudRate: number;
  /** Drop DTR/RTS on the last close (resets an Arduino). */
  hupcl: boolean;
}

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
        ? reject(new Error(`stty ${args.join(' ')} failed: ${String(stderr).trim() || err.message}`))
        : resolve(),
    );
  });
}

/** What a BoardLink needs from a port: 'data' (Buffer) and 'close' events, write with callback, close. */
export interface LinkPort extends EventEmitter {
  write(bytes: Uint8Array, cb?: (err?: Error | null) => void): boolean;
  close(): Promise<void>;
}

/** Opens a port for a link; the link worker uses TtyPort.open, fast unit tests a mock (mock-port.ts). */
export type OpenLinkPort = (path: string, line: TtyLineSettings) => Promise<LinkPort>;

export class TtyPort extends EventEmitter implements LinkPort {
  private readonly rd: ReadStream;
  private readonly wr: WriteStream;
  private closing: Promise<void> | undefined;
  private readonly fds: number[];
  isOpen = true;

  /** Opens `path` (applying `line` first unless it is a pty). Rejects with the system's message. */
  static async open(path: string, line?: TtyLineSettings): Promise<TtyPort> {
    if (line && !isPty(path)) await stty(path, line);
    return new TtyPort(path);
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

  /** Queues bytes; `cb` runs once they reached the device. Returns false when the caller should wait for 'drain'. */
  write(bytes: Uint8Array, cb?: (err?: Error | null) => void): boolean {
    if (!this.isOpen) {
      cb?.(new Error('port closed'));
      return true;
    }
    return this.wr.write(bytes, cb);
  }

  /** Closes both descriptors; emits 'close' once (also after the device vanished). */
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
      for (const fd of this.fds) {
        try {
          closeSync(fd);
        } catch {
          // already closed
        }
      }
      this.emit('close');
    });
    return this.closing;
  }
}
