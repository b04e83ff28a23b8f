/** Capped exponential backoff for reconnects (aioesphomeapi's numbers: ×1.8 up to a cap). */

export interface BackoffOptions {
  /** First delay. Default 250 ms. */
  initialMs?: number;
  /** Growth factor. Default 1.8. */
  factor?: number;
  /** Largest delay. Default 30000 ms. */
  maxMs?: number;
}

export class Backoff {
  private attempt = 0;
  private readonly initialMs: number;
  private readonly factor: number;
  private readonly maxMs: number;

  constructor(opts: BackoffOptions = {}) {
    this.initialMs = opts.initialMs ?? 250;
    this.factor = opts.factor ?? 1.8;
    this.maxMs = opts.maxMs ?? 30_000;
  }

  /** The delay before the next attempt; each call grows the following one. */
  next(): number {
    const d = Math.min(this.maxMs, this.initialMs * this.factor ** this.attempt);
    this.attempt++;
    return Math.round(d);
  }

  /** After a successful connection. */
  reset(): void {
    this.attempt = 0;
  }
}
