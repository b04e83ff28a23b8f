/**
 * What one board may cost the rest of the host per second, whatever it sends: token buckets per kind
 * of work (events posted to main, HELLO_ACKs, PONGs, re-handshakes, error reports) and a count of what
 * each refused. Refusals are not silent: once a second while any happen, `onSummary` gets the counts
 * (by what was refused, e.g. `{ 'LOG': 5120, 'HELLO_ACK': 19998 }`), so main can print one line where
 * a flood would have printed a million (issue 10: a HELLO storm of 1.2 M frames in 60 s).
 */

export interface Limit {
  /** Sustained rate, per second. */
  perSecond: number;
  /** Burst allowed above the rate. */
  burst: number;
}

export class TokenBucket {
  private tokens: number;
  private at = performance.now();

  constructor(private readonly limit: Limit) {
    this.tokens = limit.burst;
  }

  take(now = performance.now()): boolean {
    this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.at) * this.limit.perSecond) / 1000);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }
}

/** The work a board can cause, and how much of each per second. */
export const THROTTLE_LIMITS = {
  /** Board → main events, per message type (LOG, BUTTON, GPIO_STATE …); utterance boundaries are never refused. */
  event: { perSecond: 200, burst: 400 },
  /** HELLOs of a ready board handled at all (a board repeats HELLO once a second). */
  hello: { perSecond: 5, burst: 10 },
  /** HELLO_ACKs re-sent for repeated HELLOs of a ready board. */
  ack: { perSecond: 2, burst: 3 },
  /** PONGs answering the board's own PINGs. */
  pong: { perSecond: 50, burst: 50 },
  /** New handshakes of a ready board (HELLO with seq 0: it reset). */
  handshake: { perSecond: 1, burst: 3 },
  /** Error reports for this board (each distinct cause is reported once anyway). */
  error: { perSecond: 1, burst: 5 },
} as const satisfies Record<string, Limit>;

export type ThrottleKind = keyof typeof THROTTLE_LIMITS;

export class EventThrottle {
  private readonly buckets = new Map<string, TokenBucket>();
  private counts: Record<string, number> = {};
  private refused = 0;
  private timer: NodeJS.Timeout | undefined;
  private periodStart = 0;

  constructor(
    private readonly onSummary: (counts: Record<string, number>, periodMs: number) => void,
    private readonly limits: Record<ThrottleKind, Limit> = THROTTLE_LIMITS,
    private readonly periodMs = 1000,
  ) {}

  /**
   * True when `kind` of work may happen now; otherwise counts it under `what`. `key` gives `what` a
   * bucket of its own within the kind's limit (events: one per message type, so a flood of credits
   * never starves an ERROR or a BUTTON).
   */
  allow(kind: ThrottleKind, what: string, key: string = kind): boolean {
    let b = this.buckets.get(key);
    if (!b) {
      b = new TokenBucket(this.limits[kind]);
      this.buckets.set(key, b);
    }
    if (b.take()) return true;
    this.count(what);
    return false;
  }

  /** Counts something refused elsewhere (a frame the link ignored) in the next summary. */
  count(what: string, n = 1): void {
    this.counts[what] = (this.counts[what] ?? 0) + n;
    this.refused += n;
    if (!this.timer) {
      this.periodStart = performance.now();
      this.timer = setInterval(() => this.flush(), this.periodMs);
      this.timer.unref();
    }
  }

  /** Reports what is counted so far (also at close, so nothing counted goes unsaid). */
  flush(): void {
    if (this.refused === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    const counts = this.counts;
    const now = performance.now();
    const period = now - this.periodStart;
    this.counts = {};
    this.refused = 0;
    this.periodStart = now;
    this.onSummary(counts, Math.round(period));
  }

  /** Says what is left and stops the timer. */
  stop(): void {
    this.flush();
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
