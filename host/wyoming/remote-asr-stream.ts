/**
 * One utterance sent to a Wyoming ASR server, inside the Wyoming worker. It follows the README's
 * "Speech to Text" flow: `transcribe` → `audio-start` → `audio-chunk`… → `audio-stop` → `transcript`,
 * one connection per utterance (servers such as wyoming-faster-whisper close after the transcript).
 * Audio is streamed while the board still speaks, so after AUDIO_END only the server's decode time
 * remains. Every route message is also held (bounded), so when the server fails — refused, silent
 * past the connect or response timeout, closed early, malformed — main can hand over a local
 * stream's port and the whole utterance is replayed into pocketsphinx: nothing the user said is lost.
 */
import type { MessagePort } from 'node:worker_threads';
import { HarkError } from '../../base/errors.js';
import type { AudioRouteMessage } from '../link/audio-route.js';
import type { StreamEvent, Transcript, WireError } from '../transcription/types.js';
import { BoardAudioConverter } from './board-audio.js';
import type { WyomingEvent } from './codec.js';
import { connectWyoming, type WyomingConnection } from './connection.js';
import { audioChunk, audioStart, audioStop, PCM16_16K, readTranscript, transcribe } from './events.js';
import type { AsrOpen, WorkerOutput } from './worker-protocol.js';

/** Whisper-style text ("Turn the light on.") → hark's transcript form ("turn the light on"). */
export function normalizeTranscript(text: string): string {
  return text
    .toLowerCase()
    .replace(/%/g, ' percent ')
    .replace(/[^\p{L}\p{N}'\s.]+/gu, ' ')
    .replace(/(\D)\.|\.(\D|$)/g, '$1 $2') // sentence dots go, decimal points ("2.5") stay
    .replace(/\s+/g, ' ')
    .trim();
}

type State = 'connecting' | 'streaming' | 'awaiting-transcript' | 'awaiting-fallback' | 'forwarding' | 'done';

const toWire = (e: unknown): WireError =>
  e instanceof HarkError
    ? { code: e.code, message: e.message }
    : { code: 'HARK_ERR_WYOMING_WORKER', message: String((e as Error)?.message ?? e) };

export class RemoteAsrStream {
  readonly id: number;
  readonly #t: AsrOpen;
  readonly #post: (m: WorkerOutput) => void;
  readonly #onDone: () => void;
  readonly #converter: BoardAudioConverter;
  readonly #name: string;
  #state: State = 'connecting';
  #conn: WyomingConnection | undefined;
  /** Every route message so far, for a fallback replay (encoded, so small). */
  #held: AudioRouteMessage[] = [];
  #heldBytes = 0;
  #heldOverflow = false;
  #fallbackPort: MessagePort | undefined;
  #ended = false;
  #endedBy: Transcript['endedBy'] = 'end';
  #endAt = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Converted audio not yet written (while connecting). */
  #pending: { pcm: Uint8Array; ts: number }[] = [];

  constructor(task: AsrOpen, post: (m: WorkerOutput) => void, onDone: () => void) {
    this.id = task.id;
    this.#t = task;
    this.#post = post;
    this.#onDone = onDone;
    this.#name = `Wyoming ASR server tcp://${task.host}:${task.port}`;
    this.#converter = new BoardAudioConverter(task.codec, task.sampleRate, task.endOfSpeech);
  }

  begin(): void {
    this.#t.audioPort.on('message', (m: AudioRouteMessage) => this.#onAudio(m));
    this.#t.eventPort.on('message', (m: { type: string }) => {
      if (m.type === 'cancel') this.#finish();
    });
    connectWyoming(
      { host: this.#t.host, port: this.#t.port },
      { connectTimeoutMs: this.#t.connectTimeoutMs, what: 'Wyoming ASR server' },
    ).then(
      (conn) => this.#connected(conn),
      (e) => this.#failed(e),
    );
  }

  #connected(conn: WyomingConnection): void {
    if (this.#state !== 'connecting') {
      conn.destroy();
      return;
    }
    this.#conn = conn;
    this.#state = 'streaming';
    conn.on('event', (e: WyomingEvent) => this.#onServerEvent(e));
    conn.on('close', (why: HarkError | undefined) => {
      if (this.#state === 'streaming' || this.#state === 'awaiting-transcript')
        this.#failed(
          why ??
            new HarkError(
              'HARK_ERR_WYOMING_PROTOCOL',
              `${this.#name} closed the connection before a transcript`,
            ),
        );
    });
    conn.send(transcribe(this.#t.language));
    conn.send(audioStart(PCM16_16K, 0));
    // What the board said while we connected: send it now, in order.
    this.#flush();
    if (this.#ended) this.#sendStop();
  }

  #onAudio(m: AudioRouteMessage): void {
    if (this.#state === 'done') return;
    if (this.#state === 'forwarding') {
      this.#fallbackPort!.postMessage(m, m.kind === 'chunk' ? [m.data.buffer as ArrayBuffer] : []);
      if (m.kind !== 'chunk') this.#finish();
      return;
    }
    this.#hold(m);
    if (m.kind === 'abort') {
      this.#eventPortPost({
        type: 'error',
        error: {
          code: 'HARK_ERR_TRANSCRIPTION_ABORTED',
          message: `stream of board ${this.#t.boardId} aborted: ${m.reason}`,
        },
      });
      this.#finish();
      return;
    }
    if (this.#ended) return;
    if (m.kind === 'end') {
      this.#end('end');
      return;
    }
    this.#sendChunk(m);
  }

  #hold(m: AudioRouteMessage): void {
    if (this.#heldOverflow) return;
    const size = m.kind === 'chunk' ? m.data.byteLength : 0;
    if (this.#heldBytes + size > (this.#t.maxHeldBytes ?? 2 * 1024 * 1024)) {
      this.#heldOverflow = true; // past this, a fallback could only replay part of the utterance
      return;
    }
    this.#heldBytes += size;
    this.#held.push(m);
  }

  /** Converts a chunk (VAD and level on every one) and sends it, or keeps it while connecting. */
  #sendChunk(m: Extract<AudioRouteMessage, { kind: 'chunk' }>): void {
    const c = this.#converter.chunk(m);
    for (const l of c.levels) this.#eventPortPost({ type: 'level', ...l });
    if (this.#state === 'connecting' || this.#state === 'streaming')
      this.#pending.push({ pcm: c.pcm, ts: c.timestampMs });
    this.#flush();
    for (const ev of c.vad) {
      this.#eventPortPost({
        type: 'speech',
        state: ev.state,
        atMs: ev.atMs,
        ...(ev.reason ? { reason: ev.reason } : {}),
      });
      if (ev.state === 'end' && (ev.reason === 'max' || this.#t.endOfSpeech.finalizeOnSilence))
        this.#end(ev.reason ?? 'silence');
    }
  }

  #flush(): void {
    if (this.#state !== 'streaming') return;
    for (const p of this.#pending) this.#conn!.send(audioChunk(PCM16_16K, p.pcm, p.ts));
    this.#pending = [];
  }

  #end(by: Transcript['endedBy']): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#endedBy = by;
    this.#endAt = performance.now();
    const tail = this.#converter.flush();
    if (tail.pcm.length && (this.#state === 'connecting' || this.#state === 'streaming'))
      this.#pending.push({ pcm: tail.pcm, ts: tail.timestampMs });
    if (this.#state === 'streaming') this.#sendStop();
  }

  #sendStop(): void {
    this.#flush();
    this.#conn!.send(audioStop(Math.round(this.#converter.audioMs)));
    this.#state = 'awaiting-transcript';
    this.#timer = setTimeout(
      () =>
        this.#failed(
          new HarkError(
            'HARK_ERR_WYOMING_TIMEOUT',
            `${this.#name} sent no transcript within ${this.#t.responseTimeoutMs} ms of audio-stop`,
          ),
        ),
      this.#t.responseTimeoutMs,
    );
  }

  #onServerEvent(e: WyomingEvent): void {
    if (e.type !== 'transcript' || this.#state !== 'awaiting-transcript') return; // info, voice events: not needed
    let text: string;
    try {
      text = normalizeTranscript(readTranscript(e, this.#name).text);
    } catch (err) {
      this.#failed(err);
      return;
    }
    const transcript: Transcript = {
      text,
      // A remote recogniser reports no confidence: its words stand, and silence is "no speech".
      confidence: text ? 1 : 0,
      verdict: text ? 'accepted' : 'rejected',
      ...(text ? {} : { rejectReason: 'no-speech' as const }),
      engine: 'wyoming',
      grammar: this.#t.grammar,
      audioMs: Math.round(this.#converter.audioMs),
      latencyMs: Math.max(0, performance.now() - this.#endAt),
      endedBy: this.#endedBy,
    };
    this.#eventPortPost({ type: 'final', transcript });
    this.#finish();
  }

  /** The server failed: ask main for a local stream to replay into (answered by fallback() or drop()). */
  #failed(e: unknown): void {
    if (this.#state === 'done' || this.#state === 'awaiting-fallback' || this.#state === 'forwarding') return;
    clearTimeout(this.#timer);
    this.#conn?.destroy();
    this.#state = 'awaiting-fallback';
    this.#pending = [];
    const error = toWire(e);
    if (this.#heldOverflow) {
      this.#eventPortPost({
        type: 'error',
        error: { ...error, message: `${error.message} (utterance too long to replay locally)` },
      });
      this.#finish();
      return;
    }
    this.#post({ kind: 'asr-fallback-needed', id: this.id, boardId: this.#t.boardId, error });
  }

  /** Main opened a local stream: replay what was held into it and forward the rest. */
  fallback(port: MessagePort): void {
    if (this.#state !== 'awaiting-fallback') {
      port.close();
      return;
    }
    this.#fallbackPort = port;
    this.#state = 'forwarding';
    const ended = this.#held.some((m) => m.kind !== 'chunk');
    for (const m of this.#held) port.postMessage(m, m.kind === 'chunk' ? [m.data.buffer as ArrayBuffer] : []);
    this.#held = [];
    if (ended) this.#finish();
  }

  /** Main could not open a local stream either. */
  drop(error: WireError): void {
    this.#eventPortPost({ type: 'error', error });
    this.#finish();
  }

  #eventPortPost(ev: StreamEvent): void {
    if (this.#state === 'done' || this.#state === 'forwarding') return;
    this.#t.eventPort.postMessage(ev);
  }

  #finish(): void {
    if (this.#state === 'done') return;
    clearTimeout(this.#timer);
    this.#state = 'done';
    this.#conn?.close();
    this.#t.audioPort.close();
    this.#t.eventPort.close();
    // The fallback port is left open: the local recogniser closes it once it has read the replay.
    this.#onDone();
  }

  /** Worker shutdown. */
  close(): void {
    this.#finish();
  }
}
