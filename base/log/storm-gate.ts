/**
 * Summarises storms of identical output. A board that sends 1.2 million HELLOs a minute must not write
 * 140 MB to the journal: the first `allow` copies of an identical event in a window pass, the rest are
 * counted, and when the window closes one summary says how many were held back
 * ("… repeated 1,220,000 times in the last 60 s"). Identity is the caller's key (an event without its
 * timestamp). Memory is bounded: at most `maxKeys` keys are tracked (the oldest window is closed early).
 */

export interface StormGateOptions {
  /** Length of a window, ms. Default 60000. */
  windowMs?: number;
  /** Identical events let through per window before suppression starts. Default 3. */
  allow?: number;
  /** Keys tracked at once. Default 1000. */
  maxKeys?: number;
  /** Clock, ms. Default performance.now. */
  now?: () => number;
  /** Called once per window that suppressed something: the key, its last sample, how many were held back. */
  onSummary(s: StormSummary): void;
}

export interface StormSummary<T = unknown> {
  key: string;
  /** The last suppressed event. */
  sample: T;
  /** How many were held back in the window. */
  suppressed: number;
  /** The window's length so far, ms. */
  windowMs: number;
}

interface Window {
  start: number;
  seen: number;
  suppressed: number;
  sample: unknown;
}

/** "1220000" → "1,220,000". */
export const groupDigits = (n: number): string => n.toLocaleString('en-US');

/** The summary sentence, e.g. "… repeated 1,220,000 times in the last 60 s". */
export const repeatedText = (s: Pick<StormSummary, 'suppressed' | 'windowMs'>): string =>
  `… repeated ${groupDigits(s.suppressed)} time${s.suppressed === 1 ? '' : 's'} in the last ${Math.max(1, Math.round(s.windowMs / 1000))} s`;

export class StormGate {
  readonly #o: Required<Omit<StormGateOptions, 'onSummary'>> & Pick<StormGateOptions, 'onSummary'>;
  readonly #windows = new Map<string, Window>();
  #timer: NodeJS.Timeout | undefined;

  constructor(opts: StormGateOptions) {
    this.#o = { windowMs: 60_000, allow: 3, maxKeys: 1000, now: () => performance.now(), ...opts };
  }

  /** True when an event with `key` may be written now; otherwise it is counted for the summary. */
  admit(key: string, sample: unknown): boolean {
    const now = this.#o.now();
    let w = this.#windows.get(key);
    if (w && now - w.start >= this.#o.windowMs) {
      this.#close(key, w, now);
      w = undefined;
    }
    if (!w) {
      if (this.#windows.size >= this.#o.maxKeys) {
        const [oldKey, oldW] = this.#windows.entries().next().value as [string, Window];
        this.#close(oldKey, oldW, now);
      }
      w = { start: now, seen: 0, suppressed: 0, sample };
      this.#windows.set(key, w);
    }
    w.seen++;
    if (w.seen <= this.#o.allow) return true;
    w.suppressed++;
    w.sample = sample;
    this.#arm(now);
    return false;
  }

  /** Emits the summaries of every window that suppressed something (on shutdown). */
  flush(): void {
    const now = this.#o.now();
    for (const [key, w] of [...this.#windows]) this.#close(key, w, now);
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #close(key: string, w: Window, now: number): void {
    this.#windows.delete(key);
    if (w.suppressed > 0)
      this.#o.onSummary({ key, sample: w.sample, suppressed: w.suppressed, windowMs: now - w.start });
  }

  /** One timer for the earliest window that holds suppressed events, so a storm that stops is still summarised. */
  #arm(now: number): void {
    if (this.#timer) return;
    let due = Number.POSITIVE_INFINITY;
    for (const w of this.#windows.values())
      if (w.suppressed > 0) due = Math.min(due, w.start + this.#o.windowMs);
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        const t = this.#o.now();
        for (const [key, w] of [...this.#windows])
          if (t - w.start >= this.#o.windowMs) this.#close(key, w, t);
        if ([...this.#windows.values()].some((w) => w.suppressed > 0)) this.#arm(t);
      },
      Math.max(0, due - now),
    );
    this.#timer.unref();
  }
}
