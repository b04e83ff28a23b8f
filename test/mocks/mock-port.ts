/**
 * A LinkPort over @serialport/binding-mock, for fast unit tests of BoardLink's handshake and protocol
 * logic without pseudo-terminals. A mock by necessity: binding-mock cannot unplug, drop bytes or run in
 * the link worker, so every behaviour test also runs over real ptys (test/link/).
 */
import { EventEmitter } from 'node:events';
import { SerialPortMock } from 'serialport';
import type { LinkPort, OpenLinkPort } from '../../base/serial/tty-port.js';

/** The parts of binding-mock's MockPortBinding the tests use (its package ships no ESM types). */
export interface MockBindingPort {
  emitData(data: Buffer | string): void;
  recording: Buffer;
}

/** Creates a mock device at `path` (recording what the host writes). */
export const createMockDevice = (path: string): void =>
  SerialPortMock.binding.createPort(path, { record: true });

class MockLinkPort extends EventEmitter implements LinkPort {
  constructor(readonly stream: SerialPortMock) {
    super();
    stream.on('data', (d: Buffer) => this.emit('data', d));
    stream.on('close', () => this.emit('close'));
  }
  write(bytes: Uint8Array, cb?: (err?: Error | null) => void): boolean {
    return this.stream.write(bytes, cb);
  }
  close(): Promise<void> {
    return new Promise((r) => (this.stream.isOpen ? this.stream.close(() => r()) : r()));
  }
  /** The mock binding: `emitData()` plays the board, `recording` holds what the host wrote. */
  get binding(): MockBindingPort {
    return this.stream.port as unknown as MockBindingPort;
  }
}

/** Ports opened so far, by path (the test reaches the board side through them). */
export const mockPorts = new Map<string, MockLinkPort>();

/** An OpenLinkPort for BoardLink over MockBinding; create the path first with createMockDevice(). */
export const openMockPort: OpenLinkPort = (path, line) =>
  new Promise((resolve, reject) => {
    const stream = new SerialPortMock({ path, baudRate: line.baudRate, hupcl: line.hupcl }, (err) => {
      if (err) return reject(err);
      const port = new MockLinkPort(stream);
      mockPorts.set(path, port);
      resolve(port);
    });
  });
