/**
 * The next event of an emitter whose payload passes a predicate, bounded by a timeout — the one waiter
 * the board classes (emulated, native, simulated) share. The caller names the failure, so the error
 * says which board waited for what; `failOn` ends the wait early on another event (a process exit).
 */
import type { EventEmitter } from 'node:events';

export interface WaitForEventOptions {
  /** The error for a timeout. */
  timeout: () => Error;
  /** Events that end the wait with their error (e.g. `{ exit: () => new HarkError(…) }`). */
  failOn?: Readonly<Record<string, () => Error>>;
}

export function waitForEvent<T>(
  em: EventEmitter,
  event: string,
  predicate: (payload: T) => boolean,
  timeoutMs: number,
  opts: WaitForEventOptions,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const on = (payload: T) => {
      if (!predicate(payload)) return;
      cleanup();
      resolve(payload);
    };
    const failures = Object.entries(opts.failOn ?? {}).map(([name, error]) => {
      const fail = () => {
        cleanup();
        reject(error());
      };
      return [name, fail] as const;
    });
    const timer = setTimeout(() => {
      cleanup();
      reject(opts.timeout());
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      em.off(event, on);
      for (const [name, fail] of failures) em.off(name, fail);
    };
    em.on(event, on);
    for (const [name, fail] of failures) em.once(name, fail);
  });
}
