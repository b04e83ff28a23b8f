/**
 * The hark host, assembled: config → link worker (LinkManager) → ASR workers (TranscriptionService,
 * compiled with the commands' grammar) → command registry + dispatcher (+ blockage watchdog) → one
 * BoardRuntime (session + responses) per board. `hark run`, `hark demo`, the e2e tests and the
 * benchmark all start the host through {@link HarkPipeline.start}.
 */
import { EventEmitter } from 'node:events';
import { HarkError } from '../base/errors.js';
import { NativeHeap } from '../base/native-heap.js';
import {
  type CommandFault,
  CommandIsolation,
  CommandRegistry,
  type Definition,
  Dispatcher,
  exportGrammar,
  loadCommandModule,
  Watchdog,
} from './commands/index.js';
import type { HarkConfig } from './config/index.js';
import { type DashboardOptions, DashboardServer, dashboardOptions } from './dashboard/index.js';
import { errorEvent } from './events.js';
import type { HarkIO } from './gpio/hark-io.js';
import { type BoardInfo, LinkManager, type LinkManagerOptions } from './link/index.js';
import { MqttBridge, type MqttOptions, mqttOptions } from './mqtt/index.js';
import { RoomArbiter, type RoomHost, type RoomOptions, roomOptions } from './rooms/index.js';
import { BoardRuntime, type PipelineEvent } from './sessions/board-runtime.js';
import { transcriptionOptions } from './transcription/config-options.js';
import { TranscriptionService } from './transcription/index.js';
import type { StreamWait } from './transcription/service.js';
import type { LoadProgress } from './transcription/types.js';
import { compileWakeGrammars } from './transcription/wake.js';
import { SpeechService } from './tts/speech-service.js';
import { type WyomingOptions, WyomingServices, wyomingOptions } from './wyoming/index.js';

export type { PipelineEvent } from './sessions/board-runtime.js';

/**
 * Board audio per message from the link worker to an ASR worker. Each message wakes the ASR thread;
 * 100 ms (the decoder's own block, engines/pocketsphinx-recognizer.ts) adds at most 80 ms before a
 * partial or an end of speech found by the host VAD, and nothing to the final after AUDIO_END.
 */
const AUDIO_BATCH_MS = 100;
/**
 * Why the command and speech workers do not stop when idle (both can: BlockingPool minThreads 0 +
 * idleTimeoutMs, SpeechService idleStopMs): stopping them after 8 s and starting them again at the next
 * AUDIO_START saved ~50 MB at idle but, measured on the loaded 2-core machine, 8 boards' spoken replies
 * then took 400–1700 ms to their first audio instead of 20–60 (restarting threads beside the ASR
 * workers), so the host keeps them.
 */
/** Quiet after the last AUDIO_START/END before main gives the C heap's free pages back (base/native-heap.ts). */
export const QUIET_TRIM_MS = 14_000;

export interface PipelineOptions {
  config: HarkConfig;
  /** Command definitions to register (in addition to `commandModules`). */
  commands?: Definition[];
  /** Command module files to import (default: config.commands, else none). */
  commandModules?: string[];
  /** Link options (heartbeat, backoff...). */
  link?: LinkManagerOptions;
  /** ASR worker threads; default the service's own choice. */
  asrThreads?: number;
  /** Progress while commands and models load. */
  onProgress?: (p: PipelineProgress) => void;
  /** Start the event-loop blockage watchdog; default true. */
  watchdog?: boolean;
  /**
   * Claim faults of command code (timers, listeners, floating promises) with process listeners, so a
   * buggy command never ends the process; default true. With false the caller handles them.
   */
  isolateCommands?: boolean;
  /**
   * A fault outside command code (HARK_ERR_HOST_FAULT; the error event before it carries the stack).
   * Default: unless another uncaughtException listener decides, one clean line on stderr, the pipeline
   * closed (at most 3 s) and exit 1.
   */
  onHostFault?: (error: HarkError) => void;
  /** How long one commands module may take to load (top-level await included), ms. Default 30000. */
  commandLoadTimeoutMs?: number;
  /** Home Assistant satellites and remote speech engines over Wyoming (host/wyoming); default none. */
  wyoming?: WyomingOptions;
  /** Events to and commands from an MQTT broker, with Home Assistant discovery (host/mqtt); default none. */
  mqtt?: MqttOptions;
  /** The live dashboard web page (host/dashboard), on loopback unless told otherwise; default none. */
  dashboard?: DashboardOptions;
  /** Boards grouped by room, one answer per room (host/rooms); default none. */
  rooms?: RoomOptions;
}

/** What start() reports while it loads: commands modules, then the speech engine's progress. */
export type PipelineProgress = LoadProgress | { stage: 'commands'; message: string };

/**
 * Events: 'event' (PipelineEvent — transcripts, commands, responses, speech, session lines, errors),
 * 'link' ({ boardId, path, state, reason? }), 'board' (BoardInfo), 'level' ({ boardId, rmsDb, peakDb }:
 * the loudness of a board's current stream every 100 ms, measured in the worker that decodes it).
 */
export class HarkPipeline extends EventEmitter {
  readonly config: HarkConfig;
  readonly link: LinkManager;
  readonly asr: TranscriptionService;
  readonly registry: CommandRegistry;
  readonly dispatcher: Dispatcher;
  readonly #watchdog: Watchdog | undefined;
  /** The wake grammar (phrase + sensitivity) of each board (hands-free). */
  readonly #wakeGrammarOf: (boardId: string) => string;
  readonly #boards = new Map<string, BoardRuntime>();
  readonly #isolation: CommandIsolation;
  readonly #onHostFault: ((error: HarkError) => void) | undefined;
  /** Wyoming satellites and remote engines, when configured: it routes each utterance's stream. */
  #wyoming: WyomingServices | undefined;
  #mqtt: MqttBridge | undefined;
  #dashboard: DashboardServer | undefined;
  #rooms: RoomArbiter | undefined;
  /** Spoken replies are synthesised, resampled and encoded in their own worker, not on main. */
  readonly #speech = new SpeechService();
  #closed = false;

  private constructor(parts: {
    config: HarkConfig;
    link: LinkManager;
    asr: TranscriptionService;
    registry: CommandRegistry;
    dispatcher: Dispatcher;
    watchdog: Watchdog | undefined;
    isolation: CommandIsolation;
    onHostFault: ((error: HarkError) => void) | undefined;
    wakeGrammarOf: (boardId: string) => string;
  }) {
    super();
    this.#isolation = parts.isolation;
    this.#onHostFault = parts.onHostFault;
    this.config = parts.config;
    this.link = parts.link;
    this.asr = parts.asr;
    this.registry = parts.registry;
    this.dispatcher = parts.dispatcher;
    this.#watchdog = parts.watchdog;
    this.#wakeGrammarOf = parts.wakeGrammarOf;
    this.#speech.start({ voice: this.config.voice, wpm: this.config.voiceWpm });
    this.#wire();
  }

  /** Loads commands, starts the watchdog, the ASR workers (models loaded) and the link worker. */
  static async start(opts: PipelineOptions): Promise<HarkPipeline> {
    const progress = opts.onProgress ?? (() => {});
    const isolation = new CommandIsolation();
    // Installed before any command code runs (module top-level code included), removed by close().
    if (opts.isolateCommands !== false) isolation.install();
    try {
      return await HarkPipeline.#start(opts, isolation, progress);
    } catch (e) {
      isolation.uninstall();
      throw e;
    }
  }

  static async #start(
    opts: PipelineOptions,
    isolation: CommandIsolation,
    progress: (p: PipelineProgress) => void,
  ): Promise<HarkPipeline> {
    const { config } = opts;
    const registry = new CommandRegistry();
    if (opts.commands?.length) registry.add(...opts.commands);
    const modules =
      opts.commandModules ??
      (config.commands
        ? config.commands
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : []);
    for (const m of modules) {
      const started = performance.now();
      await loadCommandModule(registry, m, {
        isolation,
        timeoutMs: opts.commandLoadTimeoutMs ?? config.commandLoadTimeoutMs,
        onLoading: (url) => progress({ stage: 'commands', message: `loading commands module ${url}` }),
      });
      progress({
        stage: 'commands',
        message: `commands module ${m} loaded in ${Math.round(performance.now() - started)} ms`,
      });
    }
    for (const c of registry.commands)
      if (c.def.moduleUrl) isolation.addModule(c.def.moduleUrl, { folder: false });
    if (registry.commands.length === 0) {
      throw new HarkError(
        'HARK_ERR_COMMANDS_LOAD',
        'no commands are registered: set `commands` to a module (hark config set commands ./my-commands.mjs)',
      );
    }
    // Reports go to stderr from the watchdog's own thread while main is still blocked (README).
    const watchdog = opts.watchdog === false ? undefined : await Watchdog.start({ stderr: true });
    // Boards are looked up when a command runs: the pipeline does not exist yet.
    let boards: Map<string, BoardRuntime> | undefined;
    const dispatcher = new Dispatcher({
      registry,
      isolation,
      pool: { maxHeapMb: config.commandWorkerHeapMb },
      services: (boardId) => boards?.get(boardId)?.services,
      ...(watchdog ? { tracker: watchdog } : {}),
    });
    let asr: TranscriptionService | undefined;
    let link: LinkManager | undefined;
    let wakeGrammarOf: (boardId: string) => string = () => 'wake';
    // Beside the ASR workers' start, not after it: the first blocking command must not wait for its worker.
    const commandWorkers = dispatcher.warm();
    try {
      asr = await TranscriptionService.create({
        ...transcriptionOptions(config.transcription),
        ...(opts.asrThreads ? { threads: opts.asrThreads } : {}),
        maxHeapMb: config.transcription.workerHeapMb,
        onProgress: progress,
      });
      // Fallback commands take rejected utterances (as the general language model heard them); they
      // are not part of the recognition grammar.
      const grammar = exportGrammar(registry, { filter: (c) => !c.def.options.fallback });
      await asr.setGrammar('commands', grammar, { freeFormFallback: dispatcher.hasFallback() });
      if (config.listenMode === 'wake') {
        wakeGrammarOf = await compileWakeGrammars(
          asr,
          { phrase: config.wakePhrase, sensitivity: config.wakeSensitivity },
          config.wakeBoards,
        );
      }
      // Audio reaches the ASR workers in 100 ms messages, not one per 20 ms chunk (LinkManagerOptions).
      link = await LinkManager.start({ audioBatchMs: AUDIO_BATCH_MS, ...opts.link });
      await commandWorkers;
    } catch (e) {
      await asr?.close();
      await dispatcher.close();
      await watchdog?.close();
      throw e;
    }
    const p = new HarkPipeline({
      config,
      link,
      asr,
      registry,
      dispatcher,
      watchdog,
      isolation,
      onHostFault: opts.onHostFault,
      wakeGrammarOf,
    });
    boards = p.#boards;
    // Each service from its option, else from its config keys (all off by default).
    const wyoming = opts.wyoming ?? wyomingOptions(config);
    const rooms = opts.rooms ?? roomOptions(config.rooms);
    const mqtt = opts.mqtt ?? mqttOptions(config.mqtt);
    const dashboard = opts.dashboard ?? dashboardOptions(config.dashboard);
    if (wyoming) {
      try {
        p.#wyoming = await WyomingServices.start(wyoming, {
          local: asr,
          board: (id) => p.board(id),
          emit: p.#emit,
          wakeWords: config.listenMode === 'wake' ? [config.wakePhrase] : [],
        });
      } catch (e) {
        await p.close();
        throw e;
      }
    }
    try {
      if (rooms)
        p.#rooms = new RoomArbiter(
          rooms,
          {
            on: ((e: string, fn: (...a: unknown[]) => void) => p.on(e, fn)) as RoomHost['on'],
            off: (e, fn) => p.off(e, fn),
            board: (id) => (p.board(id)?.session.state === 'disconnected' ? undefined : p.board(id)),
          },
          p.#emit,
        );
      if (mqtt) p.#mqtt = await MqttBridge.start(p, mqtt, p.#emit);
      if (dashboard) {
        const d = await DashboardServer.start(p, dashboard);
        p.#dashboard = d;
        setImmediate(() => p.#emit(d.announce())); // once the caller listens
      }
    } catch (e) {
      await p.close();
      throw e;
    }
    return p;
  }

  #emit = (e: PipelineEvent) => this.emit('event', e);

  #wire(): void {
    this.link.on('board', (info: BoardInfo) => {
      let rt = this.#boards.get(info.boardId);
      if (!rt) {
        rt = new BoardRuntime(info, {
          link: this.link,
          asr: this.#wyoming ?? this.asr,
          ...(this.#wyoming?.synthesize ? { remoteSpeech: this.#wyoming.synthesize } : {}),
          speech: this.#speech,
          level: (boardId, l) => this.emit('level', { boardId, ...l }),
          ...(this.#rooms ? { claim: (c) => this.#rooms!.claim(c) } : {}),
          dispatcher: this.dispatcher,
          config: this.config,
          emit: this.#emit,
          isolation: this.#isolation,
          wakeGrammar: (b) => this.#wakeGrammarOf(b.boardId),
        });
        this.#boards.set(info.boardId, rt);
      }
      this.emit('board', info);
      rt.connected(info);
      void this.#wyoming?.boardConnected(info);
    });
    this.link.on('state', (e: { boardId: string; path: string; state: string; reason?: string }) => {
      this.emit('link', e);
      // While closing, the links going down is our own doing: the sessions are closed already.
      if (this.#closed) return;
      if (e.state === 'disconnected' || e.state === 'failed') this.#boards.get(e.boardId)?.disconnected();
    });
    this.link.on(
      'message',
      (e: { boardId: string; message: import('../protocol/ts/messages.js').Message }) => {
        if (e.message.type === 'AUDIO_START' || e.message.type === 'AUDIO_END') this.#quietTrimLater();
        this.#boards.get(e.boardId)?.onMessage(e.message);
      },
    );
    this.link.on('audio-abort', (e: { boardId: string; stream: number; reason: string }) => {
      this.#boards.get(e.boardId)?.onAudioAbort(e.stream, e.reason);
    });
    this.link.on('error', (e: HarkError) => this.#emit(errorEvent(String(e.details?.boardId ?? ''), e)));
    this.asr.on('stream-wait', (w: StreamWait) =>
      this.#emit({
        event: 'asr-wait',
        boardId: w.boardId,
        open: w.open,
        capacity: w.capacity.total,
        message: `${w.boardId}: this utterance waits for a free speech-recognition stream (${w.open} open, ${w.capacity.total} at once${w.capacity.limitedBy === 'config' ? ' set by transcription.streamsPerWorker' : `, sized from ${w.capacity.limitedBy}; raise transcription.streamsPerWorker to allow more`})`,
      }),
    );
    this.#isolation.on('fault', (f: CommandFault) => this.#emit(errorEvent(f.scope.boardId ?? '', f.error)));
    this.#isolation.on('host-fault', (e: HarkError) => {
      this.#emit(errorEvent('', e));
      if (this.#onHostFault) this.#onHostFault(e);
      else if (!CommandIsolation.othersListen('uncaughtException')) void this.#stopOnHostFault(e);
    });
    // Background responses (a timer firing minutes later) go to the board that asked.
    this.dispatcher.on('response', (r: import('./commands/index.js').DispatchedResponse) => {
      void this.#boards.get(r.boardId)?.respond(r);
    });
    // Main sees a block only once it is over: one event, with the block's true length.
    this.#watchdog?.on('recovered', (r: { error: HarkError }) => this.#emit(errorEvent('', r.error)));
  }

  #quietTimer: NodeJS.Timeout | undefined;
  #heap: NativeHeap | undefined | null = null;

  /**
   * Once nobody has spoken for longer than the workers' idle periods, gives the C heap back: a thread
   * that stopped (command, speech worker) leaves its glibc arena's free pages resident (base/native-heap.ts).
   */
  #quietTrimLater(): void {
    clearTimeout(this.#quietTimer);
    this.#quietTimer = setTimeout(() => {
      if (this.#heap === null) this.#heap = NativeHeap.load();
      this.#heap?.trim();
    }, QUIET_TRIM_MS);
    this.#quietTimer.unref();
  }

  /** The default answer to a host fault: say it in one line, close what can be closed, exit 1. */
  async #stopOnHostFault(e: HarkError): Promise<void> {
    process.stderr.write(
      `hark: ${e.message} [${e.code}]\nThe host stopped; the stack trace is in the error event. Please report this.\n`,
    );
    process.exitCode = e.exitCode;
    setTimeout(() => process.exit(e.exitCode), 3000).unref();
    await this.close().catch(() => {});
    process.exit(e.exitCode);
  }

  /** Opens a board's port; resolves at its first handshake (then it reconnects on its own). */
  open(target: {
    path: string;
    profile?: string;
    baudRate?: number;
    waitForBoard?: boolean;
  }): Promise<BoardInfo> {
    return this.link.open(target);
  }

  /** The room arbiter, when rooms are configured (`rooms` option). */
  get rooms(): RoomArbiter | undefined {
    return this.#rooms;
  }

  /** The dashboard server, when configured (`dashboard` option). */
  get dashboard(): DashboardServer | undefined {
    return this.#dashboard;
  }

  /** The MQTT bridge, when configured (`mqtt` option). */
  get mqtt(): MqttBridge | undefined {
    return this.#mqtt;
  }

  /** Wyoming satellites and remote engines, when configured (`wyoming` option). */
  get wyoming(): WyomingServices | undefined {
    return this.#wyoming;
  }

  /** The speech worker's reply cache: hits, misses and the bytes it holds. */
  speechStats(): Promise<import('./tts/speech-service.js').SpeechStats> {
    return this.#speech.stats();
  }

  /** The runtime of a connected board. */
  board(boardId: string): BoardRuntime | undefined {
    return this.#boards.get(boardId);
  }

  get boards(): BoardRuntime[] {
    return [...this.#boards.values()];
  }

  /**
   * The johnny-five IO plugin of a connected board's spare pins (the same one its commands get from
   * `ctx.io()`), for programs that embed the pipeline.
   */
  io(boardId: string): HarkIO {
    const rt = this.#boards.get(boardId);
    if (!rt)
      throw new HarkError(
        'HARK_ERR_GPIO_NOT_READY',
        `board ${boardId} is not connected (known: ${[...this.#boards.keys()].join(', ') || 'none'})`,
      );
    return rt.io();
  }

  /** Closes everything: IO plugins, sessions, the link (ports), ASR and command workers. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#quietTimer);
    for (const b of this.#boards.values()) b.close();
    this.#rooms?.close();
    await this.#dashboard?.close().catch(() => {});
    await this.#mqtt?.close().catch(() => {});
    await this.#wyoming?.close().catch(() => {});
    const results = await Promise.allSettled([
      this.link.close(),
      this.asr.close(),
      this.dispatcher.close(),
      this.#speech.close(),
    ]);
    await this.#watchdog?.close();
    this.#isolation.uninstall();
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }
}
