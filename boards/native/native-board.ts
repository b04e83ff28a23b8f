/**
 * NativeBoard: the firmware core compiled for the host (firmware/native/) as a second emulated board.
 * It runs the same C the ESP32 and AVR images run — link state machine, framing, capture ring,
 * button debouncer, LED engine, tone sequencer, speaker credits, GPIO — on a real pseudo-terminal, with
 * a WAV file as its microphone. Host code opens `hostPath` exactly like a USB serial port.
 *
 * Its API follows the TypeScript EmulatedBoard (boards/emulator/) so host tests can run against both:
 * `press()` / `release()`, `leds`, `tones`, and events 'ack', 'host-gone', 'led', 'tone', 'speaker',
 * 'gpio', 'stream-start', 'stream-end', 'log' — plus `waitFor(event, predicate)` to await one.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import { HarkError } from '../../base/errors.js';
import { stopChild } from '../../base/stop-child.js';
import { waitForEvent } from '../../base/wait-for-event.js';
import type { Led } from '../../protocol/ts/messages.js';
import { buildNativeBoard } from './native-build.js';

export interface NativeBoardOptions {
  /** WAV file (16-bit PCM, any rate) the microphone hears from the start of each utterance. */
  wav?: string;
  /** Loop the WAV instead of going silent at its end. Default false. */
  wavLoop?: boolean;
  /** HELLO.board_uid. Default `native-<pid>`. */
  uid?: string;
  /** HELLO.board_model (a profile id). Default 'emulated'. */
  model?: string;
  /** Open this tty (e.g. one end of a socat pair) instead of creating a pty; reopened if it vanishes. */
  port?: string;
  /** A prebuilt binary; default: build (or reuse) one from firmware/. */
  binary?: string;
}

/** What a board shows on one LED: the LED message without its addressing. */
export type NativeLedState = Omit<Led, 'type' | 'index'>;

/** One JSON line of the board's stdout. */
export type NativeBoardEvent =
  | { event: 'ready'; path: string; model: string; uid: string; pid: number }
  | { event: 'link'; state: 'ready' | 'await-ack'; codec: number; chunkSamples: number }
  | ({ event: 'led'; index: number } & NativeLedState)
  | { event: 'tone'; freqHz: number; volume: number }
  | { event: 'speaker'; state: 'open'; sampleRate: number }
  | { event: 'speaker'; state: 'closed'; samples: number }
  | { event: 'mic'; on: boolean }
  | { event: 'gpio'; pin: number; mode: number; value?: number }
  | { event: 'stream-start'; stream: number; trigger: number }
  | { event: 'stream-end'; stream: number; reason: number; chunks: number }
  | { event: 'log'; level: number; text: string }
  /** --port mode: the tty vanished (closed) or was reopened (open). */
  | { event: 'port'; state: 'open' | 'closed' }
  | { event: 'error'; text: string }
  | { event: 'exit' };
export type NativeBoardEventName = NativeBoardEvent['event'];
export type NativeEventOf<E extends NativeBoardEventName> = Extract<NativeBoardEvent, { event: E }>;

export class NativeBoard extends EventEmitter {
  /** Path the host opens. */
  readonly hostPath: string;
  readonly uid: string;
  readonly leds: NativeLedState[] = [{ effect: 0, r: 0, g: 0, b: 0, periodMs: 0, durationMs: 0 }];
  /** Every tone step started, in order (freq 0 = silence between and after). */
  readonly tones: { freqHz: number; volume: number }[] = [];
  /** Every event line, in order (for diagnostics). */
  readonly history: NativeBoardEvent[] = [];
  private readonly child: ChildProcessWithoutNullStreams;
  private exited = false;

  private constructor(child: ChildProcessWithoutNullStreams, ready: NativeEventOf<'ready'>) {
    super();
    this.child = child;
    this.hostPath = ready.path;
    this.uid = ready.uid;
    child.once('exit', () => {
      this.exited = true;
    });
  }

  /** Builds (once) and starts a native board; resolves when its pty exists. */
  static async start(opts: NativeBoardOptions = {}): Promise<NativeBoard> {
    const binary = opts.binary ?? (await buildNativeBoard());
    const args = ['--exit-on-eof'];
    if (opts.wav) args.push('--wav', opts.wav);
    if (opts.wavLoop) args.push('--wav-loop');
    if (opts.uid) args.push('--uid', opts.uid);
    if (opts.model) args.push('--model', opts.model);
    if (opts.port) args.push('--port', opts.port);
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const lines = createInterface({ input: child.stdout });
    let board: NativeBoard | undefined;
    const ready = new Promise<NativeEventOf<'ready'>>((resolve, reject) => {
      child.once('error', (e) =>
        reject(
          new HarkError(
            'HARK_ERR_FIRMWARE_NATIVE_BOARD',
            `cannot run the native board ${binary}: ${e.message}`,
          ),
        ),
      );
      child.once('exit', (code) =>
        reject(
          new HarkError(
            'HARK_ERR_FIRMWARE_NATIVE_BOARD',
            `native board ${binary} exited (${code}) before it was ready: ${stderr.trim() || 'no message'}`,
          ),
        ),
      );
      lines.on('line', (line) => {
        let ev: NativeBoardEvent;
        try {
          ev = JSON.parse(line) as NativeBoardEvent;
        } catch {
          return; // not ours: ignore
        }
        if (ev.event === 'ready' && !board) resolve(ev);
        else board?.onEvent(ev);
      });
    });
    const first = await ready;
    board = new NativeBoard(child, first);
    return board;
  }

  private onEvent(ev: NativeBoardEvent): void {
    this.history.push(ev);
    switch (ev.event) {
      case 'led': {
        const { event: _e, index, ...state } = ev;
        if (index < this.leds.length) this.leds[index] = state;
        this.emit('led', { index, ...state });
        break;
      }
      case 'tone':
        this.tones.push({ freqHz: ev.freqHz, volume: ev.volume });
        this.emit('tone', ev);
        break;
      case 'link':
        this.emit(ev.state === 'ready' ? 'ack' : 'host-gone', ev);
        break;
      default:
        break;
    }
    this.emit(ev.event, ev);
    this.emit('event', ev);
  }

  private command(line: string): void {
    if (!this.exited) this.child.stdin.write(`${line}\n`);
  }

  /** Holds button `id` down (the firmware debounces it: ≥ 25 ms counts). */
  press(id = 0): void {
    this.command(`press ${id}`);
  }

  release(id = 0): void {
    this.command(`release ${id}`);
  }

  /** Sets the level a simulated input pin reads (digital 0/1, analog 0..1023); EmulatedBoard's name. */
  setPin(pin: number, value: number): void {
    this.command(`gpio ${pin} ${value}`);
  }

  /** Resolves with the next `event` line matching `predicate` (rejects after timeoutMs). */
  async waitFor<E extends NativeBoardEventName>(
    event: E,
    predicate: (ev: NativeEventOf<E>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<NativeEventOf<E>> {
    return waitForEvent(this, event, predicate, timeoutMs, {
      timeout: () =>
        new HarkError(
          'HARK_ERR_FIRMWARE_NATIVE_BOARD',
          `native board ${this.hostPath}: no '${event}' event within ${timeoutMs} ms (last: ${JSON.stringify(this.history.at(-1) ?? null)})`,
        ),
    });
  }

  /** Stops the board process (closing its pty) and waits for it to exit. */
  async close(): Promise<void> {
    if (this.exited) return;
    await stopChild(this.child);
  }
}
