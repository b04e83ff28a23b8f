/**
 * The hark host, assembled: config → link worker (LinkManager) → ASR workers (TranscriptionService,
 * compiled with the commands' grammar) → command registry + dispatcher (+ blockage watchdog) → one
 * BoardRuntime (session + responses) per board. `hark run`, `hark demo`, the e2e tests and the
 * benchmark all start the host through {@link HarkPipeline.start}.
 */
import { EventEmitter } from 'node:events';
import { HarkError } from '../base/errors.js';
import {
  CommandRegistry,
  type Definition,
  Dispatcher,
  exportGrammar,
  loadCommandModule,
  Watchdog,
} from './commands/index.js';
import type { HarkConfig } from './config/index.js';
import { HarkIO } from './gpio/hark-io.js';
import type { GrammarNode, GrammarSpec } from './grammar/spec.js';
import { type BoardInfo, LinkManager, type LinkManagerOptions } from './link/index.js';
import { BoardRuntime, type PipelineEvent } from './sessions/board-runtime.js';
import { transcriptionOptions } from './transcription/config-options.js';
import { TranscriptionService } from './transcription/index.js';
import type { LoadProgress } from './transcription/types.js';

export type { PipelineEvent } from './sessions/board-runtime.js';

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
  /** Progress while models load. */
  onProgress?: (p: LoadProgress) => void;
  /** Start the event-loop blockage watchdog; default true. */
  watchdog?: boolean;
}

/**
 * The hands-free grammar: the wake phrase alone, or the wake phrase followed by any command
 * ("hey computer turn the light on"). A grammar rather than a keyphrase search, so the wake phrase
 * and the command are recognised together, exactly, with the same model.
 */
export function wakeGrammar(commands: GrammarSpec, phrase: string): GrammarSpec {
  const words = phrase.trim().split(/\s+/);
  const wakePhrase: GrammarNode = { kind: 'seq', items: words.map((word) => ({ kind: 'word', word })) };
  const anyCommand: GrammarNode = {
    kind: 'alt',
    options: commands.root.map((rule) => ({ kind: 'ref', rule })),
  };
  return {
    rules: {
      ...commands.rules,
      wake_phrase: wakePhrase,
      wake_only: { kind: 'ref', rule: 'wake_phrase' },
      wake_command: { kind: 'seq', items: [{ kind: 'ref', rule: 'wake_phrase' }, anyCommand] },
    },
    root: ['wake_only', 'wake_command'],
    vocabulary: [...new Set([...commands.vocabulary, ...words])].sort(),
  };
}

/**
 * Events: 'event' (PipelineEvent — transcripts, commands, responses, speech, session lines, errors),
 * 'link' ({ boardId, path, state, reason? }), 'board' (BoardInfo).
 */
export class HarkPipeline extends EventEmitter {
  /** The pipeline of this process (what `hark.io(boardId)` talks through). */
  static current: HarkPipeline | undefined;

  readonly config: HarkConfig;
  readonly link: LinkManager;
  readonly asr: TranscriptionService;
  readonly registry: CommandRegistry;
  readonly dispatcher: Dispatcher;
  readonly #watchdog: Watchdog | undefined;
  readonly #boards = new Map<string, BoardRuntime>();
  readonly #ios = new Set<HarkIO>();
  #closed = false;

  private constructor(parts: {
    config: HarkConfig;
    link: LinkManager;
    asr: TranscriptionService;
    registry: CommandRegistry;
    dispatcher: Dispatcher;
    watchdog: Watchdog | undefined;
  }) {
    super();
    this.config = parts.config;
    this.link = parts.link;
    this.asr = parts.asr;
    this.registry = parts.registry;
    this.dispatcher = parts.dispatcher;
    this.#watchdog = parts.watchdog;
    this.#wire();
  }

  /** Loads commands, starts the watchdog, the ASR workers (models loaded) and the link worker. */
  static async start(opts: PipelineOptions): Promise<HarkPipeline> {
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
    for (const m of modules) await loadCommandModule(registry, m);
    if (registry.commands.length === 0) {
      throw new HarkError(
        'HARK_ERR_COMMANDS_LOAD',
        'no commands are registered: set `commands` to a module (hark config set commands ./my-commands.mjs)',
      );
    }
    const watchdog = opts.watchdog === false ? undefined : await Watchdog.start({ stderr: false });
    const dispatcher = new Dispatcher({ registry, ...(watchdog ? { tracker: watchdog } : {}) });
    let asr: TranscriptionService | undefined;
    let link: LinkManager | undefined;
    try {
      asr = await TranscriptionService.create({
        ...transcriptionOptions(config.transcription),
        ...(opts.asrThreads ? { threads: opts.asrThreads } : {}),
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      });
      const grammar = exportGrammar(registry);
      await asr.setGrammar('commands', grammar);
      if (config.listenMode === 'wake') await asr.setGrammar('wake', wakeGrammar(grammar, config.wakePhrase));
      link = await LinkManager.start(opts.link ?? {});
    } catch (e) {
      await asr?.close();
      await dispatcher.close();
      await watchdog?.close();
      throw e;
    }
    const p = new HarkPipeline({ config, link, asr, registry, dispatcher, watchdog });
    HarkPipeline.current = p;
    return p;
  }

  #emit = (e: PipelineEvent) => this.emit('event', e);

  #wire(): void {
    this.link.on('board', (info: BoardInfo) => {
      let rt = this.#boards.get(info.boardId);
      if (!rt) {
        rt = new BoardRuntime(info, {
          link: this.link,
          asr: this.asr,
          dispatcher: this.dispatcher,
          config: this.config,
          emit: this.#emit,
        });
        this.#boards.set(info.boardId, rt);
      }
      this.emit('board', info);
      rt.connected(info);
    });
    this.link.on('state', (e: { boardId: string; path: string; state: string; reason?: string }) => {
      this.emit('link', e);
      if (e.state === 'disconnected' || e.state === 'failed') this.#boards.get(e.boardId)?.disconnected();
    });
    this.link.on(
      'message',
      (e: { boardId: string; message: import('../protocol/ts/messages.js').Message }) => {
        this.#boards.get(e.boardId)?.onMessage(e.message);
      },
    );
    this.link.on('audio-abort', (e: { boardId: string; stream: number; reason: string }) => {
      this.#boards.get(e.boardId)?.onAudioAbort(e.stream, e.reason);
    });
    this.link.on('error', (e: HarkError) => {
      const boardId = String(e.details?.boardId ?? '');
      this.#emit({ event: 'error', boardId, code: e.code, message: e.message });
    });
    // Background responses (a timer firing minutes later) go to the board that asked.
    this.dispatcher.on('response', (r: import('./commands/index.js').DispatchedResponse) => {
      void this.#boards.get(r.boardId)?.respond(r);
    });
    this.#watchdog?.on('blocked', (r: { error: HarkError }) => {
      this.#emit({ event: 'error', boardId: '', code: r.error.code, message: r.error.message });
    });
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

  /** The runtime of a connected board. */
  board(boardId: string): BoardRuntime | undefined {
    return this.#boards.get(boardId);
  }

  get boards(): BoardRuntime[] {
    return [...this.#boards.values()];
  }

  /** A johnny-five IO plugin for `boardId`'s GPIO pins, over the same link. */
  io(boardId: string): HarkIO {
    const rt = this.#boards.get(boardId);
    const io = new HarkIO({ boardId, transport: this.link, ...(rt ? { hello: rt.info.hello } : {}) });
    this.#ios.add(io);
    return io;
  }

  /** Closes everything: IO plugins, sessions, the link (ports), ASR and command workers. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const io of this.#ios) io.close();
    for (const b of this.#boards.values()) b.close();
    const results = await Promise.allSettled([this.link.close(), this.asr.close(), this.dispatcher.close()]);
    await this.#watchdog?.close();
    if (HarkPipeline.current === this) HarkPipeline.current = undefined;
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }
}
