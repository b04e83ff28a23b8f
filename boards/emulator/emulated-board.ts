/**
 * An emulated hark board, implemented from protocol/SPEC.md: boot noise, HELLO until HELLO_ACK, PING →
 * PONG, button → AUDIO_START / AUDIO / AUDIO_END from a WAV file in the codec the host chose, CAPTURE,
 * LEDs, tones, volume, GPIO and a PCM speaker with credit flow control. It talks over a real
 * pseudo-terminal (socat), so the host opens it exactly like a USB serial device (overPty), or in-process
 * over an in-process device for fast tests (overPort; test/mocks/mock-device.ts), and injects faults
 * (see faults.ts). Every state change is an event, so tests await them instead of polling.
 */
import { EventEmitter } from 'node:events';
import { writeFileSync } from 'node:fs';
import { encodeWav, type PcmAudio } from '../../base/audio/wav.js';
import { HarkError } from '../../base/errors.js';
import { type LinkPort, TtyPort } from '../../base/serial/tty-port.js';
import { MessageDecoder } from '../../protocol/ts/message-decoder.js';
import {
  AudioEndReason,
  AudioTrigger,
  ErrorCode,
  type HelloAck,
  type Led,
  type Message,
  type ToneStep,
} from '../../protocol/ts/messages.js';
import { getProfile, helloForProfile } from '../profiles/profile-loader.js';
import type { BoardProfile } from '../profiles/profile-schema.js';
import { BoardOutput, type EmulatorStats } from './board-output.js';
import { FaultInjector, type FaultOptions } from './faults.js';
import { GpioSim } from './gpio-sim.js';
import { MicStream } from './mic-stream.js';
import { PtyPair } from './pty-pair.js';
import { SpeakerSim } from './speaker-sim.js';

export interface EmulatedBoardOptions {
  /** Profile id or object. Default 'emulated'. */
  profile?: string | BoardProfile;
  /** HELLO.board_uid. Default a random `emu-xxxxxx`; '' makes the host use the port path as board id. */
  uid?: string;
  /** HELLO.firmware_version. Default '0.1.0-emu'. */
  firmwareVersion?: string;
  /** What the microphone hears while the button is held (resampled to the profile's rate). */
  audio?: PcmAudio;
  /** Loop the audio instead of going silent at its end. Default false. */
  repeat?: boolean;
  /** 1 = real time; 4 = four times faster; 0 = as fast as the link accepts. Default 1. */
  speed?: number;
  /** Text printed before HELLO, like an ESP32 ROM. Default: a ROM banner; false for none. */
  bootNoise?: string | false;
  /** HELLO repeat interval before HELLO_ACK. Default 1000 ms (SPEC §2). */
  helloIntervalMs?: number;
  /** Announce another protocol major version (tests of the mismatch path). Default 1. */
  versionMajor?: number;
  faults?: FaultOptions;
}

/** What a board shows on one LED: the LED message without its addressing. */
export type LedState = Omit<Led, 'type' | 'index'>;

const ESP32_BOOT_NOISE =
  'ets Jun  8 2016 00:22:57\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n' +
  'configsip: 0, SPIWP:0xee\r\nmode:DIO, clock div:2\r\nload:0x3fff0030,len:1184\r\nentry 0x400805e4\r\n';

export type { EmulatorStats } from './board-output.js';

export class EmulatedBoard extends EventEmitter {
  readonly profile: BoardProfile;
  readonly uid: string;
  readonly stats: EmulatorStats = {
    framesSent: 0,
    bytesSent: 0,
    audioChunksSent: 0,
    framesDamaged: 0,
    damagedAudioChunks: [],
    framesSuppressed: 0,
    helloSent: 0,
    pingsAnswered: 0,
  };
  /** The HELLO_ACK in force, or undefined before the handshake (or after the host went away). */
  ack: HelloAck | undefined;
  readonly leds: LedState[];
  /** Every TONE received, in order. */
  readonly tones: ToneStep[][] = [];
  volume = 100;
  readonly gpio: GpioSim;
  readonly speaker: SpeakerSim;
  readonly faults: FaultInjector;
  /** The pty pair when created by overPty(). */
  pty: PtyPair | undefined;
  /** The device path of a board created with overPort() (a test's in-process device). */
  private portPath: string | undefined;
  speed: number;

  private port: LinkPort | undefined;
  private readonly out: BoardOutput;
  private readonly dec = new MessageDecoder();
  private readonly mic: MicStream;
  private helloTimer: NodeJS.Timeout | undefined;
  private hostGoneTimer: NodeJS.Timeout | undefined;
  private bootAt = performance.now();
  private readonly opts: EmulatedBoardOptions;

  constructor(opts: EmulatedBoardOptions = {}) {
    super();
    this.opts = opts;
    this.profile = typeof opts.profile === 'object' ? opts.profile : getProfile(opts.profile ?? 'emulated');
    this.uid = opts.uid ?? `emu-${Math.random().toString(16).slice(2, 8)}`;
    this.speed = opts.speed ?? 1;
    this.faults = new FaultInjector(opts.faults);
    this.out = new BoardOutput(this.faults, this.stats);
    this.mic = new MicStream(
      {
        sampleRate: this.profile.audio.sampleRate,
        ack: () => this.ack,
        speed: () => this.speed,
        send: (m) => this.send(m),
        emit: (ev, payload) => this.emit(ev, payload),
        port: () => this.port,
        countChunk: () => this.stats.audioChunksSent++,
      },
      opts.audio,
      opts.repeat ?? false,
    );
    this.leds = Array.from({ length: this.profile.leds.count }, () => ({
      effect: 0,
      r: 0,
      g: 0,
      b: 0,
      periodMs: 0,
      durationMs: 0,
    }));
    const send = (m: Message) => this.send(m);
    this.gpio = new GpioSim(this.profile, send, (p) => this.emit('gpio', { ...p }));
    this.speaker = new SpeakerSim(
      this.profile.speaker.bufferBytes ?? 0,
      send,
      (event, detail) => this.emit('speaker', { event, ...detail }),
      () => this.speed || 8,
    );
  }

  /** Creates a socat pty pair, opens the board end and boots. `hostPath` is what the host opens. */
  static async overPty(
    opts: EmulatedBoardOptions & { dir?: string; name?: string } = {},
  ): Promise<EmulatedBoard> {
    const pair = await PtyPair.create({
      ...(opts.dir ? { dir: opts.dir } : {}),
      ...(opts.name ? { name: opts.name } : {}),
    });
    const board = new EmulatedBoard(opts);
    board.pty = pair;
    try {
      await board.attach(pair.boardPath);
    } catch (e) {
      await pair.close();
      throw e;
    }
    return board;
  }

  /**
   * Boots on a board-side port the caller made (tests use a @serialport/binding-mock device, see
   * test/mocks/mock-device.ts). `hostPath` is what the host opens. Cable faults (unplug/replug) need a
   * pty and throw on such a board.
   */
  static overPort(port: LinkPort, hostPath: string, opts: EmulatedBoardOptions = {}): EmulatedBoard {
    const board = new EmulatedBoard(opts);
    board.portPath = hostPath;
    board.attachPort(port);
    return board;
  }

  /** The device path a host opens. */
  get hostPath(): string {
    if (this.pty) return this.pty.hostPath;
    if (this.portPath) return this.portPath;
    throw new Error('this emulated board was not created with overPty() or overPort()');
  }

  /** Opens the board side of a serial device and boots (boot noise, then HELLO every second). */
  async attach(path: string): Promise<void> {
    let port: TtyPort;
    try {
      port = new TtyPort(path);
    } catch (e) {
      throw new HarkError(
        'HARK_ERR_BOARD_EMULATOR',
        `emulated board: cannot open ${path}: ${(e as Error).message}`,
      );
    }
    this.attachPort(port);
  }

  /** Boots on an open board-side port (a pty's TtyPort, or a binding-mock device's MockBoardPort). */
  private attachPort(port: LinkPort): void {
    this.port = port;
    this.out.port = port;
    port.on('data', (d: Buffer) => this.receive(d));
    port.on('close', () => {
      if (this.port === port) {
        this.port = undefined;
        this.out.port = undefined;
      }
    });
    this.boot();
  }

  /** Power-on: every state reset, sequence 0, boot noise, HELLO. */
  private boot(): void {
    this.stopTimers();
    this.speaker.halt();
    this.gpio.reset();
    this.mic.drop();
    this.ack = undefined;
    this.out.enc.reset();
    this.dec.resync();
    this.bootAt = performance.now();
    const noise = this.opts.bootNoise === undefined ? ESP32_BOOT_NOISE : this.opts.bootNoise;
    // Boot text, then one 0x00 so the host's decoder drops it before the first HELLO (SPEC §2).
    if (noise) this.out.writeRaw(Buffer.from(`${noise}\x00`, 'latin1'));
    this.startHello();
  }

  private startHello(): void {
    clearInterval(this.helloTimer);
    this.sendHello();
    this.helloTimer = setInterval(() => this.sendHello(), this.opts.helloIntervalMs ?? 1000);
  }

  private sendHello(): void {
    const hello = helloForProfile(this.profile, this.opts.firmwareVersion ?? '0.1.0-emu', this.uid);
    hello.versionMajor = this.opts.versionMajor ?? 1;
    this.stats.helloSent++;
    this.send(hello);
  }

  // ---- input ------------------------------------------------------------------------------------

  private receive(bytes: Buffer): void {
    if (this.out.stalled) return; // a hung firmware reads nothing
    this.dec.push(bytes, (m) => this.handle(m));
  }

  private handle(m: Message): void {
    if (this.ack) this.armHostGone();
    switch (m.type) {
      case 'HELLO_ACK': {
        this.onAck(m);
        return;
      }
      case 'PING':
        this.stats.pingsAnswered++;
        this.send({
          type: 'PONG',
          token: m.token,
          uptimeMs: this.uptimeMs(),
          rxFramesBad: this.rxBad() & 0xffff,
          audioOverflows: 0,
        });
        if (!this.ack) this.sendHello();
        this.emit('ping', m.token);
        return;
      case 'ERROR':
        this.emit('host-error', m);
        return;
      default:
    }
    if (!this.ack) return; // SPEC §2: output messages only after HELLO_ACK
    switch (m.type) {
      case 'LED':
        this.setLed(m);
        return;
      case 'TONE':
        this.tones.push(m.steps);
        this.emit('tone', m.steps);
        return;
      case 'VOLUME':
        this.volume = m.level;
        this.emit('volume', m.level);
        return;
      case 'CAPTURE':
        this.emit('capture', m);
        if (m.action === 1) {
          const chunkMs = this.ack.chunkMs || 20;
          const trigger = m.mode === 1 ? AudioTrigger.CONTINUOUS : AudioTrigger.HOST_CAPTURE;
          this.mic.start(trigger, m.maxMs ? Math.ceil(m.maxMs / chunkMs) : 0);
        } else this.mic.end(AudioEndReason.HOST_REQUEST);
        return;
      case 'SPEAKER_START':
        if (this.profile.speaker.kind !== 'pcm') {
          this.send({ type: 'ERROR', code: ErrorCode.UNSUPPORTED, message: 'this board has no PCM speaker' });
          return;
        }
        this.speaker.start(m);
        return;
      case 'SPEAKER_DATA':
        this.speaker.data(m);
        return;
      case 'SPEAKER_END':
        this.speaker.end(m.stream);
        return;
      case 'SPEAKER_STOP':
        this.speaker.stop(m.stream);
        return;
      case 'GPIO_MODE':
        this.gpio.mode(m);
        return;
      case 'GPIO_WRITE':
        this.gpio.write(m);
        return;
      case 'GPIO_READ':
        this.gpio.read(m.pin);
        return;
      case 'GPIO_REPORT':
        this.gpio.report(m);
        return;
      default:
    }
  }

  private onAck(m: HelloAck): void {
    const again = this.ack !== undefined;
    if (again) {
      // SPEC §2: a second HELLO_ACK (host reconnected) resets host-facing state: speaker, GPIO reports
      // and a host-started capture. An utterance the user is holding the button for goes on.
      this.speaker.halt();
      this.gpio.reset();
      if (this.mic.current && this.mic.current.trigger !== AudioTrigger.BUTTON)
        this.mic.end(AudioEndReason.HOST_REQUEST);
    }
    this.ack = m;
    clearInterval(this.helloTimer);
    this.helloTimer = undefined;
    this.armHostGone();
    this.emit('ack', m);
  }

  /** SPEC §4.1: a board that hears nothing for 3 heartbeat intervals may consider the host gone. */
  private armHostGone(): void {
    clearTimeout(this.hostGoneTimer);
    const hb = this.ack?.heartbeatMs ?? 0;
    if (hb === 0) return;
    this.hostGoneTimer = setTimeout(() => {
      this.ack = undefined;
      this.mic.drop();
      this.speaker.halt();
      this.gpio.reset();
      this.emit('host-gone');
      this.startHello();
    }, 3 * hb);
  }

  private setLed(m: Led): void {
    const set = (i: number) => {
      this.leds[i] = {
        effect: m.effect,
        r: m.r,
        g: m.g,
        b: m.b,
        periodMs: m.periodMs,
        durationMs: m.durationMs,
      };
    };
    if (m.index === 0xff) for (let i = 0; i < this.leds.length; i++) set(i);
    else if (m.index < this.leds.length) set(m.index);
    else {
      this.send({ type: 'ERROR', code: ErrorCode.BAD_MESSAGE, message: `no LED ${m.index}` });
      return;
    }
    this.emit('led', { index: m.index, ...this.leds[m.index === 0xff ? 0 : m.index]! });
  }

  // ---- microphone ---------------------------------------------------------------------------------

  /** Presses button `button`: BUTTON down, and (button 0) an utterance starts. */
  press(button = 0): void {
    if (!this.ack) return;
    this.send({ type: 'BUTTON', button, event: 0 });
    if (button === 0) this.mic.start(AudioTrigger.BUTTON, 0);
  }

  /** Releases it: BUTTON up, and the utterance ends (reason: button released). */
  release(button = 0): void {
    if (!this.ack) return;
    this.send({ type: 'BUTTON', button, event: 1 });
    if (button === 0) this.mic.end(AudioEndReason.BUTTON_RELEASED);
  }

  /**
   * Press, stream the whole audio source, release. Resolves with the stream id, the chunks sent, and
   * `interrupted` when the utterance ended before the audio did (host gone, unplugged, CAPTURE stop).
   */
  async utter(): Promise<{ stream: number; chunks: number; interrupted: boolean }> {
    this.mic.source.rewind();
    this.press(0);
    const s = this.mic.current;
    if (!s)
      throw new HarkError(
        'HARK_ERR_BOARD_EMULATOR',
        'emulated board: cannot speak before the host acknowledged HELLO',
      );
    let result: { stream: number; chunks: number; interrupted: boolean } | undefined;
    // Released inside the event, synchronously: on a busy machine the mic sends every chunk that is
    // due in one go, and a release one tick later would add chunks of silence past the audio.
    const finish = () => {
      if (result) return;
      const interrupted = this.mic.current !== s;
      result = { stream: s.id, chunks: s.chunk, interrupted };
      if (!interrupted) this.release(0);
    };
    if (this.mic.source.length > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.off('audio-exhausted', done);
          this.off('stream-end', done);
          this.off('host-gone', done);
          this.off('unplugged', done);
          finish();
          resolve();
        };
        this.on('audio-exhausted', done);
        this.on('stream-end', done);
        this.on('host-gone', done);
        this.on('unplugged', done);
      });
    }
    finish();
    return result!;
  }

  /** Replaces what the microphone hears from the next utterance on (`repeat`: loop it). */
  setAudio(audio: PcmAudio | undefined, repeat = false): void {
    this.mic.setAudio(audio, repeat);
  }

  /** True while an utterance is streaming. */
  get streaming(): boolean {
    return this.mic.current !== undefined;
  }

  // ---- output and faults ------------------------------------------------------------------------

  /** Encodes and writes one message through the fault injector. Returns write()'s backpressure flag. */
  send(m: Message): boolean {
    return this.out.send(m);
  }

  /** Hangs the firmware for `ms`: nothing is sent or read (heartbeat-loss tests). */
  stall(ms: number): void {
    this.out.stall(ms);
  }

  /** Writes a burst of `n` random bytes (ended by 0x00) between frames. */
  garbage(n: number): void {
    this.out.writeRaw(this.faults.garbage(n));
  }

  /** Changes the fault settings from now on. */
  setFaults(options: FaultOptions): void {
    this.faults.options = { ...options };
  }

  /** Drives an input pin (GPIO_STATE goes out if the host enabled reports). */
  setPin(pin: number, value: number): void {
    this.gpio.set(pin, value);
  }

  /** Speaker audio received in the current (or last) playback, decoded. */
  speakerAudio(): PcmAudio {
    return { sampleRate: this.speaker.sampleRate, samples: this.speaker.samples() };
  }

  /** Writes the received speaker audio to a WAV file. */
  writeSpeakerWav(path: string): void {
    writeFileSync(path, encodeWav(this.speakerAudio()));
  }

  /** Pulls the USB cable: the port closes and (over a pty) both device paths disappear. */
  async unplug(): Promise<void> {
    this.needsPty('unplug()');
    this.stopTimers();
    this.speaker.halt();
    this.mic.drop();
    this.ack = undefined;
    this.emit('unplugged');
    await this.closePort();
    await this.pty?.unplug();
  }

  /** Plugs it back in: the device path reappears and the board boots again. */
  async replug(): Promise<void> {
    this.needsPty('replug()');
    if (!this.pty) throw new Error('replug() needs a board created with overPty()');
    await this.pty.replug();
    await this.attach(this.pty.boardPath);
  }

  /** binding-mock cannot tell the host its device vanished, so cable faults exist only over a pty. */
  private needsPty(what: string): void {
    if (!this.portPath) return;
    throw new HarkError(
      'HARK_ERR_BOARD_EMULATOR_TRANSPORT',
      `emulated board on in-process device ${this.portPath}: ${what} needs a pseudo-terminal (binding-mock cannot report a vanished device to the host); create the board with EmulatedBoard.overPty()`,
    );
  }

  /** Stops everything and removes the pty pair (or frees the mock device's path). */
  async close(): Promise<void> {
    this.stopTimers();
    this.speaker.halt();
    this.gpio.reset();
    await this.closePort();
    await this.pty?.close();
    this.removeAllListeners();
  }

  private async closePort(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    this.out.port = undefined;
    this.out.clearThrottle();
    await port?.close();
  }

  private stopTimers(): void {
    clearInterval(this.helloTimer);
    clearTimeout(this.hostGoneTimer);
    this.helloTimer = undefined;
    this.hostGoneTimer = undefined;
    this.mic.drop();
  }

  private uptimeMs(): number {
    return Math.floor(performance.now() - this.bootAt) >>> 0;
  }

  private rxBad(): number {
    const s = this.dec.stats;
    return s.crcErrors + s.malformed + s.oversized + s.truncated + s.badPayload;
  }
}
