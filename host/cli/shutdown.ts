/**
 * Clean shutdown on SIGINT/SIGTERM: runs the registered closers (ports, workers) once, in reverse
 * order of registration, then resolves `done` so the command returns its exit code. A second signal
 * while closing exits at once with code 130 (a stuck close must never trap the user): the handlers stay
 * installed until every closer has finished, so that second signal is always ours, never the default
 * action that kills the process by signal.
 */
export class Shutdown {
  readonly done: Promise<string>;
  #resolve!: (signal: string) => void;
  #closers: (() => Promise<void> | void)[] = [];
  #closing = false;
  #onSignal = (signal: NodeJS.Signals) => {
    if (this.#closing) process.exit(130);
    void this.close(signal);
  };

  constructor() {
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

  /** Registers something to close; closers run last-registered first. */
  add(closer: () => Promise<void> | void): void {
    this.#closers.push(closer);
  }

  /** Closes everything (also called on normal completion); errors are collected, not thrown. */
  async close(reason = 'done'): Promise<unknown[]> {
    if (this.#closing) return [];
    this.#closing = true;
    const errors: unknown[] = [];
    for (const c of this.#closers.reverse()) {
      try {
        await c();
      } catch (e) {
        errors.push(e);
      }
    }
    process.off('SIGINT', this.#onSignal);
    process.off('SIGTERM', this.#onSignal);
    this.#resolve(reason);
    return errors;
  }
}
