/**
 * The dispatcher: utterance → context-aware match → handler (on the event loop, or in the command
 * worker pool when blocking) → validated responses, with a per-command timeout that aborts
 * `ctx.signal`. Handler failures of every kind become status 'error' responses; nothing a handler
 * does can throw out of `dispatch()`.
 */
import { EventEmitter } from 'node:events';
import { HarkError, isHarkError } from '../../base/errors.js';
import { fromWire } from '../../base/wire-error.js';
import { BlockingPool, type BlockingPoolOptions } from './blocking-pool.js';
import type { WorkerFaultMessage } from './blocking-worker.js';
import type { BoardFacts, BoardServices, CommandContext } from './command.js';
import { ContextStack } from './context-stack.js';
import { responsesOf } from './handler-result.js';
import { CommandIsolation, type CommandScope } from './isolation.js';
import { tokenize } from './pattern/tokenize.js';
import type { CommandMatch, CommandRegistry } from './registry.js';
import { type DispatchedResponse, type Response, validateResponse } from './response.js';
import type { CommandTracker } from './watchdog.js';

export interface DispatcherOptions {
  registry: CommandRegistry;
  /** Timeout of commands without their own `timeoutMs`, in ms. Default 10000. */
  defaultTimeoutMs?: number;
  /** How long follow-up commands stay valid, in ms. Default 15000. */
  contextTimeoutMs?: number;
  /** Options of the command worker pool (created on the first blocking command). */
  pool?: BlockingPoolOptions;
  /** Told which command runs, so a blockage report can name it (a Watchdog). */
  tracker?: CommandTracker;
  /**
   * Attributes faults of command code (timers, listeners, floating promises) to the command that
   * caused them. Default: an isolation of this dispatcher's own (its process listeners are installed
   * by whoever owns the process: the pipeline).
   */
  isolation?: CommandIsolation;
  /** The board a command answers: its facts and IO plugin (`ctx.board`, `ctx.io()`). */
  services?: (boardId: string) => BoardServices | undefined;
}

/** Options of one dispatch. */
export interface DispatchOptions {
  /** Cancels the command (its ctx.signal aborts). */
  signal?: AbortSignal;
  /** Told the match before the handler runs (the pipeline's 'command' event): matched once, here. */
  onMatch?: (match: CommandMatch, depth: number) => void;
  /** The utterance was rejected by the recogniser: only the fallback commands may take it. */
  fallback?: boolean;
}

export interface DispatcherStats {
  dispatched: number;
  notFound: number;
  errors: number;
  timeouts: number;
  lateResponses: number;
  running: number;
}

const noTracker: CommandTracker = { begin() {}, end() {}, runSync: (_n, fn) => fn() };

/** Events: 'response' (DispatchedResponse sent later through ctx.respond), 'error' is never emitted. */
export class Dispatcher extends EventEmitter {
  readonly registry: CommandRegistry;
  readonly contexts: ContextStack;
  readonly isolation: CommandIsolation;
  readonly #timeoutMs: number;
  readonly #poolOptions: BlockingPoolOptions;
  readonly #tracker: CommandTracker;
  readonly #running = new Set<AbortController>();
  readonly #services: (boardId: string) => BoardServices | undefined;
  #pool: BlockingPool | undefined;
  #stats: DispatcherStats = {
    dispatched: 0,
    notFound: 0,
    errors: 0,
    timeouts: 0,
    lateResponses: 0,
    running: 0,
  };

  constructor(opts: DispatcherOptions) {
    super();
    this.registry = opts.registry;
    this.contexts = new ContextStack({ timeoutMs: opts.contextTimeoutMs });
    this.#timeoutMs = opts.defaultTimeoutMs ?? 10_000;
    this.#poolOptions = opts.pool ?? {};
    this.#tracker = opts.tracker ?? noTracker;
    this.isolation = opts.isolation ?? new CommandIsolation();
    this.#services = opts.services ?? (() => undefined);
  }

  /** Finds the command for an utterance: the newest context first, then the root commands. */
  match(boardId: string, utterance: string): { match: CommandMatch; depth: number } | undefined {
    const tokens = tokenize(utterance);
    const layers = this.contexts.layers(boardId);
    for (let depth = layers.length - 1; depth >= 0; depth--) {
      const m = this.registry.match(tokens, layers[depth]!.commands);
      if (m) return { match: m, depth };
    }
    const m = this.registry.match(tokens);
    return m ? { match: m, depth: -1 } : undefined;
  }

  /** True when some command takes rejected utterances (CommandOptions.fallback). */
  hasFallback(): boolean {
    return this.registry.fallbacks.length > 0;
  }

  /** Runs the command an utterance names and yields its responses. Never throws. */
  async *dispatch(boardId: string, utterance: string, opts: DispatchOptions = {}) {
    const fallback = opts.fallback ? this.registry.match(utterance, this.registry.fallbacks) : undefined;
    const found = opts.fallback
      ? fallback
        ? { match: fallback, depth: -1 }
        : undefined
      : this.match(boardId, utterance);
    if (found) opts.onMatch?.(found.match, found.depth);
    this.#stats.dispatched++;
    if (!found) {
      this.#stats.notFound++;
      yield this.#out({ status: 'not_found', text: `No command matches "${utterance}"` }, boardId, undefined);
      return;
    }
    const { match, depth } = found;
    const layer = depth >= 0 ? this.contexts.layers(boardId)[depth] : undefined;
    this.contexts.truncate(boardId, Math.max(depth, 0)); // used follow-ups (or a new topic) close contexts
    yield* this.#run(boardId, utterance, match, layer?.parameters ?? {}, opts.signal);
  }

  /** `dispatch()` collected into an array. */
  async handle(
    boardId: string,
    utterance: string,
    opts: DispatchOptions = {},
  ): Promise<DispatchedResponse[]> {
    const out: DispatchedResponse[] = [];
    for await (const r of this.dispatch(boardId, utterance, opts)) out.push(r);
    return out;
  }

  stats(): DispatcherStats & { pool?: ReturnType<BlockingPool['stats']> } {
    return {
      ...this.#stats,
      running: this.#running.size,
      ...(this.#pool ? { pool: this.#pool.stats() } : {}),
    };
  }

  /**
   * Starts the command workers now, with the blocking commands found in their modules, when there are
   * blocking commands — so the first one said does not wait ~400 ms for a thread and its imports
   * (that was one board's first spoken reply in the benchmark). Resolves once they are loaded; a
   * registry without blocking commands starts nothing.
   */
  async warm(): Promise<void> {
    const blocking = this.registry.commands
      .filter((c) => c.def.options.blocking)
      .map((c) => ({ moduleUrls: [...c.modules], name: c.name }));
    if (blocking.length > 0) await this.#blockingPool().preload(blocking);
  }

  #blockingPool(): BlockingPool {
    if (!this.#pool) {
      this.#pool = new BlockingPool(this.#poolOptions);
      this.#pool.on('fault', (f: WorkerFaultMessage) => this.isolation.relay(f));
    }
    return this.#pool;
  }

  /** Cancels running commands, drops contexts, stops the worker pool. */
  async close(): Promise<void> {
    for (const ac of this.#running)
      ac.abort(new HarkError('HARK_ERR_COMMANDS_TIMEOUT', 'the dispatcher closed'));
    this.contexts.clearAll();
    await this.#pool?.close();
    this.#pool = undefined;
  }

  async *#run(
    boardId: string,
    utterance: string,
    match: CommandMatch,
    parameters: Readonly<Record<string, unknown>>,
    outer: AbortSignal | undefined,
  ): AsyncGenerator<DispatchedResponse> {
    const { command } = match;
    const name = command.name;
    const timeoutMs = command.def.options.timeoutMs ?? this.#timeoutMs;
    const ac = new AbortController();
    const timer = setTimeout(
      () =>
        ac.abort(
          new HarkError(
            'HARK_ERR_COMMANDS_TIMEOUT',
            `command "${name}" timed out after ${timeoutMs} ms and was cancelled`,
          ),
        ),
      timeoutMs,
    );
    const onOuter = () => {
      const why = outer!.reason instanceof Error ? outer!.reason.message : String(outer!.reason);
      ac.abort(new HarkError('HARK_ERR_COMMANDS_CANCELLED', `command "${name}" was cancelled: ${why}`));
    };
    outer?.addEventListener('abort', onOuter, { once: true });
    if (outer?.aborted) onOuter();
    this.#running.add(ac);
    this.#tracker.begin(name);
    let finished = false;
    // Everything the handler starts runs as this scope, so a callback that throws later names it.
    const scope: CommandScope = {
      command: name,
      module: command.def.moduleUrl ?? command.modules[0],
      boardId,
      fail: (error) => {
        if (!finished && !ac.signal.aborted) ac.abort(error);
      },
    };
    const inScope = <T>(fn: () => T): T => this.isolation.run(scope, () => this.#tracker.runSync(name, fn));
    const early: Response[] = [];
    let wake: (() => void) | undefined;
    let it: AsyncIterator<unknown> | undefined;
    const services = this.#services(boardId);
    const ctx: CommandContext = {
      boardId,
      utterance,
      command: name,
      signal: ac.signal,
      parameters,
      board: services?.board ?? unknownBoard(boardId),
      io: () => {
        if (!services)
          throw new HarkError(
            'HARK_ERR_COMMANDS_CONTEXT',
            `command "${name}": ctx.io(): this host gives commands no board IO (board ${boardId} is not served by a pipeline)`,
          );
        return services.io();
      },
      respond: (r) => {
        if (!finished) {
          early.push(r); // delivered in order with the handler's own responses
          wake?.();
          return;
        }
        this.#stats.lateResponses++;
        this.emit('response', this.#safe(r, boardId, name, true));
      },
    };
    try {
      const source = command.def.options.blocking
        ? this.#runBlocking(boardId, utterance, match, parameters, ac.signal)
        : inScope(() => responsesOf(command.def.handler(match.params, ctx)));
      const iterator = source[Symbol.asyncIterator]();
      it = iterator;
      let pending = inScope(() => iterator.next());
      for (;;) {
        while (early.length > 0) yield this.#safe(early.shift()!, boardId, name, false);
        // Wake on the handler's next response or on an early ctx.respond(), whichever comes first.
        const woke = new Promise<'wake'>((resolve) => {
          wake = () => resolve('wake');
        });
        const step = await abortable(Promise.race([pending, woke]), ac.signal);
        wake = undefined;
        if (step === 'wake') continue;
        if (step.done) break;
        const r = this.#safe(step.value, boardId, name, false);
        yield r;
        if (r.error) break; // an invalid response ends the command
        pending = inScope(() => iterator.next());
      }
      while (early.length > 0) yield this.#safe(early.shift()!, boardId, name, false);
    } catch (e) {
      // Stop a generator handler at its next yield; its own awaits see ctx.signal aborted.
      it?.return?.(undefined).catch(() => {});
      yield this.#failure(e, boardId, name, ac.signal);
    } finally {
      finished = true;
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuter);
      this.#running.delete(ac);
      this.#tracker.end(name);
    }
  }

  async *#runBlocking(
    boardId: string,
    utterance: string,
    match: CommandMatch,
    parameters: Readonly<Record<string, unknown>>,
    signal: AbortSignal,
  ): AsyncGenerator<unknown> {
    const result = await this.#blockingPool().run(
      {
        moduleUrls: [...match.command.modules],
        name: match.command.name,
        params: match.params,
        boardId,
        board: this.#services(boardId)?.board ?? unknownBoard(boardId),
        utterance,
        parameters: { ...parameters },
      },
      signal,
    );
    if (!result.ok) throw fromWire(result.error);
    yield* result.responses;
  }

  /** Validates a response and opens its follow-up context; an invalid one becomes an error response. */
  #safe(value: unknown, boardId: string, name: string, late: boolean): DispatchedResponse {
    try {
      const r = validateResponse(value, name);
      if (r.commands && r.commands.length > 0) {
        const commands = r.commands.map((c) => this.registry.resolve(c, name));
        this.contexts.push(boardId, { commands, parameters: r.parameters ?? {}, openedBy: name });
      }
      return this.#out(r, boardId, name, late);
    } catch (e) {
      return this.#failure(e, boardId, name, undefined);
    }
  }

  #failure(e: unknown, boardId: string, name: string, signal: AbortSignal | undefined): DispatchedResponse {
    this.#stats.errors++;
    let error: HarkError;
    if (signal?.aborted && isHarkError(signal.reason)) error = signal.reason;
    else if (isHarkError(e)) error = e;
    else
      error = new HarkError(
        'HARK_ERR_COMMANDS_HANDLER',
        `command "${name}" failed: ${(e as Error)?.message ?? e}`,
        {
          cause: e,
        },
      );
    if (error.code === 'HARK_ERR_COMMANDS_TIMEOUT') this.#stats.timeouts++;
    return { ...this.#out({ status: 'error', text: error.message, led: 'error' }, boardId, name), error };
  }

  #out(r: Response, boardId: string, command: string | undefined, late = false): DispatchedResponse {
    return { ...r, status: r.status ?? 'success', command, boardId, late };
  }
}

/** What `ctx.board` says when the dispatcher knows nothing of the board (unit tests, embedding). */
const unknownBoard = (id: string): BoardFacts => ({
  id,
  model: '',
  firmware: '',
  pins: [],
  speaker: 'none',
  leds: 0,
});

/** Resolves like `p`, or rejects with the signal's reason as soon as it aborts. */
function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
