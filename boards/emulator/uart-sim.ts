/**
 * A small board's serial path, modelled on the Uno (firmware/boards/avr/avr_board.c): host bytes arrive
 * at line rate (8N1: 10 bits a byte) into an RX-interrupt ring of `bufferBytes`, which the firmware loop
 * drains whenever it runs. Its own frames go into a TX ring of `txRingBytes` (64) that an interrupt
 * drains at line rate: LOG, ERROR and AUDIO frames wait until they fit, other frames (PONG, BUTTON,
 * SPEAKER_CREDIT, …) are handed over at once, and when one does not fit the free space the loop stands
 * still until it does — and meanwhile the RX ring fills. A byte that arrives to a full RX ring is lost,
 * exactly as on the board, and the frame it belonged to then fails COBS or CRC. This is what makes host
 * pacing by HELLO.rx_window_bytes (SPEC §1.4.2) testable: without it the emulator reads every byte
 * however fast the host writes (a PING flood, each PONG longer than its PING, overflows an unpaced Uno).
 *
 * Time is simulated from wall-clock arrival: a chunk from the pty starts arriving when it is read (or
 * when the previous chunk has finished arriving, whichever is later). Surviving bytes are handed to the
 * board frame by frame at the simulated moment its loop would read them, and what the board sends in
 * reply is timed from that moment, so the outcome of a burst does not depend on when a timer of this
 * process happened to run (a loaded machine drops the same bytes as an idle one), and a PONG can never
 * overtake bytes the board had not yet processed.
 */

export interface UartRxOptions {
  /** The RX ring (HELLO.rx_window_bytes; 64 on the Uno). */
  bufferBytes: number;
  /** The TX ring the transmit interrupt drains. Default 64 (the Uno's). */
  txRingBytes?: number;
  /** Line rate in baud (the profile's serial.baudRate). */
  baudRate: number;
}

export interface UartRxStats {
  bytesIn: number;
  /** Bytes lost to a full ring. */
  bytesDropped: number;
  /** Times the ring overflowed (a run of lost bytes counts once). */
  overflows: number;
  /** Most bytes ever waiting in the ring. */
  peakBytes: number;
}

interface Interval {
  start: number;
  end: number;
}

export class UartRx {
  readonly stats: UartRxStats = { bytesIn: 0, bytesDropped: 0, overflows: 0, peakBytes: 0 };
  private readonly byteMs: number;
  private wireFreeAt = 0;
  private txFreeAt = 0;
  /** Bytes on the wire not yet judged: values and arrival times. */
  private arriving: number[] = [];
  private arrivals: number[] = [];
  private head = 0;
  /** Bytes in the ring, waiting for the loop; `ringOf` is the busy interval that keeps them there. */
  private ring: number[] = [];
  private ringOf: Interval | undefined;
  private lastDropped = false;
  private busy: Interval[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** The simulated time of the bytes being handed to the board, while they are (else undefined). */
  private modelNow: number | undefined;

  constructor(
    private readonly opts: UartRxOptions,
    private readonly deliver: (bytes: Uint8Array) => void,
  ) {
    this.byteMs = 10_000 / opts.baudRate;
  }

  /** Host bytes read from the port now. */
  receive(chunk: Uint8Array): void {
    if (this.closed) return;
    const now = performance.now();
    let at = Math.max(now, this.wireFreeAt);
    for (const b of chunk) {
      at += this.byteMs;
      this.arriving.push(b);
      this.arrivals.push(at);
    }
    this.wireFreeAt = at;
    this.stats.bytesIn += chunk.length;
    this.pump();
  }

  /**
   * The board queued `bytes` for transmission. They leave at line rate after what is already queued; a
   * frame that `waits` for room (a control frame) blocks the loop until its last byte fits the TX ring.
   */
  transmitted(bytes: number, waits = true): void {
    if (this.closed || bytes <= 0) return;
    // While it handles a delivered frame the board's clock is that frame's (simulated) time, so what it
    // sends in reply counts from then, not from whenever this timer happened to run.
    const now = this.modelNow ?? performance.now();
    const end = Math.max(now, this.txFreeAt) + bytes * this.byteMs;
    this.txFreeAt = end;
    if (!waits) return;
    const blockedUntil = end - (this.opts.txRingBytes ?? 64) * this.byteMs;
    if (blockedUntil <= now) return;
    const last = this.busy.at(-1);
    if (last && now <= last.end) last.end = Math.max(last.end, blockedUntil);
    else this.busy.push({ start: now, end: blockedUntil });
    // No pump here: bytes are judged when they arrive, and a ring timer that fires before an extended
    // interval ends simply re-arms.
  }

  /** Forgets everything in flight (the board reset or the port closed). */
  reset(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.arriving = [];
    this.arrivals = [];
    this.head = 0;
    this.ring = [];
    this.ringOf = undefined;
    this.busy = [];
    this.wireFreeAt = 0;
    this.txFreeAt = 0;
  }

  close(): void {
    this.reset();
    this.closed = true;
  }

  private busyAt(t: number): Interval | undefined {
    for (const iv of this.busy) if (t >= iv.start && t < iv.end) return iv;
    return undefined;
  }

  /** Hands `bytes` to the board as processed at simulated time `at` (it may transmit in reply). */
  private deliverAt(bytes: number[], at: number): void {
    if (bytes.length === 0) return;
    this.modelNow = at;
    try {
      this.deliver(Uint8Array.from(bytes));
    } finally {
      this.modelNow = undefined;
    }
  }

  private pump(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const now = performance.now();
    let out: number[] = [];
    let outAt = 0;
    const flushOut = () => {
      this.deliverAt(out, outAt);
      out = [];
    };
    const drainRing = () => {
      flushOut();
      const at = this.ringOf!.end;
      const bytes = this.ring;
      this.ring = [];
      this.ringOf = undefined;
      this.deliverAt(bytes, at);
    };
    while (this.head < this.arriving.length && this.arrivals[this.head]! <= now && !this.closed) {
      const at = this.arrivals[this.head]!;
      const byte = this.arriving[this.head]!;
      this.head++;
      if (this.ringOf && this.ringOf.end <= at) drainRing();
      const iv = this.busyAt(at);
      if (!iv) {
        out.push(byte);
        outAt = at;
        this.lastDropped = false;
        // The board reacts at a frame's end: deliver there, so its reply's TX time counts for what follows.
        if (byte === 0) flushOut();
        continue;
      }
      flushOut();
      if (this.ringOf && this.ringOf !== iv) drainRing();
      this.ringOf = iv;
      if (this.ring.length >= this.opts.bufferBytes) {
        this.stats.bytesDropped++;
        if (!this.lastDropped) this.stats.overflows++;
        this.lastDropped = true;
      } else {
        this.ring.push(byte);
        this.lastDropped = false;
        this.stats.peakBytes = Math.max(this.stats.peakBytes, this.ring.length);
      }
    }
    flushOut();
    if (this.ringOf && this.ringOf.end <= now) drainRing();
    if (this.head > 4096) {
      this.arriving = this.arriving.slice(this.head);
      this.arrivals = this.arrivals.slice(this.head);
      this.head = 0;
    }
    this.busy = this.busy.filter((iv) => iv.end > now - 1000);
    const next = Math.min(
      this.head < this.arriving.length ? this.arrivals[this.head]! : Number.POSITIVE_INFINITY,
      this.ringOf ? this.ringOf.end : Number.POSITIVE_INFINITY,
    );
    if (Number.isFinite(next) && !this.closed) {
      this.timer = setTimeout(() => this.pump(), Math.max(0, next - performance.now()));
    }
  }
}
