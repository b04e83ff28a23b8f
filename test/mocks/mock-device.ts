/**
 * The board side of a @serialport/binding-mock device, so the emulated board runs in-process for fast
 * tests (no socat). binding-mock only has a host side: `emitData()` plays received bytes, and it has no
 * event for what the host writes. So this module wraps binding-mock's `open` once (every emulated
 * device is looked up by path there) and, on each host open of an emulated path, wraps that opened
 * binding's `write` to hand the bytes to the board. Whatever the host uses to open the path
 * (`openMockPort` from test/mocks/mock-port.ts, or `new SerialPortMock`) then talks to the board.
 * A mock by necessity, and it says so: binding-mock cannot tell the host that a device vanished, so
 * unplug/replug stay pty-only (EmulatedBoard throws HARK_ERR_BOARD_EMULATOR_TRANSPORT).
 */
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type { SerialPortMock } from 'serialport';
import { HarkError } from '../../base/errors.js';
import type { LinkPort } from '../../base/serial/tty-port.js';
import { EmulatedBoard, type EmulatedBoardOptions } from '../../boards/emulator/emulated-board.js';

type MockBindingApi = typeof SerialPortMock.binding;
/** One host-side open of a mock device (binding-mock's MockPortBinding). */
type MockPortBinding = Awaited<ReturnType<MockBindingApi['open']>>;

// The same CommonJS module instance SerialPortMock.binding is (serialport requires it), loaded without
// serialport itself: that would load @serialport/bindings-cpp's native addon into every thread that
// imports the emulator (EmulatorThread's worker included). Its ESM entry ships no types, hence require.
const { MockBinding } = createRequire(import.meta.url)('@serialport/binding-mock') as {
  MockBinding: MockBindingApi;
};

/**
 * Bytes the board writes while no host has the device open are held, like a tty's input buffer,
 * and played to the next host that opens it (boot noise and the first HELLO reach the host).
 */
const HELD_BYTES_MAX = 4096;

/** Emulated devices by path; the open hook below connects each host open of one of these paths. */
const devices = new Map<string, MockBoardPort>();
let openHooked = false;

function hookOpen(): void {
  if (openHooked) return;
  openHooked = true;
  const api = MockBinding;
  const open = api.open.bind(api);
  api.open = async (options) => {
    const binding = await open(options);
    devices.get(options.path)?.connect(binding);
    return binding;
  };
}

/**
 * A LinkPort for the board end of a binding-mock device at `path`: `write()` reaches the host through
 * the open binding's `emitData()`, and what the host writes arrives as 'data'. It never emits 'drain':
 * emitData() queues without limit, so write() always returns true.
 */
export class MockBoardPort extends EventEmitter implements LinkPort {
  /** Bytes dropped because no host had the device open and the hold buffer was full. */
  droppedBytes = 0;
  private binding: MockPortBinding | undefined;
  private held: Buffer[] = [];
  private heldBytes = 0;
  private closed = false;

  private constructor(readonly path: string) {
    super();
  }

  /** Creates the binding-mock device `path` (recording what the host writes) with a board on it. */
  static create(path: string): MockBoardPort {
    if (devices.has(path))
      throw new HarkError(
        'HARK_ERR_BOARD_EMULATOR_TRANSPORT',
        `emulated board: mock device ${path} already has a board; close it first or pick another path`,
      );
    hookOpen();
    MockBinding.createPort(path, { record: true });
    const port = new MockBoardPort(path);
    devices.set(path, port);
    return port;
  }

  /** True while a host has the device open. */
  get hostOpen(): boolean {
    return this.binding?.isOpen === true;
  }

  /** Called by the open hook: a host opened the device. */
  connect(binding: MockPortBinding): void {
    if (this.closed) return;
    this.binding = binding;
    const write = binding.write.bind(binding);
    // After the original write "reached the device" (it also records and echoes), the board reads it.
    binding.write = async (buffer: Buffer) => {
      await write(buffer);
      if (this.binding === binding && !this.closed) this.emit('data', Buffer.from(buffer));
    };
    const held = Buffer.concat(this.held);
    this.held = [];
    this.heldBytes = 0;
    if (held.length > 0) binding.emitData(held);
    this.emit('host-open');
  }

  /** Sends bytes to the host; held (bounded) while no host has the device open. */
  write(bytes: Uint8Array, cb?: (err?: Error | null) => void): boolean {
    if (this.closed) {
      process.nextTick(() => cb?.(new Error(`mock device ${this.path}: board side closed`)));
      return true;
    }
    const data = Buffer.from(bytes);
    if (this.binding?.isOpen) this.binding.emitData(data);
    else {
      const room = HELD_BYTES_MAX - this.heldBytes;
      if (room < data.length) this.droppedBytes += data.length - Math.max(0, room);
      if (room > 0) {
        const kept = data.subarray(0, room);
        this.held.push(kept);
        this.heldBytes += kept.length;
      }
    }
    process.nextTick(() => cb?.());
    return true;
  }

  /**
   * Detaches the board: the host's writes go nowhere from now on and the path is free for another
   * board. The host's own port stays open (binding-mock has no way to report a vanished device).
   */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.binding = undefined;
      this.held = [];
      if (devices.get(this.path) === this) devices.delete(this.path);
      this.emit('close');
    }
    return Promise.resolve();
  }
}

/** Numbers the default paths of overMock() devices (binding-mock devices live per process). */
let mockDevices = 0;

/**
 * An emulated board on a fresh binding-mock device at `path` (default `/dev/hark-mock-N`), in-process.
 * The host opens `board.hostPath` with binding-mock (`openMockPort` from test/mocks/mock-port.ts, or
 * `new SerialPortMock`). What the board sends before the host opens is held (4 KiB, like a tty buffer).
 */
export function overMock(opts: EmulatedBoardOptions & { path?: string } = {}): EmulatedBoard {
  mockDevices++;
  const { path, ...rest } = opts;
  const device = MockBoardPort.create(path ?? `/dev/hark-mock-${mockDevices}`);
  return EmulatedBoard.overPort(device, device.path, rest);
}
