/**
 * WorkerRpc: request/reply and one-way events between two threads, over a `Worker` (the parent's end)
 * or a `MessagePort` (`parentPort`, a `MessageChannel` end). Both ends use the same class: each side
 * may `call()` the other (a promise settled by the other side's `onCall` result or thrown error) and
 * `emit()` events to it. Errors cross with toWire/fromWire (base/wire-error.ts), so a HarkError
 * arrives as a HarkError with its code and details.
 *
 * ```ts
 * // main thread
 * const rpc = new WorkerRpc<Req, Ev>(worker, { onEvent: (ev) => … });
 * const info = await rpc.call({ op: 'open', path });
 * worker.on('error', (e) => rpc.fail(e));          // pending calls reject, later calls too
 * // worker thread
 * const rpc = new WorkerRpc<Req, Ev>(parentPort!, { onCall: (req) => handle(req) });
 * rpc.emit({ kind: 'state', … });
 * ```
 *
 * Envelopes carry `rpc: 'call' | 'reply' | 'event'`; other messages on the same endpoint are left to
 * other listeners. Calls are answered in whatever order their handlers settle.
 */
import type { TransferListItem } from 'node:worker_threads';
import { fromWire, toWire, type WireError } from './wire-error.js';

/** What WorkerRpc needs from a Worker or MessagePort. */
export interface RpcEndpoint {
  postMessage(value: unknown, transferList?: readonly TransferListItem[]): void;
  on(event: 'message', listener: (value: unknown) => void): unknown;
  off(event: 'message', listener: (value: unknown) => void): unknown;
}

export interface WorkerRpcOptions<Call, Event> {
  /** Answers the other side's call(): its return value (or promise) is the reply; a throw rejects it. */
  onCall?: (body: Call) => unknown;
  /** Receives the other side's emit(). */
  onEvent?: (body: Event) => void;
}

export interface CallOptions {
  /** Moved, not copied, to the other thread (MessagePorts, ArrayBuffers). */
  transfer?: readonly TransferListItem[];
  /** Reject with an RpcTimeoutError when no reply arrived in time. Default: wait for ever. */
  timeoutMs?: number;
}

/** A call that got no reply within its timeoutMs. */
export class RpcTimeoutError extends Error {
  readonly code = 'RPC_TIMEOUT';
  constructor(readonly timeoutMs: number) {
    super(`no reply within ${timeoutMs} ms`);
    this.name = 'RpcTimeoutError';
  }
}

/**
 * A reply whose buffers move instead of being copied: `onCall` returns `transferred(value, [buf])`
 * and the caller receives `value` (e.g. ~100 KB of speech going to the link worker).
 */
export class Transferred<T = unknown> {
  constructor(
    readonly value: T,
    readonly transfer: readonly TransferListItem[],
  ) {}
}
export const transferred = <T>(value: T, transfer: readonly TransferListItem[]): Transferred<T> =>
  new Transferred(value, transfer);

type Envelope =
  | { rpc: 'call'; id: number; body: unknown }
  | { rpc: 'reply'; id: number; ok: true; value: unknown }
  | { rpc: 'reply'; id: number; ok: false; error: WireError }
  | { rpc: 'event'; body: unknown };

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout | undefined;
}

export class WorkerRpc<Call = unknown, Event = unknown> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private failure: Error | undefined;
  private readonly listener = (m: unknown) => this.receive(m);

  constructor(
    private readonly endpoint: RpcEndpoint,
    private readonly options: WorkerRpcOptions<Call, Event> = {},
  ) {
    endpoint.on('message', this.listener);
  }

  /** Calls the other side; settles with its handler's result. */
  call<R = unknown>(body: Call, options: CallOptions = {}): Promise<R> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.pending.delete(id);
              reject(new RpcTimeoutError(options.timeoutMs!));
            }, options.timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      try {
        this.endpoint.postMessage({ rpc: 'call', id, body } satisfies Envelope, options.transfer);
      } catch (e) {
        this.settle(id, undefined, e as Error);
      }
    });
  }

  /** Sends a one-way event (no reply). Dropped once the channel failed. */
  emit(body: Event, transfer?: readonly TransferListItem[]): void {
    if (this.failure) return;
    this.endpoint.postMessage({ rpc: 'event', body } satisfies Envelope, transfer);
  }

  /** Calls waiting for a reply. */
  get pendingCalls(): number {
    return this.pending.size;
  }

  /** The other side is gone: every pending and later call rejects with `error`. */
  fail(error: Error): void {
    this.failure ??= error;
    for (const id of [...this.pending.keys()]) this.settle(id, undefined, this.failure);
  }

  /** Stops listening; pending and later calls reject with `error`. */
  close(error: Error = new Error('the RPC channel is closed')): void {
    this.endpoint.off('message', this.listener);
    this.fail(error);
  }

  private settle(id: number, value: unknown, error?: Error): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (error) p.reject(error);
    else p.resolve(value);
  }

  private receive(m: unknown): void {
    if (!m || typeof m !== 'object' || !('rpc' in m)) return;
    const env = m as Envelope;
    switch (env.rpc) {
      case 'reply':
        this.settle(env.id, env.ok ? env.value : undefined, env.ok ? undefined : fromWire(env.error));
        return;
      case 'event':
        this.options.onEvent?.(env.body as Event);
        return;
      case 'call':
        this.answer(env.id, env.body as Call);
    }
  }

  private answer(id: number, body: Call): void {
    const reply = (r: Envelope, transfer?: readonly TransferListItem[]) => {
      try {
        this.endpoint.postMessage(r, transfer);
      } catch (e) {
        // The value could not be cloned: say so instead of leaving the caller waiting.
        this.endpoint.postMessage({ rpc: 'reply', id, ok: false, error: toWire(e) } satisfies Envelope);
      }
    };
    let result: unknown;
    try {
      if (!this.options.onCall) throw new Error('this side of the RPC channel takes no calls');
      result = this.options.onCall(body);
    } catch (e) {
      reply({ rpc: 'reply', id, ok: false, error: toWire(e) });
      return;
    }
    Promise.resolve(result).then(
      (value) =>
        value instanceof Transferred
          ? reply({ rpc: 'reply', id, ok: true, value: value.value }, value.transfer)
          : reply({ rpc: 'reply', id, ok: true, value }),
      (e: unknown) => reply({ rpc: 'reply', id, ok: false, error: toWire(e) }),
    );
  }
}
