/**
 * Clean shutdown on SIGINT/SIGTERM: runs the registered closers (ports, workers) once, in reverse
 * order of registration, then resolves `done` so the command returns its exit code. A second signal
 * while closing exits at once with code 130 (a stuck close must never trap the user): the handlers stay
 * installed until every closer has finished, so that second signal is always ours, never the default
 * action that kills the process by signal.
 *
 * Bounded: when the closers have not finished `deadlineMs` after the first signal (default 2500, so a
 * service manager's stop never waits more than about 3 s), the shutdown says which closer is still
 * running, stops waiting, and the process exits shortly after with the command's exit code — whatever
 * a board or a worker does.
 */

export interface ShutdownOptions {
  /** How long closing may take before hark stops waiting. Default 2500 ms. */
  deadlineMs?: number;
  /** Called once when closing starts (e.g. to print "stopping…"). */
  onClosing?: (reason: string) => void;
  /** Where the deadline's message goes. Default: stderr. */
  warn?: (line: string) => void;
}

/** After the deadline, run() returns; this much later the process exits even if a handle stays. */
const EXIT_GRACE_MS = 300;

export class Shutdown {
  readonly done: Promise<string>;
  #resolve!: (signal: string) => void;
  #closers: { close: () => Promise<void> | void; name: string }[] = [];
  #closing = false;
  readonly #opts: ShutdownOptions;
  #onSignal = (signal: NodeJS.Signals) => {
    if (this.#closing) process.exit(130);
    void this.close(signal);
  };

  constructor(opts: ShutdownOptions = {}) {
    this.#opts = opts;
    this.done = new Promise((r) => {
      this.#resolve = r;
    });
    process.on('SIGINT', this.#onSignal);
    process.on('SIGTERM', this.#onSignal);
  }

  /** True once a signal arrived or close() ran. */
  get closing(): boolean {
    return this.#closing;
  }

  /** Registers something to close (`name` for the deadline's message); closers run last-registered first. */
  add(closer: () => Promise<void> | void, name = `closer ${this.#closers.length + 1}`): void {
    this.#closers.push({ close: closer, name });
  }

  /** Closes everything (also called on normal completion); errors are collected, not thrown. */
  async close(reason = 'done'): Promise<unknown[]> {
    if (this.#closing) return [];
    this.#closing = true;
    this.#opts.onClosing?.(reason);
    const errors: unknown[] = [];
    let current = '';
    const all = (async () => {
      for (const c of this.#closers.reverse()) {
        current = c.name;
        try {
          await c.close();
        } catch (e) {
          errors.push(e);
        }
      }
    })();
    const deadlineMs = this.#opts.deadlineMs ?? 2500;
    let timer: NodeJS.Timeout | undefined;
    const expired = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(true), deadlineMs);
      }),
    ]);
    clearTimeout(timer);
    if (expired) {
      const warn = this.#opts.warn ?? ((l: string) => process.stderr.write(`${l}\n`));
      warn(
        `hark: shutdown did not finish within ${deadlineMs} ms (still closing: ${current}); exiting anyway`,
      );
      // The command returns now; a handle the stuck closer holds must not keep the process alive.
      setTimeout(() => process.exit(process.exitCode ?? 0), EXIT_GRACE_MS).unref();
    } else {
      // Still ours while something may be stuck: a second signal then exits 130, never by signal.
      process.off('SIGINT', this.#onSignal);
      process.off('SIGTERM', this.#onSignal);
    }
    this.#resolve(reason);
    return errors;
  }
}
