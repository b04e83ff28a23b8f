/**
 * Main-thread face of one stream: `port` goes to the link (audio never touches main), events come
 * back from the ASR worker on a private port and are re-emitted here.
 */
import { EventEmitter } from 'node:events';
import type { MessagePort } from 'node:worker_threads';
import { HarkError } from '../../base/errors.js';
import type { StreamEvent, Transcript, WireError } from './types.js';
import type { StreamControl } from './worker-protocol.js';

/**
 * A stream being transcribed. Events: 'partial' ({ text }), 'level' ({ rmsDb, peakDb } every 100 ms), 'speech' ({ state, atMs, reason? }),
 * 'wake' ({ phrase, atMs }), 'final' (Transcript), 'error' (HarkError; emitted only when someone
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

  /** @internal Created by TranscriptionService.openStream(). */
  constructor(
    boardId: string,
    port: MessagePort,
    private readonly events: MessagePort,
    private readonly continuous: boolean,
  ) {
    super();
    this.boardId = boardId;
    this.port = port;
    this.result = new Promise<Transcript>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    this.result.catch(() => {}); // a caller that only listens to events must not see an unhandled rejection
    events.on('message', (ev: StreamEvent) => this.deliver(ev));
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

  /** @internal The worker task ended without a result (crash, pool closed). */
  fail(error: WireError): void {
    if (this.settled) return;
    this.settled = true;
    const err = new HarkError(error.code, error.message, { details: { boardId: this.boardId } });
    this.close();
    this.settle.reject(err);
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  /** @internal An event from the worker (event port, or the task's reply for the terminal one). */
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
        this.emit('wake', { phrase: ev.phrase, atMs: ev.atMs });
        return;
      case 'final':
        if (this.continuous && ev.transcript.endedBy === 'wake-command') {
          this.emit('final', ev.transcript);
          return;
        }
        this.settled = true;
        this.close();
        if (!this.continuous) this.emit('final', ev.transcript);
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
