/**
 * The port transport: what the link needs from a serial device, whatever opens it. The Linux
 * implementation is TtyPort (tty-port.ts, Node's tty streams + stty); tests substitute a binding-mock
 * port (test/mocks/mock-port.ts). `transportFor()` picks the implementation for the platform and says,
 * in one sentence a user can act on, when the platform is not the tested one.
 */
import type { EventEmitter } from 'node:events';
import { TtyPort } from './tty-port.js';

/** Line settings applied when a device opens. */
export interface TtyLineSettings {
  baudRate: number;
  /** Drop DTR/RTS on the last close (resets an Arduino). */
  hupcl: boolean;
}

/**
 * An open serial device: 'data' (Buffer) and 'close' events (once, also when the device vanished),
 * `write` with a completion callback (called once the bytes reached the OS, or with an error), and
 * `close`. A write never blocks the calling thread: bytes the device cannot take yet wait in the
 * port's own queue (`write` returns false past its high-water mark, then 'drain' follows).
 */
export interface LinkPort extends EventEmitter {
  write(bytes: Uint8Array, cb?: (err?: Error | null) => void): boolean;
  close(): Promise<void>;
}

/** Opens a device for a link. Rejects with HARK_ERR_LINK_OPEN naming the device and the fix. */
export type OpenLinkPort = (path: string, line: TtyLineSettings) => Promise<LinkPort>;

export interface PortTransport {
  /** 'linux-tty', … */
  readonly name: string;
  /** True where the transport is tested (Linux). */
  readonly tested: boolean;
  /** For an untested platform: what hark says at start, with the way forward. */
  readonly platformNote: string | undefined;
  readonly open: OpenLinkPort;
}

/** The transport for `platform` (default: this process's). */
export function transportFor(platform: NodeJS.Platform = process.platform): PortTransport {
  if (platform === 'linux') {
    return { name: 'linux-tty', tested: true, platformNote: undefined, open: TtyPort.open };
  }
  if (platform === 'win32') {
    return {
      name: 'unsupported',
      tested: false,
      platformNote:
        'hark serves serial boards on Linux only (its port transport uses POSIX ttys); on Windows run it under WSL 2 with the board attached through usbipd-win, or on a Linux machine such as a Raspberry Pi.',
      open: TtyPort.open,
    };
  }
  return {
    name: 'posix-tty',
    tested: false,
    platformNote: `hark's serial transport is tested on Linux only; on ${platform} it uses the same POSIX tty code untested (line settings through stty may fail). If a board does not connect, run hark on Linux, and please report what you saw.`,
    open: TtyPort.open,
  };
}
