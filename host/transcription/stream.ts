/**
 * Main-thread face of one stream: `port` goes to the link (audio never touches main), events come
 * back from the ASR worker on a private port and are re-emitted here. That port is the stream's one
 * channel for results: the worker closes it after the terminal event, so a port that closes without
 * one means the worker died or the pool closed (the task's end says which).
 */
import { EventEmitter } from 'node:events';
import type { MessagePort } from 'node:worker_threads';
import { HarkError } from '../../base/errors.js';
import type { StreamEvent, Transcript, WireError } from './types.js';
import type { StreamControl } from './worker-protocol.js';

/** @internal How a stream is wired to whatever produces its events (the service's worker task, a remote engine). */
export interface StreamWiring {
  /** Continuous (wake) stream: each command's final is an event, the stream ends with the capture. */
  continuous: boolean;
  /** Settles when the producing task ends: undefined, or the error that ended it (crash, pool closed). */
  taskEnd?: Promise<WireError | undefined>;
  /** The board's updated microphone adaptation, from a terminal final. */
  onAdaptation?: (a: number[]) => void;
}

/**
 * A stream being transcribed. Events: 'partial' ({ text }), 'level' ({ rmsDb, peakDb } every 100 ms), 'speech' ({ state, atMs, reason? }),
 * 'wake' ({ phrase, atMs, confidence, verifyMs, lagMs }), 'final' (Transcript), 'error' (HarkError; emitted only when someone
 * listens — `result` rejects with it either way).
 */
export class TranscriptionStream extends EventEmitter {
  /** Hand to `link.routeAudio()`; takes AudioRouteMessage. */
  readonly port: MessagePort;
  /** The utterance's transcript (for a wake stream: the last command when the stream ends). */
  readonly result: Promise<Transcript>;
  readonly boardId: string;
  private settle!: { resolve: (t: Transcript) => void; reject: (e: HarkError) => void };
  private settled = false;
  private readonly wiring: StreamWiring;

  /** @internal Created by TranscriptionService.openStream(). */
  constructor(
    boardId: string,
    port: MessagePort,
    private readonly events: MessagePort,
    wiring: StreamWiring | boolean = false,
  ) {
    super();
    this.boardId = boardId;
    this.port = port;
    this.result = new Promise<Transcript>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    this.result.catch(() => {}); // a caller that only listens to events must not see an unhandled rejection
    this.wiring = typeof wiring === 'boolean' ? { continuous: wiring } : wiring;
    events.on('message', (ev: StreamEvent) => this.deliver(ev));
    const taskEnd = this.wiring.taskEnd;
    // Only a service stream ends with its port: other producers (a remote engine) may close the port
    // and go on delivering through deliver()/fail().
    if (!taskEnd) return;
    events.once('close', () => {
      if (this.settled) return;
      // Every message posted before the close has been delivered: there is no result, and the task
      // (crashed worker, closed pool) says why.
      void taskEnd.then((err) =>
        this.fail(
          err ?? {
            code: 'HARK_ERR_TRANSCRIPTION_WORKER',
            message: `the ASR worker ended the stream of board ${boardId} without a result`,
          },
        ),
      );
    });
    void taskEnd.then((err) => {
      // A worker that dies takes its ports with it, but do not rely on the close event alone.
      if (err) this.fail(err);
    });
  }

  /** True once the stream has its final result or failed. */
  get finished(): boolean {
    return this.settled;
  }

  /** Stops decoding and frees the recognizer; `result` rejects with HARK_ERR_TRANSCRIPTION_ABORTED. */
  cancel(reason: string): void {
    if (this.settled) return;
    this.events.postMessage({ type: 'cancel', reason } satisfies StreamControl);
    this.fail({
      code: 'HARK_ERR_TRANSCRIPTION_ABORTED',
      message: `stream of board ${this.boardId} cancelled: ${reason}`,
    });
  }

  /** @internal The producer failed (crash, closed pool, a remote engine's error); `result` rejects. */
  fail(error: WireError): void {
    if (this.settled) return;
    this.settled = true;
    const err = new HarkError(error.code, error.message, { details: { boardId: this.boardId } });
    this.close();
    this.settle.reject(err);
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  /** @internal An event from the producer (normally the worker, through the event port). */
  deliver(ev: StreamEvent): void {
    if (this.settled) return;
    switch (ev.type) {
      case 'level':
        this.emit('level', { rmsDb: ev.rmsDb, peakDb: ev.peakDb });
        return;
      case 'partial':
        this.emit('partial', { text: ev.text });
        return;
      case 'speech':
        this.emit('speech', { state: ev.state, atMs: ev.atMs, ...(ev.reason ? { reason: ev.reason } : {}) });
        return;
      case 'wake':
        this.emit('wake', {
          phrase: ev.phrase,
          atMs: ev.atMs,
          confidence: ev.confidence,
          verifyMs: ev.verifyMs,
          lagMs: ev.lagMs,
        });
        return;
      case 'final':
        if (this.wiring.continuous && ev.transcript.endedBy === 'wake-command') {
          this.emit('final', ev.transcript);
          return;
        }
        this.settled = true;
        if (ev.adaptation) this.wiring.onAdaptation?.(ev.adaptation);
        this.close();
        if (!this.wiring.continuous) this.emit('final', ev.transcript);
        this.settle.resolve(ev.transcript);
        return;
      case 'error':
        this.fail(ev.error);
        return;
    }
  }

  private close(): void {
    this.events.close();
    try {
      this.port.close(); // a no-op once the port was transferred to the link worker
    } catch {
      // detached
    }
  }
}
