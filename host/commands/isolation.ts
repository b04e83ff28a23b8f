/**
 * Command isolation: a fault that comes from command code — a timer callback that throws, a floating
 * promise that rejects, an event listener or johnny-five callback that throws — is attributed to the
 * command (or the command module) that caused it and reported, and the host keeps serving. Only a fault
 * outside command code stops the process, with one clean line (the stack goes into the error report).
 *
 * Attribution, in order:
 * 1. async context: every handler step and every module load runs inside `run(scope, …)`, so timers,
 *    promises, nextTick and setImmediate callbacks created there carry the scope (AsyncLocalStorage);
 * 2. the stack: a listener invoked from hark's own context (an AbortSignal listener, an EventEmitter a
 *    command subscribed to) has no scope, but its error's stack names the command module's file;
 * 3. otherwise it is hark's own fault (or the embedding program's).
 *
 * One instance per pipeline (no process-wide state): `install()` adds process listeners that claim only
 * this instance's faults. A fault no instance claims is a host fault; it ends the process only when no
 * one else listens for uncaught exceptions (an embedding program or a test runner that does decides).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import { dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HarkError } from '../../base/errors.js';
import { fromWire, type WireError } from '../../base/wire-error.js';

/** Who runs: a command invocation, or a module's own top-level code. */
export interface CommandScope {
  /** The command's name; undefined for a module's top-level code (load time, module-level timers). */
  readonly command: string | undefined;
  /** URL of the module that defined the command (or the module being loaded). */
  readonly module: string | undefined;
  /** The board the command answers. */
  readonly boardId: string | undefined;
  /** Fails the invocation while it still runs (its dispatch answers with the error); absent afterwards. */
  readonly fail?: (error: HarkError) => void;
}

/** A fault of command code, as reported to the pipeline. */
export interface CommandFault {
  readonly error: HarkError;
  readonly scope: CommandScope;
  /** Faults of the same scope and message folded into this report (rate limit), 0 for the first. */
  readonly repeated: number;
}

export interface CommandIsolationOptions {
  /** The same fault (scope + message) is reported once per this window, then summarised. Default 10000. */
  repeatWindowMs?: number;
}

/** Marks an error object some isolation has claimed, so other instances do not call it a host fault. */
const CLAIMED = Symbol.for('hark.command-fault.claimed');
/** Tags our process listeners, so "does anyone else listen?" can be answered. */
const OURS = Symbol.for('hark.command-isolation.listener');

type Listener = ((e: unknown) => void) & { [OURS]?: true };

const claimed = (e: unknown) => typeof e === 'object' && e !== null && (e as { [CLAIMED]?: true })[CLAIMED];
const markClaimed = (e: unknown) => {
  if (typeof e === 'object' && e !== null && Object.isExtensible(e))
    Object.defineProperty(e, CLAIMED, { value: true });
};
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Files named by a stack trace (file URLs and absolute paths), innermost first. */
export function stackFiles(stack: string): string[] {
  const out: string[] = [];
  for (const m of stack.matchAll(/(?:\(|at )((?:file:\/\/)?\/[^():\s]+):\d+:\d+\)?/g)) {
    const raw = m[1]!;
    out.push(raw.startsWith('file:') ? fileURLToPath(raw) : raw);
  }
  return out;
}

/**
 * Events: 'fault' (CommandFault) for command code, 'host-fault' (HarkError HARK_ERR_HOST_FAULT, whose
 * details carry the stack) for everything else.
 */
export class CommandIsolation extends EventEmitter {
  readonly #als = new AsyncLocalStorage<CommandScope>();
  /** Command module files and the folders of their packs, for attribution by stack. */
  readonly #files = new Map<string, string>();
  readonly #dirs = new Map<string, string>();
  readonly #repeatWindowMs: number;
  readonly #recent = new Map<string, { repeated: number; last: HarkError }>();
  #uninstall: (() => void) | undefined;

  constructor(opts: CommandIsolationOptions = {}) {
    super();
    this.#repeatWindowMs = opts.repeatWindowMs ?? 10_000;
  }

  /** Runs `fn` as `scope`: everything it starts (timers, promises, callbacks) is attributed to it. */
  run<T>(scope: CommandScope, fn: () => T): T {
    return this.#als.run(scope, fn);
  }

  /** The scope of the code running now, if it is command code. */
  current(): CommandScope | undefined {
    return this.#als.getStore();
  }

  /**
   * Lets stack attribution recognise a command module and, with `folder` (default: a loaded pack), the
   * helper files beside it. Definitions passed in code get `folder: false`: their folder may be hark's.
   */
  addModule(url: string, opts: { folder?: boolean } = {}): void {
    if (!url.startsWith('file:')) return;
    const file = fileURLToPath(url);
    if (!this.#files.has(file)) this.#files.set(file, url);
    const dir = dirname(file);
    // Installed packages are never a pack's own helpers.
    if (opts.folder !== false && !dir.split(sep).includes('node_modules') && !this.#dirs.has(dir))
      this.#dirs.set(dir, url);
  }

  /** The command code an error comes from, or undefined when it is not command code's. */
  attribute(error: unknown): CommandScope | undefined {
    const scope = this.#als.getStore();
    if (scope) return scope;
    const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack : '';
    for (const file of stackFiles(stack)) {
      const url = this.#files.get(file) ?? this.#dirs.get(dirname(file));
      if (url) return { command: undefined, module: url, boardId: undefined };
    }
    return undefined;
  }

  /**
   * Reports a fault of command code: the running invocation (if any) fails with it, and a 'fault'
   * event goes out — the same fault again within the repeat window is only counted.
   */
  report(original: unknown, scope: CommandScope, kind: 'uncaught' | 'unhandled'): void {
    // Reporting is hark's own work: nothing it starts may count as the command's.
    this.#als.exit(() => this.#report(original, scope, kind));
  }

  #report(original: unknown, scope: CommandScope, kind: 'uncaught' | 'unhandled'): void {
    const who = scope.command
      ? `command "${scope.command}"`
      : `commands module ${scope.module ?? '(unknown)'}`;
    const how =
      kind === 'uncaught'
        ? 'threw from a callback (a timer, an event listener or a johnny-five callback)'
        : 'left a promise rejected with nothing to handle it';
    const error = new HarkError(
      kind === 'uncaught' ? 'HARK_ERR_COMMANDS_UNCAUGHT' : 'HARK_ERR_COMMANDS_UNHANDLED',
      `${who} ${how}: ${messageOf(original)}; the host keeps serving`,
      {
        cause: original,
        details: {
          ...(scope.command ? { command: scope.command } : {}),
          ...(scope.module ? { module: scope.module } : {}),
          ...(original instanceof Error && original.stack ? { stack: original.stack } : {}),
        },
      },
    );
    scope.fail?.(error);
    const key = [scope.command, scope.module, scope.boardId, kind, messageOf(original)].join('\u0000');
    const seen = this.#recent.get(key);
    if (seen) {
      seen.repeated++;
      seen.last = error;
      return;
    }
    const entry = { repeated: 0, last: error };
    this.#recent.set(key, entry);
    // At the end of the window, one summary of what repeated (a setInterval that throws every 10 ms).
    setTimeout(() => {
      this.#recent.delete(key);
      if (entry.repeated === 0) return;
      const e = entry.last;
      const summary = new HarkError(
        e.code,
        `${e.message} (repeated ${entry.repeated} times in the last ${Math.round(this.#repeatWindowMs / 1000)} s)`,
        { cause: e.cause, ...(e.details ? { details: { ...e.details, repeated: entry.repeated } } : {}) },
      );
      this.emit('fault', { error: summary, scope, repeated: entry.repeated } satisfies CommandFault);
    }, this.#repeatWindowMs).unref();
    this.emit('fault', { error, scope, repeated: 0 } satisfies CommandFault);
  }

  /** A fault a command worker reported (command code in another thread), re-emitted here. */
  relay(f: {
    error: WireError;
    command: string | undefined;
    module: string | undefined;
    boardId: string | undefined;
  }): void {
    const wired = fromWire(f.error);
    const error =
      wired instanceof HarkError ? wired : new HarkError('HARK_ERR_COMMANDS_UNCAUGHT', wired.message);
    this.emit('fault', {
      error,
      scope: { command: f.command, module: f.module, boardId: f.boardId },
      repeated: typeof error.details?.repeated === 'number' ? error.details.repeated : 0,
    } satisfies CommandFault);
  }

  /**
   * Adds the process listeners (uncaught exceptions, unhandled rejections) that claim this instance's
   * faults. Returns the function that removes them (also `uninstall()`).
   */
  install(): () => void {
    if (this.#uninstall) return this.#uninstall;
    const handle = (kind: 'uncaught' | 'unhandled') => (e: unknown) => {
      if (claimed(e)) return;
      const scope = this.attribute(e);
      if (scope) {
        markClaimed(e);
        this.report(e, scope, kind);
        return;
      }
      // Another pipeline's isolation may still claim it: decide after every listener has run.
      setImmediate(() => {
        if (!claimed(e)) this.#hostFault(e, kind);
      });
    };
    const onUncaught: Listener = handle('uncaught');
    const onUnhandled: Listener = handle('unhandled');
    onUncaught[OURS] = true;
    onUnhandled[OURS] = true;
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUnhandled);
    this.#uninstall = () => {
      process.off('uncaughtException', onUncaught);
      process.off('unhandledRejection', onUnhandled);
      this.#uninstall = undefined;
    };
    return this.#uninstall;
  }

  uninstall(): void {
    this.#uninstall?.();
  }

  /** True when a listener other than an isolation's handles uncaught exceptions (it decides, not us). */
  static othersListen(event: 'uncaughtException' | 'unhandledRejection'): boolean {
    const listeners: unknown[] =
      event === 'uncaughtException'
        ? process.listeners('uncaughtException')
        : process.listeners('unhandledRejection');
    return listeners.some((l) => !(l as Listener)[OURS]);
  }

  #hostFault(e: unknown, kind: 'uncaught' | 'unhandled'): void {
    markClaimed(e);
    const error = new HarkError(
      'HARK_ERR_HOST_FAULT',
      `unexpected ${kind === 'uncaught' ? 'error' : 'rejection'} outside command code: ${messageOf(e)}`,
      {
        cause: e,
        details: { stack: e instanceof Error && e.stack ? e.stack : String(e), kind },
      },
    );
    this.emit('host-fault', error);
  }
}
