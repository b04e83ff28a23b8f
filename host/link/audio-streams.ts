/**
 * Link-worker side of audio routing: per board, the open utterances, their chunk-gap accounting, and the
 * audio held (bounded, counted) until main says where a stream goes (`routeAudio`) or that it is
 * unwanted (`discardAudio`). Chunks are copied out of the frame into their own ArrayBuffer and
 * transferred to the route's MessagePort — they never pass through the main thread. With a batch
 * length (`audioBatchMs`), consecutive PCM16 / µ-law chunks of a routed stream are joined into one
 * message of about that much audio: every message wakes the consumer's thread, and one per 20 ms
 * chunk cost more CPU than the audio's decoding saved by larger blocks. No timer: a batch goes out when
 * it is full, before a gap, and with AUDIO_END or an abort, so the final never waits for it.
 */
import type { MessagePort } from 'node:worker_threads';
import { type Audio, AudioCodec, type AudioEnd, type AudioStart } from '../../protocol/ts/messages.js';
import type { AudioEndReasonId, AudioRouteMessage } from './audio-route.js';

interface StreamState {
  id: number;
  nextChunk: number;
  started: boolean;
  ended: boolean;
  route: MessagePort | undefined;
  discarded: boolean;
  held: AudioRouteMessage[];
  heldBytes: number;
  /** Chunks dropped while held, reported as the gap of the next delivered chunk. */
  pendingGap: number;
  /** Bytes of audio a batch holds (0: chunks go out one by one). */
  batchBytes: number;
  /** The batch being gathered (routed streams only). */
  batch: Batch | undefined;
}

interface Batch {
  first: number;
  gap: number;
  chunks: number;
  data: Uint8Array;
  bytes: number;
}

export interface AudioCounters {
  audioChunks: number;
  audioGaps: number;
  audioHeldDropped: number;
  audioDiscarded: number;
}

/** Streams remembered after they ended unrouted, before the oldest is forgotten. */
const MAX_PARKED_STREAMS = 4;

export class AudioStreams {
  private readonly streams = new Map<number, StreamState>();
  private heldBytes = 0;

  constructor(
    private readonly maxHeldBytes: number,
    readonly counters: AudioCounters,
    private readonly onAbort: (stream: number, reason: string) => void,
    /** Audio per routed message, ms (0: one message per chunk). */
    private readonly batchMs = 0,
  ) {}

  get heldAudioBytes(): number {
    return this.heldBytes;
  }

  start(m: AudioStart): void {
    const old = this.streams.get(m.stream);
    if (old?.started && !old.ended) this.abortOne(old, 'superseded');
    const s = old && !old.started ? old : this.create(m.stream);
    s.started = true;
    // Blocks of these codecs are plain sample runs, so consecutive ones concatenate (ADPCM's do not).
    const bytesPerSample = m.codec === AudioCodec.PCM16 ? 2 : m.codec === AudioCodec.ULAW ? 1 : 0;
    s.batchBytes = Math.round((m.sampleRate * bytesPerSample * this.batchMs) / 1000);
    this.evictParked();
  }

  chunk(m: Audio): void {
    const s = this.streams.get(m.stream) ?? this.create(m.stream);
    if (s.ended) return; // a chunk after AUDIO_END: ignore
    const gap = (m.chunk - s.nextChunk) & 0xffff;
    s.nextChunk = (m.chunk + 1) & 0xffff;
    this.counters.audioChunks++;
    this.counters.audioGaps += gap;
    if (s.discarded) {
      this.counters.audioDiscarded++;
      return;
    }
    if (s.route && s.batchBytes > 0 && s.held.length === 0) {
      this.gather(s, m.chunk, m.data, gap + s.pendingGap);
      return;
    }
    const data = m.data.slice(); // own ArrayBuffer, independent of the frame buffer
    this.deliver(
      s,
      { kind: 'chunk', stream: m.stream, chunk: m.chunk, data, gap: gap + s.pendingGap },
      data.byteLength,
    );
  }

  end(m: AudioEnd): void {
    const s = this.streams.get(m.stream);
    if (!s || s.ended) return;
    const missing = (m.chunks - s.nextChunk) & 0xffff; // trailing chunks lost before AUDIO_END
    if (missing < 0x8000) this.counters.audioGaps += missing;
    s.ended = true;
    this.postBatch(s);
    this.deliver(
      s,
      {
        kind: 'end',
        stream: m.stream,
        reason: m.reason as AudioEndReasonId,
        droppedSamples: m.droppedSamples,
      },
      0,
    );
    if (s.route || s.discarded) this.streams.delete(s.id);
  }

  /** Sends the stream's held audio, then everything after it, to `port`. */
  route(stream: number, port: MessagePort): void {
    const s = this.streams.get(stream) ?? this.create(stream);
    s.route = port;
    s.discarded = false;
    for (const msg of s.held) this.post(port, msg);
    this.heldBytes -= s.heldBytes;
    s.held = [];
    s.heldBytes = 0;
    if (s.ended) this.streams.delete(stream);
  }

  discard(stream: number): void {
    const s = this.streams.get(stream) ?? this.create(stream);
    this.counters.audioDiscarded += s.held.filter((m) => m.kind === 'chunk').length + (s.batch?.chunks ?? 0);
    this.heldBytes -= s.heldBytes;
    s.held = [];
    s.heldBytes = 0;
    s.batch = undefined;
    s.discarded = true;
    s.route = undefined;
    if (s.ended) this.streams.delete(stream);
  }

  /** Ends every open utterance with 'abort' (link dropped, board reset, closing). */
  abortAll(reason: string): void {
    for (const s of [...this.streams.values()]) {
      if (s.started && !s.ended) this.abortOne(s, reason);
      else if (!s.started) this.drop(s); // a route for a stream that never began
    }
  }

  private abortOne(s: StreamState, reason: string): void {
    s.ended = true;
    this.postBatch(s);
    this.deliver(s, { kind: 'abort', stream: s.id, reason }, 0);
    if (s.route || s.discarded) this.streams.delete(s.id);
    this.onAbort(s.id, reason);
  }

  private create(id: number): StreamState {
    const s: StreamState = {
      id,
      nextChunk: 0,
      started: false,
      ended: false,
      route: undefined,
      discarded: false,
      held: [],
      heldBytes: 0,
      pendingGap: 0,
      batchBytes: 0,
      batch: undefined,
    };
    this.streams.set(id, s);
    return s;
  }

  private deliver(s: StreamState, msg: AudioRouteMessage, bytes: number): void {
    if (msg.kind === 'chunk') s.pendingGap = 0;
    if (s.route) {
      this.post(s.route, msg);
      return;
    }
    if (s.discarded) return;
    if (msg.kind === 'chunk' && this.heldBytes + bytes > this.maxHeldBytes) {
      this.counters.audioHeldDropped++;
      s.pendingGap = msg.gap + 1;
      return;
    }
    s.held.push(msg);
    s.heldBytes += bytes;
    this.heldBytes += bytes;
  }

  /** Adds a chunk to the stream's batch; a gap first sends what came before it (its silence is sized per chunk). */
  private gather(s: StreamState, chunk: number, data: Uint8Array, gap: number): void {
    s.pendingGap = 0;
    if (s.batch && (gap > 0 || s.batch.bytes + data.byteLength > s.batch.data.byteLength)) this.postBatch(s);
    if (!s.batch) {
      const size = Math.max(s.batchBytes, data.byteLength);
      s.batch = { first: chunk, gap, chunks: 0, data: new Uint8Array(size), bytes: 0 };
    }
    const b = s.batch;
    b.data.set(data, b.bytes);
    b.bytes += data.byteLength;
    b.chunks++;
    if (b.bytes >= s.batchBytes) this.postBatch(s);
  }

  private postBatch(s: StreamState): void {
    const b = s.batch;
    if (!b || !s.route) return;
    s.batch = undefined;
    const data = b.bytes === b.data.byteLength ? b.data : b.data.slice(0, b.bytes);
    const msg: AudioRouteMessage = { kind: 'chunk', stream: s.id, chunk: b.first, data, gap: b.gap };
    if (b.chunks > 1) msg.chunks = b.chunks;
    this.post(s.route, msg);
  }

  private post(port: MessagePort, msg: AudioRouteMessage): void {
    try {
      if (msg.kind === 'chunk') port.postMessage(msg, [msg.data.buffer as ArrayBuffer]);
      else port.postMessage(msg);
    } catch {
      // The consumer closed its port: nothing to deliver to.
    }
  }

  /** Forgets the oldest streams that ended without a route, beyond MAX_PARKED_STREAMS. */
  private evictParked(): void {
    const parked = [...this.streams.values()].filter((s) => s.ended && !s.route);
    for (const s of parked.slice(0, Math.max(0, parked.length - MAX_PARKED_STREAMS))) this.drop(s);
  }

  private drop(s: StreamState): void {
    this.counters.audioDiscarded += s.held.filter((m) => m.kind === 'chunk').length;
    this.heldBytes -= s.heldBytes;
    this.streams.delete(s.id);
  }
}
