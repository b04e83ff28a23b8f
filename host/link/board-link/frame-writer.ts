/**
 * FrameWriter: everything one link sends goes through its own bounded queue, so a board that stops
 * reading costs only itself. The port (a non-blocking tty, base/serial/tty-port.ts) is handed at most
 * `maxInFlightBytes` at a time: libuv's queue cannot be emptied short of closing the port, so it gets
 * little and the rest stays here, where it can be dropped and counted.
 *
 * The writer owns the host → board `seq` counter (SPEC §1): frames are queued as encoded payloads and
 * get their seq and framing (CRC, COBS) when they leave, so a pacing barrier PING can go between two
 * frames without breaking seq order and no payload is encoded twice.
 *
 * Pacing (SPEC 1.1 §6, `setWindow`): never more than `window` bytes the board has not processed. Every
 * PING the writer sends (heartbeat or barrier) marks a position in the byte stream; its PONG proves the
 * board consumed everything up to there (frames are handled in order). A frame that would overflow the
 * window waits; if no PING since the unproven bytes is out yet, a barrier PING goes first. A frame
 * larger than the window goes alone, once everything before it is proven, followed by a barrier.
 *
 * Stalled: bytes in flight with no write completing, or a pacing PONG that does not come, for `stallMs`.
 * The queue is then dropped (counted), its senders get HARK_ERR_LINK_STALLED and `onStall` tells the
 * link, which closes the port (the only way to discard what libuv and the kernel still hold).
 */
import { HarkError } from '../../../base/errors.js';
import type { LinkPort } from '../../../base/serial/transport.js';
import { encodeFrame, maxWireFrameBytes } from '../../../protocol/ts/frame-encoder.js';
import { encodeMessage, messageTypeId } from '../../../protocol/ts/message-codec.js';
import type { Message, MessageTypeName } from '../../../protocol/ts/messages.js';

export interface FrameWriterOptions {
  /** Bytes waiting here beyond which a frame is refused with HARK_ERR_LINK_BACKPRESSURE. */
  maxQueueBytes: number;
  /** Bytes handed to the port at once. */
  maxInFlightBytes: number;
  /** No progress for this long while bytes are in flight or a pacing PONG is due → stalled. */
  stallMs: number;
  /** "board X on /dev/…", for messages. */
  where(): string;
  /** Allocates a PING token for a barrier (shared with the heartbeat; never 0). */
  nextToken(): number;
  /** The board stopped taking bytes; the queue was already dropped. */
  onStall(error: HarkError): void;
}

export interface WriterStats {
  framesOut: number;
  bytesOut: number;
  /** Bytes waiting in the writer's queue. */
  queuedBytes: number;
  /** Bytes handed to the port whose write has not completed. */
  inFlightBytes: number;
  /** Frames dropped unsent: the board stalled, the link dropped, or a full queue refused them. */
  framesDropped: number;
  bytesDropped: number;
  /** Times the board was declared stalled. */
  stalls: number;
  /** Barrier PINGs sent for pacing. */
  barriers: number;
  /** The pacing window in force (0 = none). */
  windowBytes: number;
  /** Most unproven bytes ever in flight under pacing. */
  maxUnprovenBytes: number;
}

interface Entry {
  typeId: number;
  type: MessageTypeName;
  payload: Uint8Array;
  /** Upper bound of the frame's size on the wire. */
  bound: number;
  /** PING token, for pacing. */
  token: number | undefined;
  /** SPEAKER_DATA's stream, so STOP can cancel what is still queued. */
  stream: number | undefined;
  resolve: (() => void) | undefined;
  reject: ((e: Error) => void) | undefined;
}

/** Upper bound of a PING frame (4-byte payload). */
const PING_BOUND = maxWireFrameBytes(4);

export class FrameWriter {
  private port: LinkPort | undefined;
  private queue: Entry[] = [];
  private head = 0;
  private seq = 0;
  private inFlight = 0;
  private stallTimer: NodeJS.Timeout | undefined;
  /** Pacing: bytes written in total, and how far the board has proven it consumed. */
  private window = 0;
  private written = 0;
  private proven = 0;
  /** PINGs on the wire whose PONG is due: token → `written` after the PING. */
  private marks = new Map<number, number>();
  /** Frames handed to the port whose write has not completed (settled at once when the link drops). */
  private readonly inFlightEntries = new Set<Entry>();
  private readonly s = {
    framesOut: 0,
    bytesOut: 0,
    framesDropped: 0,
    bytesDropped: 0,
    stalls: 0,
    barriers: 0,
    maxUnprovenBytes: 0,
  };
  private queued = 0;

  constructor(private readonly o: FrameWriterOptions) {}

  /** A new connection: frames flow to `port`, seq starts at 0. */
  attach(port: LinkPort): void {
    this.port = port;
    this.seq = 0;
    this.inFlight = 0;
    this.resetPacing();
  }

  /**
   * The connection is gone (or the board reset): queued frames are dropped. With `error` their senders'
   * promises reject with it and the drop is counted; without, they resolve quietly (the host is closing,
   * nothing was lost that anyone waits for).
   */
  detach(error?: HarkError): void {
    this.port = undefined;
    this.dropQueue(error);
    for (const e of this.inFlightEntries) {
      if (error) e.reject?.(error);
      else e.resolve?.();
    }
    this.inFlightEntries.clear();
    this.inFlight = 0;
    this.resetPacing();
    this.clearStallTimer();
  }

  /**
   * A new session on the same port (the board reset: HELLO with seq 0): what was queued for the old
   * session is dropped (counted), seq restarts at 0, pacing starts over.
   */
  newSession(error: HarkError): void {
    this.dropQueue(error);
    this.seq = 0;
    this.resetPacing();
  }

  /** Paces writes to `bytes` unprocessed bytes (0 = no pacing). */
  setWindow(bytes: number): void {
    this.window = bytes;
    this.resetPacing();
  }

  get stats(): WriterStats {
    return {
      ...this.s,
      queuedBytes: this.queued,
      inFlightBytes: this.inFlight,
      windowBytes: this.window,
    };
  }

  /** The seq the next frame will carry. */
  get nextSeq(): number {
    return this.seq;
  }

  /**
   * Queues `m` (`payload`: its payload when the caller already encoded it). Resolves once the frame was
   * handed to the OS; rejects with HARK_ERR_PROTOCOL_ENCODE (cannot be encoded),
   * HARK_ERR_LINK_BACKPRESSURE (queue full), HARK_ERR_LINK_STALLED or the link's loss.
   */
  send(m: Message, payload?: Uint8Array): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.push(m, payload ?? encodeMessage(m), resolve, reject);
    });
  }

  /** Queues a frame nobody waits for (PING, PONG, HELLO_ACK); a refusal is only counted. */
  sendControl(m: Message): void {
    let payload: Uint8Array;
    try {
      payload = encodeMessage(m);
    } catch {
      return;
    }
    this.push(m, payload, undefined, undefined);
  }

  /**
   * Writes bytes that are not a frame: the leading 0x00 right after the port opened (SPEC §1), which
   * ends whatever partial frame the board's decoder holds. Call it before the first frame only.
   */
  writeRaw(bytes: Uint8Array): void {
    if (!this.port) return;
    this.s.bytesOut += bytes.length;
    this.written += bytes.length;
    this.port.write(bytes);
  }

  /** Removes queued SPEAKER_DATA of `stream` (the playback stopped); returns how many. Their senders resolve. */
  cancelSpeakerData(stream: number): number {
    let n = 0;
    const keep: Entry[] = [];
    for (let i = this.head; i < this.queue.length; i++) {
      const e = this.queue[i]!;
      if (e.type === 'SPEAKER_DATA' && e.stream === stream) {
        this.queued -= e.bound;
        e.resolve?.();
        n++;
      } else keep.push(e);
    }
    this.queue = keep;
    this.head = 0;
    return n;
  }

  /** A PONG from the board: releases pacing up to the matching PING. Returns true when the token was ours. */
  onPong(token: number): boolean {
    const at = this.marks.get(token);
    if (at === undefined) return false;
    for (const [t, pos] of this.marks) if (pos <= at) this.marks.delete(t);
    if (at > this.proven) this.proven = at;
    this.progress();
    this.pump();
    return true;
  }

  private push(
    m: Message,
    payload: Uint8Array,
    resolve: (() => void) | undefined,
    reject: ((e: Error) => void) | undefined,
  ): void {
    const bound = maxWireFrameBytes(payload.length);
    if (this.queued + bound > this.o.maxQueueBytes) {
      this.s.framesDropped++;
      this.s.bytesDropped += bound;
      reject?.(
        new HarkError(
          'HARK_ERR_LINK_BACKPRESSURE',
          `${this.o.where()}: ${this.queued} bytes are already waiting to be written (the limit is ${this.o.maxQueueBytes}); ${m.type} was not queued — the board is reading slower than the host sends`,
        ),
      );
      return;
    }
    this.queue.push({
      typeId: messageTypeId(m),
      type: m.type,
      payload,
      bound,
      token: m.type === 'PING' ? m.token : undefined,
      stream: m.type === 'SPEAKER_DATA' ? m.stream : undefined,
      resolve,
      reject,
    });
    this.queued += bound;
    this.pump();
  }

  private pump(): void {
    const port = this.port;
    while (port && this.head < this.queue.length && this.inFlight < this.o.maxInFlightBytes) {
      const e = this.queue[this.head]!;
      if (this.window > 0 && !this.fitsWindow(e)) break;
      this.head++;
      this.queued -= e.bound;
      this.writeEntry(port, e);
      if (this.window > 0 && e.bound + PING_BOUND > this.window && e.type !== 'PING') this.barrier(port);
    }
    if (this.head > 64 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.armStallTimer();
  }

  /** May `e` go now under pacing? Sends a barrier when one is needed to make room later. */
  private fitsWindow(e: Entry): boolean {
    const unproven = this.written - this.proven;
    if (unproven === 0) return true; // alone if need be (a frame larger than the window goes alone)
    if (unproven + e.bound + PING_BOUND <= this.window) return true;
    // A PONG already due will make room; otherwise ask for one.
    if (this.marks.size === 0 && this.port) this.barrier(this.port);
    return false;
  }

  private barrier(port: LinkPort): void {
    const m: Message = { type: 'PING', token: this.o.nextToken() };
    const payload = encodeMessage(m);
    this.s.barriers++;
    this.writeEntry(port, {
      typeId: messageTypeId(m),
      type: 'PING',
      payload,
      bound: maxWireFrameBytes(payload.length),
      token: m.token,
      stream: undefined,
      resolve: undefined,
      reject: undefined,
    });
  }

  private writeEntry(port: LinkPort, e: Entry): void {
    let frame: Buffer;
    try {
      frame = encodeFrame(e.typeId, this.seq, e.payload);
    } catch (err) {
      e.reject?.(err as Error);
      return;
    }
    this.seq = (this.seq + 1) & 0xffff;
    const n = frame.length;
    this.inFlight += n;
    this.written += n;
    this.s.framesOut++;
    this.s.bytesOut += n;
    if (this.window > 0) {
      if (e.token !== undefined && e.token !== 0) this.marks.set(e.token, this.written);
      this.s.maxUnprovenBytes = Math.max(this.s.maxUnprovenBytes, this.written - this.proven);
    }
    this.inFlightEntries.add(e);
    port.write(frame, (err) => {
      // Settled already when the link dropped (detach); the old port's fate is reported there.
      if (!this.inFlightEntries.delete(e)) return;
      this.inFlight -= n;
      if (err) {
        e.reject?.(
          new HarkError('HARK_ERR_LINK_NOT_READY', `${this.o.where()}: write failed: ${err.message}`),
        );
        return;
      }
      e.resolve?.();
      this.progress();
      this.pump();
    });
  }

  /** Something moved: the stall clock starts again. */
  private progress(): void {
    this.stallTimer?.refresh();
  }

  private get blocked(): boolean {
    const awaitingPong = this.window > 0 && this.head < this.queue.length && this.marks.size > 0;
    return this.port !== undefined && (this.inFlight > 0 || awaitingPong);
  }

  private armStallTimer(): void {
    if (!this.blocked) {
      this.clearStallTimer();
      return;
    }
    if (this.stallTimer) return;
    this.stallTimer = setTimeout(() => this.checkStall(), this.o.stallMs);
  }

  private clearStallTimer(): void {
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
  }

  private checkStall(): void {
    this.stallTimer = undefined;
    if (!this.blocked) return;
    this.s.stalls++;
    const inFlight = this.inFlight;
    const waiting = this.queued;
    const frames = this.queue.length - this.head;
    const what =
      inFlight > 0
        ? `${inFlight} bytes handed to the port were not taken for ${this.o.stallMs} ms`
        : `no PONG to a pacing PING for ${this.o.stallMs} ms`;
    const e = new HarkError(
      'HARK_ERR_LINK_STALLED',
      `${this.o.where()} stopped reading: ${what}; ${frames} queued frames (${waiting} bytes) dropped. Its firmware is hung or its receive path is blocked; the link reconnects, other boards are not affected`,
      { details: { inFlightBytes: inFlight, droppedFrames: frames, droppedBytes: waiting } },
    );
    this.dropQueue(e);
    this.o.onStall(e);
  }

  private dropQueue(error: HarkError | undefined): void {
    for (let i = this.head; i < this.queue.length; i++) {
      const e = this.queue[i]!;
      if (error) {
        this.s.framesDropped++;
        this.s.bytesDropped += e.bound;
        e.reject?.(error);
      } else e.resolve?.();
    }
    this.queue = [];
    this.head = 0;
    this.queued = 0;
  }

  private resetPacing(): void {
    this.written = 0;
    this.proven = 0;
    this.marks.clear();
  }
}
