/**
 * Per-board stack of contexts. A response with follow-up `commands` pushes a layer whose commands are
 * valid only until one of them is used, the user moves on to a root command, or the context times out
 * (back to the root context). Timers are unref'd: an open question never keeps the process alive.
 */
import { EventEmitter } from 'node:events';
import type { RegisteredCommand } from './registry.js';

/** One layer: the follow-ups a response opened and the parameters it handed them. */
export interface ContextLayer {
  readonly commands: readonly RegisteredCommand[];
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Name of the command whose response opened this layer. */
  readonly openedBy: string;
}

export interface ContextStackOptions {
  /** How long follow-ups stay valid after the last push, in ms. Default 15000. */
  timeoutMs?: number;
}

/** Events: 'timeout' ({ boardId, dropped: ContextLayer[] }). */
export class ContextStack extends EventEmitter {
  readonly timeoutMs: number;
  readonly #stacks = new Map<string, ContextLayer[]>();
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(opts: ContextStackOptions = {}) {
    super();
    this.timeoutMs = opts.timeoutMs ?? 15_000;
  }

  /** Layers of a board, bottom first (the last one is the most recent). */
  layers(boardId: string): readonly ContextLayer[] {
    return this.#stacks.get(boardId) ?? [];
  }

  /** Opens a layer and restarts the board's timeout. */
  push(boardId: string, layer: ContextLayer): void {
    const stack = this.#stacks.get(boardId) ?? [];
    stack.push(layer);
    this.#stacks.set(boardId, stack);
    this.#arm(boardId);
  }

  /** Keeps only the layers below `depth` (0 clears the board back to the root context). */
  truncate(boardId: string, depth: number): void {
    const stack = this.#stacks.get(boardId);
    if (!stack) return;
    stack.length = Math.min(stack.length, Math.max(0, depth));
    if (stack.length === 0) {
      this.#stacks.delete(boardId);
      this.#disarm(boardId);
    }
  }

  /** Drops every context of every board. */
  clearAll(): void {
    for (const id of [...this.#stacks.keys()]) this.truncate(id, 0);
  }

  #arm(boardId: string): void {
    this.#disarm(boardId);
    const timer = setTimeout(() => {
      this.#timers.delete(boardId);
      const dropped = [...this.layers(boardId)];
      this.truncate(boardId, 0);
      this.emit('timeout', { boardId, dropped });
    }, this.timeoutMs);
    timer.unref?.();
    this.#timers.set(boardId, timer);
  }

  #disarm(boardId: string): void {
    const t = this.#timers.get(boardId);
    if (t !== undefined) clearTimeout(t);
    this.#timers.delete(boardId);
  }
}
