/**
 * One answer per room. Boards are grouped by room in the config; when several boards of one room
 * hear the same thing within `windowMs` (300 ms by default) — the wake phrase said across the
 * kitchen, two buttons pressed at once — each reaches its decision point (its final transcript,
 * before any command runs) and claims the room. Claims of utterances that began within the window
 * of each other form a round: the loudest utterance (the board nearest the speaker) answers, the
 * others go back to idle with a short LED acknowledgement.
 *
 * Rivals of a claim: the room's other connected boards whose utterance began within the window of
 * this one ('listening' events), or — hands-free, where a background stream has no start — that heard
 * speech (a level above `speechDb`) since just before it. The round is decided as soon as every rival
 * has claimed or finished without a command (an empty or wake-only transcript), and at the latest
 * `maxWaitMs` after the first claim (recognition of the same phrase finishes at different moments on
 * different boards, more so under load). Levels arrive live, long before recognition ends, so a rival
 * that was quieter than a claim throughout cannot win and is not awaited: the loudest board answers
 * the moment its own transcript is ready. A board alone in its room, or whose room-mates heard
 * nothing, answers at once: the arbitration costs time only when a louder rival is still decoding.
 *
 * ```
 *  claim(A) ──► rivals? ──no──► A answers
 *                 │yes
 *                 ▼
 *            round opens ──(every rival claimed or done | maxWaitMs)──► loudest answers, the rest yield
 *  a claim whose utterance began within windowMs of a decided round's winner yields at once
 * ```
 */
import { EventEmitter } from 'node:events';
import type { AudioLevel } from '../../base/audio/level-meter.js';
import { HarkError } from '../../base/errors.js';
import type { HarkConfig } from '../config/index.js';
import type { PipelineEvent } from '../events.js';

/** Options of {@link RoomArbiter} (config keys `rooms.*`). */
export interface RoomOptions {
  /** Room name → the uids of its boards. A board may be in one room only. */
  rooms: Readonly<Record<string, readonly string[]>>;
  /** How long a round waits for rivals, ms; default 300. */
  windowMs?: number;
  /** A level above this (dBFS, RMS of 100 ms) counts as hearing speech; default -50. */
  speechDb?: number;
  /** The longest a round waits for its rivals' recognition, ms; default 1500. */
  maxWaitMs?: number;
}

/** The `rooms.*` keys (board → room) as options; undefined when no board has a room. */
export function roomOptions(c: HarkConfig['rooms']): RoomOptions | undefined {
  const rooms: Record<string, string[]> = {};
  for (const [board, room] of Object.entries(c.boards)) rooms[room] = [...(rooms[room] ?? []), board];
  if (Object.keys(rooms).length === 0) return undefined;
  return { rooms, windowMs: c.windowMs, maxWaitMs: c.maxWaitMs };
}

/** One board's claim: when its utterance started (performance.now()) and how loud it was. */
export interface Claim {
  boardId: string;
  startedAt: number;
  signalDb: number;
}

interface Round {
  room: string;
  firstAt: number;
  startedAt: number;
  claims: (Claim & { resolve: (won: boolean) => void })[];
  rivals: Set<string>;
  timer: NodeJS.Timeout | undefined;
}

interface Decided {
  winner: Claim;
  at: number;
}

/** What the arbiter reads from the host (HarkPipeline is one). */
export interface RoomHost {
  on(event: 'level', fn: (l: AudioLevel & { boardId: string }) => void): unknown;
  on(event: 'event', fn: (e: PipelineEvent) => void): unknown;
  // biome-ignore lint/suspicious/noExplicitAny: EventEmitter's own listener type.
  off(event: string, fn: (...args: any[]) => void): unknown;
  /** Whether a board is connected now. */
  board(boardId: string): unknown;
}

/** How many figures the arbiter keeps: a host that runs for months must not grow with every utterance. */
const KEPT_FIGURES = 256;
function keepLast<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > KEPT_FIGURES) list.splice(0, list.length - KEPT_FIGURES);
}

export class RoomArbiter extends EventEmitter {
  readonly windowMs: number;
  readonly maxWaitMs: number;
  readonly #speechDb: number;
  /** When each board's current utterance began ('listening'). */
  readonly #startAt = new Map<string, number>();
  readonly #roomOf = new Map<string, string>();
  readonly #members = new Map<string, string[]>();
  readonly #loudAt = new Map<string, number>();
  readonly #rounds = new Map<string, Round>();
  readonly #decided = new Map<string, Decided>();
  readonly #host: RoomHost;
  readonly #emit: (e: PipelineEvent) => void;
  /** Each board's recent levels (about 5 s), to know whether a rival was ever louder. */
  readonly #levels = new Map<string, { t: number; db: number }[]>();
  readonly #onLevel = (l: AudioLevel & { boardId: string }) => {
    const now = performance.now();
    if (l.rmsDb > this.#speechDb) this.#loudAt.set(l.boardId, now);
    const ring = this.#levels.get(l.boardId) ?? [];
    this.#levels.set(l.boardId, ring);
    ring.push({ t: now, db: l.rmsDb });
    if (ring.length > 50) ring.shift();
  };
  readonly #onEvent = (e: PipelineEvent) => {
    if (e.event === 'listening') this.#startAt.set(e.boardId, performance.now());
    else if (e.event === 'transcript') {
      // The claim, if any, follows in the same turn: one that has not come by the next is not coming.
      setImmediate(() => this.#done(e.boardId));
    }
  };
  /** Decision times of the last contested rounds (first claim → decision, ms): the bench reads them. */
  readonly decisions: number[] = [];
  /** How long the last claims of rooms with rivals waited for their answers, ms (the bench's figure). */
  readonly waits: { boardId: string; won: boolean; ms: number }[] = [];

  constructor(opts: RoomOptions, host: RoomHost, emit: (e: PipelineEvent) => void) {
    super();
    this.windowMs = opts.windowMs ?? 300;
    this.maxWaitMs = opts.maxWaitMs ?? 1500;
    this.#speechDb = opts.speechDb ?? -50;
    if (!Number.isFinite(this.maxWaitMs) || this.maxWaitMs < 0 || this.maxWaitMs > 10_000)
      throw new HarkError('HARK_ERR_ROOMS_CONFIG', `rooms.maxWaitMs is ${opts.maxWaitMs}: use 0..10000 ms`);
    if (!Number.isFinite(this.windowMs) || this.windowMs < 0 || this.windowMs > 5000)
      throw new HarkError('HARK_ERR_ROOMS_CONFIG', `rooms.windowMs is ${opts.windowMs}: use 0..5000 ms`);
    for (const [room, boards] of Object.entries(opts.rooms)) {
      if (!room.trim())
        throw new HarkError('HARK_ERR_ROOMS_CONFIG', 'a room needs a name (rooms has an empty key)');
      for (const b of boards) {
        const other = this.#roomOf.get(b);
        if (other && other !== room)
          throw new HarkError(
            'HARK_ERR_ROOMS_CONFIG',
            `board ${b} is in two rooms: "${other}" and "${room}"`,
          );
        this.#roomOf.set(b, room);
      }
      this.#members.set(room, [...new Set(boards)]);
    }
    this.#host = host;
    this.#emit = emit;
    host.on('level', this.#onLevel);
    host.on('event', this.#onEvent);
  }

  roomOf(boardId: string): string | undefined {
    return this.#roomOf.get(boardId);
  }

  /** Resolves true when this board answers, false when another board of its room does. */
  claim(c: Claim): Promise<boolean> {
    const room = this.#roomOf.get(c.boardId);
    if (!room) return Promise.resolve(true);
    const at = performance.now();
    return this.#claim(room, c).then((won) => {
      if ((this.#members.get(room)?.length ?? 0) > 1)
        keepLast(this.waits, { boardId: c.boardId, won, ms: performance.now() - at });
      return won;
    });
  }

  #claim(room: string, c: Claim): Promise<boolean> {
    const now = performance.now();
    const round = this.#rounds.get(room);
    if (round && Math.abs(c.startedAt - round.startedAt) <= this.windowMs) return this.#join(round, c);
    const decided = this.#decided.get(room);
    if (
      decided &&
      decided.winner.boardId !== c.boardId &&
      Math.abs(c.startedAt - decided.winner.startedAt) <= this.windowMs
    ) {
      this.#report(room, decided.winner, [c], 'late');
      return Promise.resolve(false); // the room has already answered this
    }
    const w = this.windowMs;
    const rivals = new Set(
      (this.#members.get(room) ?? []).filter((b) => {
        if (b === c.boardId || this.#host.board(b) === undefined) return false;
        const began = this.#startAt.get(b);
        if (began !== undefined && Math.abs(began - c.startedAt) <= w) return true;
        // Hands-free: no start to compare, but did it hear speech since just before this utterance?
        return (this.#loudAt.get(b) ?? Number.NEGATIVE_INFINITY) >= c.startedAt - w && began === undefined;
      }),
    );
    // A rival that was quieter than this claim the whole time cannot win: not worth waiting for. Only
    // if its levels cover as much audio as the claim's own: on a loaded host a rival's audio can be
    // measured later than the claimant's, and levels not yet heard are not quiet ones.
    const since = c.startedAt - w;
    const measured = this.#blocks(c.boardId, since);
    for (const b of rivals) {
      if (this.#blocks(b, since) + 1 >= measured && this.#peak(b, since) < c.signalDb) rivals.delete(b);
    }
    if (rivals.size === 0) {
      this.#decided.set(room, { winner: c, at: now });
      return Promise.resolve(true);
    }
    const r: Round = { room, firstAt: now, startedAt: c.startedAt, claims: [], rivals, timer: undefined };
    this.#rounds.set(room, r);
    r.timer = setTimeout(() => this.#decide(r), this.maxWaitMs);
    return this.#join(r, c);
  }

  #join(r: Round, c: Claim): Promise<boolean> {
    return new Promise((resolve) => {
      r.claims.push({ ...c, resolve });
      r.rivals.delete(c.boardId);
      if (r.rivals.size === 0) this.#decide(r); // everyone who heard it has spoken up
    });
  }

  /** The loudest level a board had since `since` (performance.now() time). */
  /** How many level blocks (100 ms of audio each) a board has had measured since `since`. */
  #blocks(boardId: string, since: number): number {
    let n = 0;
    for (const l of this.#levels.get(boardId) ?? []) if (l.t >= since) n++;
    return n;
  }

  #peak(boardId: string, since: number): number {
    let peak = Number.NEGATIVE_INFINITY;
    for (const l of this.#levels.get(boardId) ?? []) if (l.t >= since && l.db > peak) peak = l.db;
    return peak;
  }

  /** A board's transcript went by without a claim: it is no longer awaited. */
  #done(boardId: string): void {
    const room = this.#roomOf.get(boardId);
    const r = room ? this.#rounds.get(room) : undefined;
    if (!r?.rivals.delete(boardId)) return;
    if (r.rivals.size === 0) this.#decide(r);
  }

  #decide(r: Round): void {
    if (this.#rounds.get(r.room) !== r) return;
    clearTimeout(r.timer);
    this.#rounds.delete(r.room);
    const winner = r.claims.reduce((best, c) =>
      c.signalDb > best.signalDb || (c.signalDb === best.signalDb && c.startedAt < best.startedAt) ? c : best,
    );
    const at = performance.now();
    keepLast(this.decisions, at - r.firstAt);
    this.#decided.set(r.room, { winner, at });
    const losers = r.claims.filter((c) => c !== winner);
    for (const c of r.claims) c.resolve(c === winner);
    if (losers.length) this.#report(r.room, winner, losers, 'round');
  }

  #report(room: string, winner: Claim, losers: Claim[], how: 'round' | 'late'): void {
    const db = (c: Claim) => `${c.signalDb.toFixed(1)} dBFS`;
    this.#emit({
      event: 'net',
      boardId: winner.boardId,
      what: 'room',
      state: 'answers',
      detail: `${room}: ${winner.boardId} answers (${db(winner)}); ${losers.map((l) => `${l.boardId} (${db(l)})`).join(', ')} ${how === 'late' ? 'heard it too, late' : 'heard it too'}`,
    });
  }

  close(): void {
    this.#host.off('level', this.#onLevel);
    this.#host.off('event', this.#onEvent);
    for (const r of this.#rounds.values()) this.#decide(r);
  }
}
