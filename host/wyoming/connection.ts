/**
 * One Wyoming TCP connection: a socket, a {@link WyomingDecoder} on its bytes and an encoder on its
 * writes. Malformed input closes it with the decoder's error; a peer that stops reading is closed
 * once its unsent bytes pass `maxWriteBufferBytes`, so a stalled Home Assistant or ASR server can
 * never make this thread buffer audio without bound.
 */
import { EventEmitter } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import { HarkError } from '../../base/errors.js';
import { encodeEvent, WyomingDecoder, type WyomingDecoderOptions, type WyomingEvent } from './codec.js';

/** Options of {@link WyomingConnection}. */
export interface WyomingConnectionOptions extends WyomingDecoderOptions {
  /** Unsent bytes allowed before the peer counts as stalled and the connection closes; default 1 MiB. */
  maxWriteBufferBytes?: number;
}

/**
 * Events: 'event' (WyomingEvent), 'close' (HarkError | undefined: why it closed, undefined for a clean
 * close by either side). 'close' fires exactly once.
 */
export class WyomingConnection extends EventEmitter {
  readonly peer: string;
  readonly #socket: Socket;
  readonly #decoder: WyomingDecoder;
  readonly #maxWrite: number;
  #closed = false;
  #reason: HarkError | undefined;
  /** Events received / sent (diagnostics and tests). */
  received = 0;
  sent = 0;

  constructor(socket: Socket, opts: WyomingConnectionOptions = {}) {
    super();
    this.#socket = socket;
    this.peer = opts.peer ?? `${socket.remoteAddress}:${socket.remotePort}`;
    this.#decoder = new WyomingDecoder({ ...opts, peer: this.peer });
    this.#maxWrite = opts.maxWriteBufferBytes ?? 1024 * 1024;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => {
      try {
        this.#decoder.end();
      } catch (e) {
        this.#reason ??= e as HarkError;
      }
      socket.end();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      this.#reason ??= new HarkError(
        'HARK_ERR_WYOMING_CONNECT',
        `${this.peer}: connection failed (${e.code ?? e.message})`,
        { cause: e, details: { peer: this.peer } },
      );
    });
    socket.on('close', () => this.#finish());
  }

  get closed(): boolean {
    return this.#closed;
  }

  #onData(chunk: Buffer): void {
    if (this.#closed) return;
    let events: WyomingEvent[];
    try {
      events = this.#decoder.push(chunk);
    } catch (e) {
      this.destroy(e as HarkError);
      return;
    }
    for (const e of events) {
      if (this.#closed) return;
      this.received++;
      this.emit('event', e);
    }
  }

  /** Writes one event; returns false (and closes the connection) when the peer has stalled. */
  send(event: WyomingEvent): boolean {
    if (this.#closed || this.#socket.destroyed) return false;
    if (this.#socket.writableLength > this.#maxWrite) {
      this.destroy(
        new HarkError(
          'HARK_ERR_WYOMING_TIMEOUT',
          `${this.peer}: stopped reading (${this.#socket.writableLength} bytes unsent); connection closed`,
          { details: { peer: this.peer } },
        ),
      );
      return false;
    }
    this.sent++;
    this.#socket.write(encodeEvent(event));
    return true;
  }

  /** Ends the connection after what was sent has been written. */
  close(): void {
    if (this.#closed) return;
    this.#socket.end();
  }

  /** Closes at once; `reason` is what 'close' reports. */
  destroy(reason?: HarkError): void {
    if (this.#closed) return;
    if (reason) this.#reason ??= reason;
    this.#socket.destroy();
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.emit('close', this.#reason);
  }
}

/** A Wyoming server address, from `tcp://HOST:PORT`. */
export interface TcpAddress {
  host: string;
  port: number;
}

/** Parses `tcp://host:port` (the URI form rhasspy/wyoming uses). Throws HARK_ERR_WYOMING_CONFIG. */
export function parseTcpUri(uri: string, what = 'Wyoming server'): TcpAddress {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    throw new HarkError(
      'HARK_ERR_WYOMING_CONFIG',
      `${what} "${uri}" is not a URI like tcp://192.168.1.20:10300`,
    );
  }
  const port = Number(u.port);
  if (u.protocol !== 'tcp:' || !u.hostname || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new HarkError(
      'HARK_ERR_WYOMING_CONFIG',
      `${what} "${uri}" must be tcp://HOST:PORT (Wyoming servers listen on TCP; e.g. tcp://192.168.1.20:10300)`,
    );
  }
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port };
}

/** Connects to a Wyoming server; rejects with HARK_ERR_WYOMING_CONNECT (refused, timeout). */
export function connectWyoming(
  addr: TcpAddress,
  opts: WyomingConnectionOptions & { connectTimeoutMs: number; what?: string },
): Promise<WyomingConnection> {
  const name = `${opts.what ?? 'Wyoming server'} tcp://${addr.host}:${addr.port}`;
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: addr.host, port: addr.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new HarkError(
          'HARK_ERR_WYOMING_CONNECT',
          `${name}: no connection within ${opts.connectTimeoutMs} ms`,
          {
            details: { peer: name },
          },
        ),
      );
    }, opts.connectTimeoutMs);
    socket.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new HarkError('HARK_ERR_WYOMING_CONNECT', `${name}: ${e.code ?? e.message}`, {
          cause: e,
          details: { peer: name },
        }),
      );
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(new WyomingConnection(socket, { ...opts, peer: name }));
    });
  });
}
