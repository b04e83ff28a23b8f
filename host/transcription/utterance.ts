/**
 * One stream decoded inside an ASR worker: board audio in (codec-encoded chunks on a MessagePort),
 * decode → resample to the engine rate → host VAD → recognizer, events out on a second port.
 * A keyphrase ('wake') stream runs continuously: each detection emits 'wake' and, when `afterWake`
 * is set, the same decoder switches search to the command grammar until the VAD hears the command
 * end, emits its 'final', then switches back to the keyphrase.
 */

import { LevelMeter } from '../../base/audio/level-meter.js';
import { Resampler } from '../../base/audio/resample.js';
import { HarkError } from '../../base/errors.js';
import { decodeAudioBlock } from '../../protocol/ts/audio/index.js';
import type { AudioRouteMessage } from './audio-route.js';
import type { Engine, Recognizer } from './engines/engine.js';
import type { CompiledGrammar, StreamEvent, Transcript, WireError } from './types.js';
import { EnergyVad, type VadEvent } from './vad.js';
import type { StreamControl, UtteranceTask } from './worker-protocol.js';

const PARTIAL_EVERY_MS = 100;
const MAX_GAP_MS = 1000;

/** Converts any thrown value into wire form (HarkError codes survive the thread hop this way). */
export function toWireError(e: unknown): WireError {
  if (e instanceof HarkError) return { code: e.code, message: e.message };
  return {
    code: 'HARK_ERR_TRANSCRIPTION_WORKER',
    message: `ASR worker failed: ${(e as Error)?.message ?? String(e)}`,
  };
}

/**
 * Runs a stream to its end and resolves once the recognizer is back in the engine's pool. Every
 * result travels on the stream's event port only (the final carries the board's adaptation), which
 * the runner closes after the terminal event; the task's own reply says nothing but "done".
 */
export function runUtterance(engine: Engine, task: UtteranceTask): Promise<void> {
  return new Promise((resolve) => {
    new UtteranceRunner(engine, task, resolve).begin();
  });
}

class UtteranceRunner {
  private rec: Recognizer | undefined;
  private readonly resampler: Resampler;
  private vad: EnergyVad;
  private readonly meter: LevelMeter;
  private readonly rate: number;
  private samplesIn = 0; // at engine rate, since stream start
  private segmentStartMs = 0; // where the current recognizer utterance began
  private lastPartial = '';
  private lastPartialAt = 0;
  private lastChunkSamples = 0;
  private mode: 'single' | 'wake' | 'command';
  private done = false;
  private lastFinal: Transcript | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly task: UtteranceTask,
    private readonly resolve: () => void,
  ) {
    this.rate = engine.sampleRate;
    this.resampler = new Resampler(task.sampleRate, this.rate);
    this.vad = this.newVad();
    this.meter = new LevelMeter(this.rate);
    this.mode = task.grammar.kind === 'keyphrase' ? 'wake' : 'single';
  }

  begin(): void {
    try {
      this.rec = this.engine.acquire(this.task.boardId, this.task.adaptation);
      this.rec.start(this.task.grammar);
    } catch (e) {
      this.fail(toWireError(e));
      return;
    }
    this.task.audioPort.on('message', (m: AudioRouteMessage) => this.onAudio(m));
    this.task.eventPort.on('message', (m: StreamControl) => {
      if (m.type === 'cancel') this.stop();
    });
  }

  private onAudio(m: AudioRouteMessage): void {
    if (this.done) return;
    try {
      if (m.kind === 'chunk') this.onChunk(m.data, m.gap);
      else if (m.kind === 'end') this.finalize('end', performance.now());
      else
        this.fail({
          code: 'HARK_ERR_TRANSCRIPTION_ABORTED',
          message: `stream of board ${this.task.boardId} aborted: ${m.reason}`,
        });
    } catch (e) {
      this.fail(toWireError(e));
    }
  }

  private onChunk(data: Uint8Array, gap: number): void {
    const decoded = decodeAudioBlock(this.task.codec, data);
    if (gap > 0 && this.lastChunkSamples > 0) {
      // Lost chunks become silence, so word times and the VAD's clock stay true.
      const n = Math.min(gap * this.lastChunkSamples, (this.task.sampleRate * MAX_GAP_MS) / 1000);
      this.feed(this.resampler.process(new Int16Array(n)));
    }
    if (decoded.length > 0) this.lastChunkSamples = decoded.length;
    this.feed(this.resampler.process(decoded));
  }

  private feed(pcm: Int16Array): void {
    if (pcm.length === 0 || this.done) return;
    const events = this.vad.push(pcm);
    for (const l of this.meter.push(pcm)) this.post({ type: 'level', ...l });
    this.rec!.accept(pcm);
    this.samplesIn += pcm.length;
    for (const ev of events) this.onVad(ev);
    if (this.done) return;
    const nowMs = this.audioMs();
    if (nowMs - this.lastPartialAt < PARTIAL_EVERY_MS) return;
    this.lastPartialAt = nowMs;
    const p = this.rec!.partial();
    if (this.mode === 'wake') {
      if (p !== '') this.onWake(p, nowMs);
    } else if (p !== this.lastPartial) {
      this.lastPartial = p;
      this.post({ type: 'partial', text: p });
    }
  }

  private onVad(ev: VadEvent): void {
    this.post({
      type: 'speech',
      state: ev.state,
      atMs: ev.atMs + this.vadOffsetMs,
      ...(ev.reason ? { reason: ev.reason } : {}),
    });
    if (ev.state !== 'end') return;
    if (this.mode === 'command') this.finishCommand();
    else if (this.mode === 'single' && (ev.reason === 'max' || this.task.endOfSpeech.finalizeOnSilence)) {
      this.finalize(ev.reason ?? 'silence', performance.now());
    }
  }

  private vadOffsetMs = 0;

  private onWake(phrase: string, atMs: number): void {
    this.post({ type: 'wake', phrase, atMs });
    this.lastPartial = '';
    this.segmentStartMs = atMs;
    if (this.task.afterWake) {
      this.mode = 'command';
      this.rec!.start(this.task.afterWake);
      // A fresh VAD for the command: its speech must start and end after the wake phrase.
      this.vad = this.newVad();
      this.vadOffsetMs = atMs;
    } else {
      this.rec!.start(this.task.grammar); // clears the detection so the next one is new
    }
  }

  private finishCommand(): void {
    const t = this.transcript(this.task.afterWake!, 'wake-command', performance.now());
    this.post({ type: 'final', transcript: t });
    this.mode = 'wake';
    this.lastPartial = '';
    this.segmentStartMs = this.audioMs();
    this.rec!.start(this.task.grammar);
  }

  private finalize(endedBy: Transcript['endedBy'], endAt: number): void {
    if (this.done) return;
    this.feed(this.resampler.flush());
    if (this.mode === 'command') {
      this.finishCommand();
    }
    let t: Transcript;
    if (this.mode === 'wake') {
      // A continuous stream ends: its result is the last command (or an empty transcript).
      t = this.lastFinal ? { ...this.lastFinal, endedBy } : this.emptyTranscript(endedBy);
    } else {
      t = this.transcript(this.task.grammar, endedBy, endAt);
    }
    // Only an utterance that ran to its end teaches anything reliable about the microphone.
    let adaptation: number[] | undefined;
    try {
      adaptation = this.rec?.adaptation?.();
    } catch {
      adaptation = undefined; // the board simply starts from its previous mean next time
    }
    this.post({ type: 'final', transcript: t, ...(adaptation ? { adaptation } : {}) });
    this.close();
  }

  private transcript(g: CompiledGrammar, endedBy: Transcript['endedBy'], endAt: number): Transcript {
    const r = this.rec!.finish();
    const t: Transcript = {
      text: r.text,
      ...(r.words
        ? {
            words: r.words.map((w) => ({
              ...w,
              startMs: w.startMs + this.segmentStartMs,
              endMs: w.endMs + this.segmentStartMs,
            })),
          }
        : {}),
      ...(r.confidence !== undefined ? { confidence: r.confidence } : {}),
      engine: this.engine.name,
      grammar: g.name,
      audioMs: Math.round(this.audioMs()),
      latencyMs: Math.max(0, performance.now() - endAt),
      endedBy,
    };
    if (endedBy === 'wake-command') this.lastFinal = t;
    return t;
  }

  private emptyTranscript(endedBy: Transcript['endedBy']): Transcript {
    return {
      text: '',
      engine: this.engine.name,
      grammar: this.task.grammar.name,
      audioMs: Math.round(this.audioMs()),
      latencyMs: 0,
      endedBy,
    };
  }

  private stop(): void {
    if (!this.done) this.close();
  }

  private fail(error: WireError): void {
    if (this.done) return;
    this.post({ type: 'error', error });
    this.close();
  }

  private close(): void {
    this.done = true;
    try {
      this.rec?.release();
    } catch {
      // the decoder is dropped; the engine creates a new one next time
    }
    this.rec = undefined;
    this.task.audioPort.close();
    // Closing after the terminal event: main sees every message posted before the port's 'close'.
    this.task.eventPort.close();
    this.resolve();
  }

  private post(ev: StreamEvent): void {
    if (!this.done) this.task.eventPort.postMessage(ev);
  }

  private audioMs(): number {
    return (this.samplesIn * 1000) / this.rate;
  }

  private newVad(): EnergyVad {
    return new EnergyVad(this.rate, this.task.endOfSpeech);
  }
}
