/**
 * An emulated hark board that behaves like the firmware core (firmware/core, the reference) and
 * protocol/SPEC.md: boot noise and a leading 0x00, HELLO until HELLO_ACK, host sessions, PING → PONG
 * (token 0: then HELLO), the host considered gone after 3 silent heartbeats (link-state.ts); buttons
 * with the firmware's gestures — DOWN, LONG while held past 800 ms, UP, CLICK, DOUBLE (button-sim.ts);
 * push-to-talk and tap-to-talk streams, CAPTURE, the board VAD (mic-stream.ts); the firmware's LOG lines
 * (board-log.ts); LEDs, tones, volume, GPIO and a PCM speaker with credit flow control; and, for a profile
 * with rxWindowBytes (the Uno), a receive ring of that size that really drops bytes when the host sends
 * faster than the board's loop reads (uart-sim.ts). It talks over a real pseudo-terminal (socat), so the
 * host opens it exactly like a USB serial device (overPty), or in-process over an in-process device for
 * fast tests (overPort; test/mocks/mock-device.ts), and injects faults (see faults.ts). Every state
 * change is an event, so tests await them instead of polling; a test helper whose precondition fails
 * (utter() while a stream is open) throws at once.
 */
import { EventEmitter } from 'node:events';
import { writeFileSync } from 'node:fs';
import { encodeWav, type PcmAudio } from '../../base/audio/wav.js';
import { HarkError } from '../../base/errors.js';
import { type LinkPort, TtyPort } from '../../base/serial/tty-port.js';
import { MessageDecoder } from '../../protocol/ts/message-decoder.js';
import {
  AudioCodecNames,
  AudioEndReason,
  AudioTrigger,
  CaptureAction,
  CaptureMode,
  codecBit,
  ErrorCode,
  type HelloAck,
  LED_ALL,
  type Led,
  LedEffect,
  type Message,
  SpeakerKindNames,
  type ToneStep,
} from '../../protocol/ts/messages.js';
import { getProfile, helloForProfile, profileFeatures } from '../profiles/profile-loader.js';
import type { BoardProfile } from '../profiles/profile-schema.js';
import { dumpConfigLogs } from './board-log.js';
import { BoardOutput, type EmulatorStats } from './board-output.js';
import { BoardUser, type Gesture, type Utterance, waitForBoardEvent } from './board-user.js';
import { ButtonSim } from './button-sim.js';
import { FaultInjector, type FaultOptions } from './faults.js';
import { GpioSim } from './gpio-sim.js';
import { DEFAULT_HELLO_INTERVAL_MS, LinkState } from './link-state.js';
import { MicStream } from './mic-stream.js';
import { PtyPair } from './pty-pair.js';
import { SpeakerSim } from './speaker-sim.js';
import { UartRx, type UartRxStats } from './uart-sim.js';

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
  /**
   * Announce and behave as this minor version. 0 = a 1.0 board: host_session is ignored (every
   * HELLO_ACK in READY resets), PING token 0 in READY gets PONG only, no rx_window_bytes. Default 1.
   */
  versionMinor?: number;
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
  readonly leds: LedState[];
  /** Every TONE received, in order. */
  readonly tones: ToneStep[][] = [];
  /** Every LOG frame the board sent, in order (the firmware's texts, board-log.ts). */
  readonly logs: { level: number; text: string }[] = [];
  volume = 100;
  readonly gpio: GpioSim;
  readonly speaker: SpeakerSim;
  readonly faults: FaultInjector;
  /** The link state machine (AWAIT_ACK ⇄ READY, host sessions, host gone). */
  readonly link: LinkState;
  /** The pty pair when created by overPty(). */
  pty: PtyPair | undefined;
  /** The device path of a board created with overPort() (a test's in-process device). */
  private portPath: string | undefined;
  speed: number;

  private port: LinkPort | undefined;
  private readonly out: BoardOutput;
  private readonly dec: MessageDecoder;
  private readonly mic: MicStream;
  private readonly buttons: ButtonSim;
  private readonly user: BoardUser;
  /** The small board's receive ring (profiles with rxWindowBytes), else undefined. */
  private readonly uart: UartRx | undefined;
  private readonly features: number;
  private readonly minor: number;
  private bootAt = performance.now();
  private readonly opts: EmulatedBoardOptions;

  constructor(opts: EmulatedBoardOptions = {}) {
    super();
    this.opts = opts;
    this.profile = typeof opts.profile === 'object' ? opts.profile : getProfile(opts.profile ?? 'emulated');
    this.uid = opts.uid ?? `emu-${Math.random().toString(16).slice(2, 8)}`;
    this.speed = opts.speed ?? 1;
    this.minor = opts.versionMinor ?? 1;
    this.features = profileFeatures(this.profile);
    this.faults = new FaultInjector(opts.faults);
    const window = this.minor >= 1 ? (this.profile.rxWindowBytes ?? 0) : 0;
    this.uart =
      window > 0
        ? new UartRx({ bufferBytes: window, baudRate: this.profile.serial.baudRate }, (b) => this.decode(b))
        : undefined;
    this.out = new BoardOutput(this.faults, this.stats, (bytes, waits) =>
      this.uart?.transmitted(bytes, waits),
    );
    this.dec = new MessageDecoder({ maxPayloadBytes: this.profile.maxRxPayload });
    const send = (m: Message) => this.send(m);
    this.link = new LinkState(
      {
        send,
        sendHello: () => this.sendHello(),
        offers: (codec) => (this.helloMicCodecs() & codecBit(codec as 0)) !== 0,
        defaultCodec: () => AudioCodecNames.id(this.profile.audio.preferredCodec) ?? 0,
        resetHostFacing: () => this.resetHostFacing(),
        dumpConfig: (ack) => this.dumpConfig(ack),
        pong: (token) => ({
          type: 'PONG',
          token,
          uptimeMs: this.uptimeMs(),
          rxFramesBad: this.rxFramesBad() & 0xffff,
          audioOverflows: 0,
        }),
        emit: (ev, payload) => this.emit(ev, payload),
        helloIntervalMs: () => this.opts.helloIntervalMs ?? DEFAULT_HELLO_INTERVAL_MS,
      },
      this.minor,
    );
    this.mic = new MicStream(
      {
        sampleRate: this.profile.audio.sampleRate,
        features: this.features,
        ack: () => this.link.ack,
        speed: () => this.speed,
        send,
        emit: (ev, payload) => this.emit(ev, payload),
        port: () => this.port,
        countChunk: () => this.stats.audioChunksSent++,
      },
      opts.audio,
      opts.repeat ?? false,
    );
    this.buttons = new ButtonSim(this.profile.buttons.length, {
      event: (button, event) => this.user.onButtonEvent(button, event),
      speed: () => this.speed,
    });
    this.user = new BoardUser({
      uid: this.uid,
      events: this,
      mic: this.mic,
      buttons: this.buttons,
      link: this.link,
      send,
      speed: () => this.speed,
    });
    this.leds = Array.from({ length: this.profile.leds.count }, () => ({
      effect: LedEffect.OFF,
      r: 0,
      g: 0,
      b: 0,
      periodMs: 0,
      durationMs: 0,
    }));
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

  /** The HELLO_ACK in force, or undefined before the handshake (or after the host went away). */
  get ack(): HelloAck | undefined {
    return this.link.ack;
  }

  /** The receive ring's counters (profiles with rxWindowBytes), else undefined. */
  get rxStats(): Readonly<UartRxStats> | undefined {
    return this.uart?.stats;
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

  /** Power-on: every state reset, sequence 0, boot noise, the leading 0x00 (SPEC §1.3.1), HELLO. */
  private boot(): void {
    this.stopAll();
    this.gpio.reset();
    this.out.enc.reset();
    this.dec.resync();
    this.uart?.reset();
    this.bootAt = performance.now();
    const noise = this.opts.bootNoise === undefined ? ESP32_BOOT_NOISE : this.opts.bootNoise || '';
    this.out.writeRaw(Buffer.from(`${noise}\x00`, 'latin1'));
    this.link.boot();
  }

  private helloMicCodecs(): number {
    return this.profile.audio.codecs.reduce((m, c) => m | codecBit(AudioCodecNames.id(c)!), 0);
  }

  private sendHello(): void {
    const hello = helloForProfile(this.profile, this.opts.firmwareVersion ?? '0.1.0-emu', this.uid);
    hello.versionMajor = this.opts.versionMajor ?? hello.versionMajor;
    hello.versionMinor = this.minor;
    if (this.minor < 1) hello.rxWindowBytes = 0;
    this.stats.helloSent++;
    this.send(hello);
  }

  /** dump_config() once per handshake, as LOG frames (firmware/core/device/hark_device.c). */
  private dumpConfig(ack: HelloAck): void {
    this.mic.configure(ack);
    const speakerKind = SpeakerKindNames.id(this.profile.speaker.kind) ?? 0;
    for (const m of dumpConfigLogs(this.profile.id, ack.audioCodec, speakerKind, this.link.boardVadMayEnd)) {
      this.send(m);
    }
  }

  /** SPEC §2.3.3 / §2.5.2: capture ends (reason 5), speaker stops (state 2), GPIO reports off. */
  private resetHostFacing(): void {
    this.mic.abort();
    this.speaker.stopCurrent();
    this.gpio.reset();
  }

  // ---- input ------------------------------------------------------------------------------------

  private receive(bytes: Buffer): void {
    if (this.out.stalled) return; // a hung firmware reads nothing
    if (this.uart) this.uart.receive(bytes);
    else this.decode(bytes);
  }

  private decode(bytes: Uint8Array): void {
    this.dec.push(bytes, (m) => this.handle(m));
  }

  private handle(m: Message): void {
    this.link.heard();
    switch (m.type) {
      case 'HELLO_ACK':
        this.link.onAck(m);
        return;
      case 'PING':
        this.stats.pingsAnswered++;
        this.link.onPing(m.token);
        return;
      case 'ERROR':
        this.emit('host-error', m);
        return;
      default:
    }
    if (!this.link.ack) return; // SPEC §2.2.4: output messages only in READY
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
        if (m.action !== CaptureAction.START) {
          if (this.mic.current) this.mic.end(AudioEndReason.HOST_REQUEST);
          return;
        }
        if (
          !this.mic.start(
            m.mode === CaptureMode.CONTINUOUS ? AudioTrigger.CONTINUOUS : AudioTrigger.HOST_CAPTURE,
            m.maxMs,
          )
        ) {
          this.send({
            type: 'ERROR',
            code: ErrorCode.BUSY,
            message: 'CAPTURE: an utterance is already streaming',
          });
        }
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
    if (m.index === LED_ALL) for (let i = 0; i < this.leds.length; i++) set(i);
    else if (m.index < this.leds.length) set(m.index);
    else {
      this.send({ type: 'ERROR', code: ErrorCode.BAD_MESSAGE, message: `no LED ${m.index}` });
      return;
    }
    this.emit('led', { index: m.index, ...this.leds[m.index === LED_ALL ? 0 : m.index]! });
  }

  // ---- buttons and microphone (board-user.ts) -----------------------------------------------------

  /**
   * Presses button `button` (the debounced edge): BUTTON DOWN, and on button 0 with no stream open a
   * push-to-talk stream starts; held 800 ms (board time) it sends LONG. A press while a stream is open
   * only reports the button, as the firmware does (SPEC §9.1.2).
   */
  press(button = 0): void {
    this.buttons.press(button);
  }

  /** Releases it: BUTTON UP (then CLICK or DOUBLE later); a push-to-talk stream ends (§9.2). */
  release(button = 0): void {
    this.buttons.release(button);
  }

  /** A gesture: 'click', 'double' or 'long' (board-user.ts); resolves once its BUTTON event went out. */
  gesture(kind: Gesture, button = 0): Promise<void> {
    return this.user.gesture(kind, button);
  }

  /**
   * Press, stream the whole audio source, release. Resolves with the stream id, the chunks sent, and
   * `interrupted` when the utterance ended before the audio did. Throws HARK_ERR_BOARD_EMULATOR at once
   * before the handshake, while a stream is open or while the button is held (board-user.ts).
   */
  utter(): Promise<Utterance> {
    return this.user.utter();
  }

  /** Replaces what the microphone hears from the next utterance on (`repeat`: loop it). */
  setAudio(audio: PcmAudio | undefined, repeat = false): void {
    this.mic.setAudio(audio, repeat);
  }

  /** True while an utterance is streaming. */
  get streaming(): boolean {
    return this.mic.current !== undefined;
  }

  /**
   * Resolves with the payload of the next `event` matching `predicate`; rejects with
   * HARK_ERR_BOARD_EMULATOR after `timeoutMs` (NativeBoard has the same method).
   */
  waitFor<T = unknown>(
    event: string,
    predicate: (payload: T) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<T> {
    return waitForBoardEvent(this, `emulated board ${this.uid}`, event, predicate, timeoutMs);
  }

  // ---- output and faults ------------------------------------------------------------------------

  /** Encodes and writes one message through the fault injector. Returns write()'s backpressure flag. */
  send(m: Message): boolean {
    if (m.type === 'LOG') {
      this.logs.push({ level: m.level, text: m.text });
      this.emit('log', { level: m.level, text: m.text });
    }
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

  /**
   * Presses the board's reset button: it boots again on the same port (boot noise, leading 0x00,
   * HELLO with seq 0) and forgets the host. The port stays open, unlike unplug().
   */
  async reset(): Promise<void> {
    this.emit('reset');
    this.boot();
  }

  /** Pulls the USB cable: the port closes and (over a pty) both device paths disappear. */
  async unplug(): Promise<void> {
    this.needsPty('unplug()');
    this.stopAll();
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
    this.stopAll();
    this.gpio.reset();
    this.uart?.close();
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

  /** No timers, no stream, no playback, no gesture in progress, no handshake (reset, unplug, close). */
  private stopAll(): void {
    this.link.stop();
    this.link.ack = undefined;
    this.mic.drop();
    this.speaker.halt();
    this.buttons.reset();
  }

  private uptimeMs(): number {
    return Math.floor(performance.now() - this.bootAt) >>> 0;
  }

  /** Frames this board dropped since reset: framing errors and bad payloads (SPEC §4.2.4). */
  private rxFramesBad(): number {
    const s = this.dec.stats;
    return s.crcErrors + s.malformed + s.oversized + s.truncated + s.badPayload;
  }
}
