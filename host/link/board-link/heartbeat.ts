/**
 * The host's heartbeat on a ready link (SPEC §4.2): a PING every `intervalMs`; after `misses` PINGs
 * without an answer the link is declared lost, with the real silence measured — the time since the
 * board last answered (or since the heartbeat began), not since the last frame of any kind. A board that
 * keeps sending but never answers is told apart from a silent one: it is not reading what the host sends.
 */

/**
 * PING tokens for one link: u32, +1 each, skipping 0 on wrap — token 0 means "who are you?"
 * (SPEC 1.1: the handshake nudge), so heartbeats and pacing barriers never use it.
 */
export class PingTokens {
  private last = 0;
  next(): number {
    this.last = (this.last + 1) >>> 0;
    if (this.last === 0) this.last = 1;
    return this.last;
  }
}

export interface Silence {
  /** PINGs sent since the last answer. */
  unanswered: number;
  /** Since the board last answered a PING (or since the heartbeat started), ms. */
  sinceAnswerMs: number;
  /** Since the last frame of any kind from the board, ms. */
  sinceFrameMs: number;
}

export interface HeartbeatHooks {
  sendPing(token: number): void;
  lost(silence: Silence): void;
}

/** Says what a lost heartbeat means, for the error message. */
export function describeHeartbeatLoss(s: Silence): string {
  const answer = `no answer to ${s.unanswered} PINGs for ${Math.round(s.sinceAnswerMs)} ms`;
  if (s.sinceFrameMs < s.sinceAnswerMs / 2) {
    return `${answer}, though it kept sending (last frame ${Math.round(s.sinceFrameMs)} ms ago): the board does not read what the host sends (hung receive path, or its RX line is broken)`;
  }
  return `${answer} and nothing else from it either: the board hung, lost power or was unplugged`;
}

export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private outstanding = new Map<number, number>();
  private unanswered = 0;
  private lastAnswerAt = 0;
  private lastFrameAt = 0;
  /** Round trip of the last answered PING, ms. */
  lastRttMs = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly tokens: PingTokens,
    private readonly hooks: HeartbeatHooks,
    private readonly misses = 3,
  ) {}

  /** Begins (or restarts) beating; the link just became ready. */
  start(): void {
    this.stop();
    const now = performance.now();
    this.lastAnswerAt = now;
    this.lastFrameAt = now;
    this.timer = setInterval(() => this.beat(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.outstanding.clear();
    this.unanswered = 0;
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  /** Any frame from the board. */
  onFrame(now = performance.now()): void {
    this.lastFrameAt = now;
  }

  /**
   * A PONG, or proof that the board processed a PING of ours (a pacing barrier's PONG): the board is
   * alive and reading. Returns the round trip when `token` was one of the heartbeat's PINGs.
   */
  onAnswer(token: number): number | undefined {
    const now = performance.now();
    this.lastAnswerAt = now;
    this.unanswered = 0;
    const sent = this.outstanding.get(token);
    this.outstanding.clear();
    if (sent === undefined) return undefined;
    this.lastRttMs = now - sent;
    return this.lastRttMs;
  }

  private beat(): void {
    const now = performance.now();
    if (this.unanswered >= this.misses) {
      const silence: Silence = {
        unanswered: this.unanswered,
        sinceAnswerMs: now - this.lastAnswerAt,
        sinceFrameMs: now - this.lastFrameAt,
      };
      this.stop();
      this.hooks.lost(silence);
      return;
    }
    const token = this.tokens.next();
    this.outstanding.set(token, now);
    this.unanswered++;
    this.hooks.sendPing(token);
  }
}
