/**
 * SimavrBoard: the real Arduino Uno image (firmware/boards/avr + core + protocol/c, built by
 * firmware/Makefile) running in libsimavr, with a harness (boards/simavr/harness/) that models the
 * board around the ATmega328P: the USB-serial bridge at line rate, DTR reset when a host opens the
 * port, a WAV file as the microphone on A0, the button on pin 2, and a log of every output pin and of
 * every frame in both directions. It also measures the firmware: stack low-water mark, interrupt
 * cycles, the capture ring's peak fill (`measure()`).
 *
 * Two modes:
 * - 'realtime': the UART is a pseudo-terminal (`hostPath`), paced to the wall clock, for the real host.
 * - 'scripted': no host and no clock: simulated time advances only in `run()` / `runUntil()`, and
 *   `send()` plays the host. Deterministic whatever the machine's load.
 *
 * The API follows NativeBoard / EmulatedBoard where they overlap: `press()`, `release()`, `setPin()`,
 * `waitFor(event, predicate)`, `close()`; events 'tx' and 'rx' (decoded frames), 'pin', 'edge',
 * 'reset', 'port', 'wav', 'uart-overrun', 'exit', and 'line' for every line the harness prints.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import { HarkError } from '../../base/errors.js';
import { stopChild } from '../../base/stop-child.js';
import { waitForEvent } from '../../base/wait-for-event.js';
import { cobsDecode } from '../../protocol/ts/cobs.js';
import { crc16 } from '../../protocol/ts/crc16.js';
import { decodeMessage } from '../../protocol/ts/message-codec.js';
import { MessageEncoder } from '../../protocol/ts/message-encoder.js';
import { type Message, MessageType, type MessageTypeName } from '../../protocol/ts/messages.js';
import { buildSimavr, type SimavrBuild } from './simavr-build.js';

export type SimavrMode = 'scripted' | 'realtime';

export interface SimavrBoardOptions {
  /** Default 'scripted'. */
  mode?: SimavrMode;
  /** WAV file (16-bit PCM, any rate; resampled to 8 kHz) the microphone plays on `play()`. */
  wav?: string;
  /** Pins whose every edge is reported ('edge' events), for spike checks. Default none. */
  pinEdges?: readonly number[];
  /** Real-time mode: reset the AVR when a host opens the port (DTR, like a real Uno). Default true. */
  resetOnOpen?: boolean;
  /** Prebuilt image and harness; default: build (or reuse) them from the sources. */
  build?: SimavrBuild;
}

/** One frame on the wire, in either direction, with its simulated (and, real-time, wall) time in µs. */
export interface SimFrame {
  dir: 'tx' | 'rx';
  t: number;
  /**
   * Real-time mode: wall-clock µs since the board started running, when the UART finished the frame.
   * Unlike `t` it keeps counting while a starved simulator loses time, so it is the clock a real
   * board would have had.
   */
  w?: number;
  seq?: number;
  /** The decoded message, when the frame was intact and of a known type. */
  message?: Message;
  /** Why it did not decode (bad COBS, CRC, unknown type, bad payload). */
  bad?: string;
}

export type PinStateName = 'low' | 'high' | 'osc' | 'float';
export interface SimPinEvent {
  e: 'pin';
  t: number;
  pin: number;
  state: PinStateName;
  freqHz?: number;
  dutyPct?: number;
}

export interface SimIsrFigures {
  count: number;
  maxCycles: number;
  meanCycles: number;
  maxLatencyCycles: number;
}

/** What `measure()` reports (sim_measure.c). */
export interface SimMeasure {
  t: number;
  spMin: number;
  spMinAt: string;
  heapStart: number;
  ramEnd: number;
  stackMarginBytes: number;
  stackUsedBytes: number;
  /** The call chain at the low-water mark, innermost first (best effort: read from return addresses). */
  spMinChain: string;
  /** By interrupt vector number (7 = TIMER2_COMPA, 18 = USART_RX, 19 = USART_UDRE). */
  isr: Record<string, SimIsrFigures>;
  timerReraised: number;
  uartOverruns: number;
  ringPeakSamples: number;
  rxLostFrames: number;
  txDropped: number;
  /** Real-time mode: the worst lag behind the wall clock, and the time the board lost to it. */
  lagMaxUs: number;
  lagLostUs: number;
}

type Line = { e: string; t: number } & Record<string, unknown>;

/** Vector numbers of the ATmega328P that the tests look at. */
export const VECTOR = { TIMER2_COMPA: 7, USART_RX: 18, USART_UDRE: 19 } as const;
/** Samples the firmware's capture ring holds (firmware/boards/uno/board_config.h). */
export const UNO_CAPTURE_RING_SAMPLES = 256;

function decodeFrame(dir: 'tx' | 'rx', line: Line): SimFrame {
  const frame: SimFrame = { dir, t: line.t };
  if (typeof line.w === 'number') frame.w = line.w;
  const raw = cobsDecode(Buffer.from(String(line.hex), 'hex'));
  if (!raw || raw.length < 5) return { ...frame, bad: raw ? 'truncated' : 'malformed' };
  const crc = raw[raw.length - 2]! | (raw[raw.length - 1]! << 8);
  if (crc16(raw, 0, raw.length - 2) !== crc) return { ...frame, bad: 'crc_error' };
  frame.seq = raw[1]! | (raw[2]! << 8);
  const r = decodeMessage(raw[0]!, raw.subarray(3, raw.length - 2));
  return r.ok ? { ...frame, message: r.message } : { ...frame, bad: r.reason };
}

export class SimavrBoard extends EventEmitter {
  readonly mode: SimavrMode;
  /** Real-time mode: the pty a host opens. */
  readonly hostPath: string | undefined;
  /** Every frame, both directions, in order. */
  readonly frames: SimFrame[] = [];
  /** Every pin state change, in order. */
  readonly pinLog: SimPinEvent[] = [];
  /** Every line the harness printed (diagnostics). */
  readonly history: Line[] = [];
  /** Simulated time of the last line, µs. */
  now = 0;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly encoder = new MessageEncoder();
  private exited = false;
  private stderr = '';

  private constructor(child: ChildProcessWithoutNullStreams, mode: SimavrMode, ready: Line) {
    super();
    this.child = child;
    this.mode = mode;
    this.hostPath = typeof ready.path === 'string' ? ready.path : undefined;
    child.once('exit', () => {
      this.exited = true;
      this.emit('exit');
    });
  }

  /** Builds (once) and starts a simulated Uno; resolves when the harness is ready. */
  static async start(opts: SimavrBoardOptions = {}): Promise<SimavrBoard> {
    const build = opts.build ?? (await buildSimavr());
    const mode = opts.mode ?? 'scripted';
    const args = ['--elf', build.elf, '--mode', mode];
    if (opts.wav) args.push('--wav', opts.wav);
    if (opts.pinEdges?.length) args.push('--pin-edges', opts.pinEdges.join(','));
    if (opts.resetOnOpen === false) args.push('--no-reset-on-open');
    const child = spawn(build.harness, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (board) board.stderr = stderr.slice(-4000);
    });
    let board: SimavrBoard | undefined;
    const lines = createInterface({ input: child.stdout });
    const ready = new Promise<Line>((resolve, reject) => {
      const fail = (why: string) =>
        reject(new HarkError('HARK_ERR_FIRMWARE_SIMAVR', `simulated Uno ${build.harness}: ${why}`));
      child.once('error', (e) => fail(`cannot run it: ${e.message}`));
      child.once('exit', (code) =>
        fail(`exited (${code}) before it was ready: ${stderr.trim() || 'no message'}`),
      );
      lines.on('line', (text) => {
        let line: Line;
        try {
          line = JSON.parse(text) as Line;
        } catch {
          return;
        }
        if (line.e === 'ready' && !board) resolve(line);
        else board?.onLine(line);
      });
    });
    board = new SimavrBoard(child, mode, await ready);
    return board;
  }

  private onLine(line: Line): void {
    this.history.push(line);
    if (typeof line.t === 'number') this.now = line.t;
    this.emit('line', line);
    switch (line.e) {
      case 'tx':
      case 'rx': {
        const f = decodeFrame(line.e, line);
        this.frames.push(f);
        this.emit(line.e, f);
        return;
      }
      case 'pin':
        this.pinLog.push(line as unknown as SimPinEvent);
        break;
      default:
        break;
    }
    this.emit(line.e, line);
  }

  private command(line: string): void {
    if (this.exited) {
      throw new HarkError(
        'HARK_ERR_FIRMWARE_SIMAVR',
        `simulated Uno has exited; cannot "${line}": ${this.stderr.trim() || 'no message'}`,
      );
    }
    this.child.stdin.write(`${line}\n`);
  }

  private reply<T extends Line>(e: string, timeoutMs = 300_000): Promise<T> {
    return this.waitFor(e, () => true, timeoutMs) as Promise<T>;
  }

  /** Holds the button down (pin 2 to GND; the firmware debounces: ≥ 25 ms counts). */
  press(id = 0): void {
    this.command(`press ${id}`);
  }

  release(id = 0): void {
    this.command(`release ${id}`);
  }

  /** Drives input pin `pin` (Arduino number) to `level`; -1 lets it float again. */
  setPin(pin: number, level: 0 | 1 | -1): void {
    this.command(`pin ${pin} ${level}`);
  }

  /** A fixed voltage on analog channel 1..7 (A1..; A0 is the microphone). */
  setAdc(channel: number, millivolts: number): void {
    this.command(`adc ${channel} ${Math.round(millivolts)}`);
  }

  /** Loads the microphone's WAV (then `play()` starts it). */
  loadWav(path: string): void {
    this.command(`wav ${path}`);
  }

  /** Starts the loaded WAV on A0 now (once; silence after its end). */
  play(): void {
    this.command('play');
  }

  /** Pulses RESET (as a watchdog, a brown-out or the reset button would). */
  reset(): void {
    this.command('reset');
  }

  /** Sends bytes to the board as if from the host (they go out at line rate). */
  sendBytes(bytes: Uint8Array): void {
    this.command(`send ${Buffer.from(bytes).toString('hex')}`);
  }

  /** Scripted mode: plays the host and sends `msg` (with the host's own sequence counter). */
  send(msg: Message): void {
    this.sendBytes(this.encoder.encode(msg));
  }

  /** Scripted mode: restarts the host's sequence counter (a new handshake). */
  resetHostSeq(): void {
    this.encoder.reset();
  }

  /** Scripted mode: simulates `ms` milliseconds; resolves with the simulated time (µs). */
  async run(ms: number): Promise<number> {
    this.requireScripted('run');
    const done = this.reply<Line>('ran');
    this.command(`run ${ms}`);
    return (await done).t;
  }

  /** Scripted mode: simulates until the board sends a frame of `type` or `ms` pass; true if it did. */
  async runUntil(type: MessageTypeName, ms: number): Promise<boolean> {
    this.requireScripted('runUntil');
    const done = this.reply<Line>('ran');
    this.command(`until tx ${MessageType[type]} ${ms}`);
    return (await done).hit === true;
  }

  /** One byte of the AVR's data memory, e.g. an I/O register (ATmega328P data addresses: TCCR1A 0x80). */
  async readRegister(address: number): Promise<number> {
    const done = this.waitFor<Line>('reg', (l) => l.addr === address, 30_000);
    this.command(`reg ${address}`);
    return Number((await done).value);
  }

  /** The harness's measurements; `reset` starts every mark anew afterwards. */
  async measure(reset = false): Promise<SimMeasure> {
    const done = this.reply<Line>('measure', 30_000);
    this.command(reset ? 'measure reset' : 'measure');
    return (await done) as unknown as SimMeasure;
  }

  /** Messages the board sent (optionally of one type) since frame index `from`. */
  sent<T extends MessageTypeName>(type?: T, from = 0): Extract<Message, { type: T }>[] {
    return this.frames
      .slice(from)
      .filter((f) => f.dir === 'tx' && f.message && (type === undefined || f.message.type === type))
      .map((f) => f.message as Extract<Message, { type: T }>);
  }

  /** The last state of `pin` in the pin log (undefined before the firmware drove it). */
  pinState(pin: number): SimPinEvent | undefined {
    for (let i = this.pinLog.length - 1; i >= 0; i--) if (this.pinLog[i]!.pin === pin) return this.pinLog[i];
    return undefined;
  }

  /** Resolves once the harness has reported simulated time `tUs` (any line at or after it). */
  async reachedTime(tUs: number, timeoutMs = 60_000): Promise<void> {
    if (this.now >= tUs) return;
    await this.waitFor<Line>('line', (l) => typeof l.t === 'number' && l.t >= tUs, timeoutMs);
  }

  /** Resolves with the next `event` line matching `predicate` (rejects after timeoutMs). */
  waitFor<T = Line>(
    event: string,
    predicate: (ev: T) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<T> {
    return waitForEvent(this, event, predicate, timeoutMs, {
      timeout: () =>
        new HarkError(
          'HARK_ERR_FIRMWARE_SIMAVR',
          `simulated Uno: no '${event}' within ${timeoutMs} ms (last line: ${JSON.stringify(this.history.at(-1) ?? null)})`,
        ),
      failOn: {
        exit: () =>
          new HarkError(
            'HARK_ERR_FIRMWARE_SIMAVR',
            `simulated Uno exited while waiting for '${event}': ${this.stderr.trim() || 'no message'}`,
          ),
      },
    });
  }

  private requireScripted(what: string): void {
    if (this.mode !== 'scripted') {
      throw new HarkError(
        'HARK_ERR_FIRMWARE_SIMAVR',
        `${what}() needs a scripted simulated Uno, not a real-time one`,
      );
    }
  }

  /** Stops the harness and waits for it to exit. */
  async close(): Promise<void> {
    if (this.exited) return;
    await stopChild(this.child);
  }
}
