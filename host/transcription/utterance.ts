/**
 * One stream decoded inside an ASR worker: board audio in (codec-encoded chunks on a MessagePort),
 * decode → resample to the engine rate → host VAD → recognizer, events out on a second port. Every
 * final carries a confidence and a verdict (rejection.ts).
 *
 * A wake stream (keyphrase grammar, hands-free) runs continuously. The keyphrase search listens for
 * the wake phrase alone; when it fires, the wake phrase's end is located, 'wake' is posted, and the
 * same recognizer switches to the command grammar and is fed again from the wake phrase's end out of
 * a pre-roll ring buffer — so nothing said right after the wake phrase is lost, however late the
 * detection came. The command ends at the VAD's end of speech (or after `noSpeechMs` of nothing),
 * goes through rejection like any utterance, is posted as a 'wake-command' final, and the stream
 * returns to listening for the wake phrase.
 */

import { LevelMeter } from '../../base/audio/level-meter.js';
import { Resampler } from '../../base/audio/resample.js';
import { HarkError } from '../../base/errors.js';
import { decodeAudioBlock } from '../../protocol/ts/audio/index.js';
import type { AudioRouteMessage } from './audio-route.js';
import type { Engine, RecognitionResult, Recognizer } from './engines/engine.js';
import { judge, llrOf } from './rejection.js';
import { phoneCounter, type SegmentFeatures, segmentFeatures } from './rejection-features.js';
import type { CompiledGrammar, StageTimes, StreamEvent, Transcript, WireError } from './types.js';
import { EnergyVad, type VadEvent } from './vad.js';
import { type WakeFeatures, wakeFeatures } from './wake-verify.js';
import type { StreamControl, UtteranceTask } from './worker-protocol.js';

const PARTIAL_EVERY_MS = 100;
const MAX_GAP_MS = 1000;
/** Audio kept on a wake stream to replay from the wake phrase's end (the detection lags it). */
const PREROLL_MS = 2000;
/** How far back from the detection the wake phrase may have ended (beyond that: the detection time). */
const WAKE_END_SEARCH_MS = 1500;
/** Audio kept either side of the wake phrase for its verification (the detected boundaries are rough). */
const VERIFY_MARGIN_MS = 150;

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

/** A ring of the last PREROLL_MS of audio, addressed by absolute sample position. */
class PreRoll {
  private readonly buf: Int16Array;
  private end = 0; // absolute position after the newest sample

  constructor(samples: number) {
    this.buf = new Int16Array(samples);
  }

  push(pcm: Int16Array): void {
    const n = this.buf.length;
    for (let i = 0; i < pcm.length; i++) this.buf[(this.end + i) % n] = pcm[i]!;
    this.end += pcm.length;
  }

  /** Samples from absolute position `from` to `to` (default now), clipped to what the ring still holds. */
  since(from: number, to = this.end): Int16Array {
    const start = Math.max(from, this.end - this.buf.length, 0);
    const stop = Math.min(to, this.end);
    const out = new Int16Array(Math.max(0, stop - start));
    for (let i = 0; i < out.length; i++) out[i] = this.buf[(start + i) % this.buf.length]!;
    return out;
  }
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
  private readonly preroll: PreRoll | undefined;
  /** Where the command's VAD clock starts (its events are relative to it). */
  private vadOffsetMs = 0;
  private decodeMs = 0;
  private speechStartMs: number | undefined;
  private speechEndMs: number | undefined;
  private readonly phoneCounts = new Map<string, (word: string) => number>();

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
    this.preroll = this.mode === 'wake' ? new PreRoll((this.rate * PREROLL_MS) / 1000) : undefined;
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
      if (m.kind === 'chunk') this.onChunk(m.data, m.gap, m.chunks ?? 1);
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

  private onChunk(data: Uint8Array, gap: number, chunks: number): void {
    const decoded = decodeAudioBlock(this.task.codec, data);
    if (gap > 0 && this.lastChunkSamples > 0) {
      // Lost chunks become silence, so word times and the VAD's clock stay true.
      const n = Math.min(gap * this.lastChunkSamples, (this.task.sampleRate * MAX_GAP_MS) / 1000);
      this.feed(this.resampler.process(new Int16Array(n)));
    }
    // A message may join several board chunks (the link's audioBatchMs): a gap counts board chunks.
    if (decoded.length > 0) this.lastChunkSamples = Math.round(decoded.length / chunks);
    this.feed(this.resampler.process(decoded));
  }

  private feed(pcm: Int16Array): void {
    if (pcm.length === 0 || this.done) return;
    this.preroll?.push(pcm);
    const events = this.vad.push(pcm);
    for (const l of this.meter.push(pcm)) this.post({ type: 'level', ...l });
    const t0 = performance.now();
    this.rec!.accept(pcm);
    this.decodeMs += performance.now() - t0;
    this.samplesIn += pcm.length;
    for (const ev of events) this.onVad(ev);
    if (this.done) return;
    const nowMs = this.audioMs();
    if (this.mode === 'command') this.checkNoSpeech(nowMs);
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
    const atMs = ev.atMs + this.vadOffsetMs;
    this.post({ type: 'speech', state: ev.state, atMs, ...(ev.reason ? { reason: ev.reason } : {}) });
    if (ev.state === 'start') this.speechStartMs ??= atMs;
    if (ev.state !== 'end') return;
    this.speechEndMs = atMs;
    if (this.mode === 'command') this.finishCommand();
    else if (this.mode === 'single' && (ev.reason === 'max' || this.task.endOfSpeech.finalizeOnSilence)) {
      this.finalize(ev.reason ?? 'silence', performance.now());
    }
  }

  /**
   * The keyphrase search fired: find where the wake phrase ended, verify the wake segment when the
   * grammar asks for it, and decode the command from its end.
   */
  private onWake(phrase: string, detectedAtMs: number): void {
    const r = this.rec!.finish(); // ends the keyphrase utterance; its segment says where the phrase ended
    const wakeEndMs = this.wakeEndMs(r, detectedAtMs);
    const g = this.task.grammar;
    let confidence = 1;
    let verifyMs = 0;
    let scores: WakeFeatures | undefined;
    if (g.kind === 'keyphrase' && g.verify && this.rec!.decodeSegment) {
      const t0 = performance.now();
      const v = this.verifyWake(g.verify, r, wakeEndMs);
      verifyMs = round1(performance.now() - t0);
      confidence = v.confidence;
      scores = v.scores;
      if (v.verdict === 'rejected') {
        // Not the wake phrase after all: go on listening from here.
        this.rec!.start(g);
        this.segmentStartMs = detectedAtMs;
        return;
      }
    }
    this.post({
      type: 'wake',
      phrase,
      atMs: wakeEndMs,
      confidence,
      verifyMs,
      lagMs: Math.round(detectedAtMs - wakeEndMs),
      ...(scores ? { scores: roundFeatures(scores) } : {}),
    });
    this.lastPartial = '';
    if (!this.task.afterWake) {
      this.rec!.start(this.task.grammar); // clears the detection so the next one is new
      this.segmentStartMs = detectedAtMs;
      return;
    }
    this.mode = 'command';
    this.segmentStartMs = wakeEndMs;
    this.speechStartMs = undefined;
    this.speechEndMs = undefined;
    this.decodeMs = 0;
    this.rec!.start(this.task.afterWake);
    // A fresh VAD for the command, fed from the wake phrase's end like the recognizer.
    this.vad = this.newVad();
    this.vadOffsetMs = wakeEndMs;
    const replay = this.preroll!.since(Math.round((wakeEndMs * this.rate) / 1000));
    const events = this.vad.push(replay);
    const t0 = performance.now();
    this.rec!.accept(replay);
    this.decodeMs += performance.now() - t0;
    for (const ev of events) this.onVad(ev);
  }

  /**
   * Decodes the wake segment (from its first word's start, a little before, to its end) with the
   * phrase as a grammar and judges its likelihood ratio; the segment features go with the wake event.
   */
  private verifyWake(
    verify: { grammar: CompiledGrammar; threshold: number },
    r: RecognitionResult,
    wakeEndMs: number,
  ): { confidence: number; verdict: 'accepted' | 'rejected'; scores?: WakeFeatures } {
    const first = r.words?.[0];
    const startMs = Math.max(
      0,
      first ? this.segmentStartMs + first.startMs - VERIFY_MARGIN_MS : wakeEndMs - WAKE_END_SEARCH_MS,
    );
    const at = (ms: number) => Math.round((Math.max(0, ms) * this.rate) / 1000);
    const seg = this.preroll!.since(at(startMs), at(wakeEndMs + VERIFY_MARGIN_MS));
    const vr = this.rec!.decodeSegment!(verify.grammar, seg);
    const a = vr.acoustic;
    if (vr.text === '' || !a || a.frames <= 0 || !a.wordLlr?.length || !vr.words) {
      // The phrase does not fit the segment at all (threshold 0 still accepts everything).
      return { confidence: 0, verdict: verify.threshold <= 0 ? 'accepted' : 'rejected' };
    }
    const scores = wakeFeatures({
      llr: a.ascr / a.frames,
      speechLlr: a.speechLlr ?? 0,
      wordLlr: a.wordLlr,
      words: vr.words,
      // The VAD's clock starts at vadOffsetMs on the stream's.
      voiced: this.vad.voiced.map(([v0, v1]) => [v0 + this.vadOffsetMs, v1 + this.vadOffsetMs] as const),
      segmentStartMs: startMs,
      segmentMs: (seg.length * 1000) / this.rate,
      phonesOf: this.phonesOf(verify.grammar),
    });
    const v = judge(
      vr,
      { heard: true, longestMs: (seg.length * 1000) / this.rate },
      { rejection: true, threshold: verify.threshold },
    );
    return { confidence: v.confidence, verdict: v.verdict, scores };
  }

  /** Where the wake phrase ended (stream ms): its last word's end, when the search reports it plausibly. */
  private wakeEndMs(r: RecognitionResult, detectedAtMs: number): number {
    const last = r.words?.at(-1);
    if (!last) return detectedAtMs;
    const end = this.segmentStartMs + last.endMs;
    return end <= detectedAtMs && end >= detectedAtMs - WAKE_END_SEARCH_MS ? end : detectedAtMs;
  }

  /** After a wake phrase, nothing was said within noSpeechMs: the command ends empty (no-speech). */
  private checkNoSpeech(nowMs: number): void {
    if (
      this.speechStartMs === undefined &&
      !this.vad.speaking &&
      nowMs - this.segmentStartMs >= (this.task.endOfSpeech.noSpeechMs ?? 5000)
    ) {
      this.finishCommand();
    }
  }

  private finishCommand(): void {
    const t = this.transcript(this.task.afterWake!, 'wake-command', performance.now());
    this.post({ type: 'final', transcript: t });
    this.mode = 'wake';
    this.lastPartial = '';
    this.segmentStartMs = this.audioMs();
    this.vad = this.newVad();
    this.vadOffsetMs = this.segmentStartMs;
    this.rec!.start(this.task.grammar);
  }

  private finalize(endedBy: Transcript['endedBy'], endAt: number): void {
    if (this.done) return;
    this.feed(this.resampler.flush());
    if (this.mode === 'command') this.finishCommand();
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
    const t0 = performance.now();
    const r = this.rec!.finish(this.task.alternatives ?? 0);
    const rejection = g.kind === 'grammar' && g.rejection;
    const tJudge = performance.now();
    const features = this.featuresOf(r, g);
    const v = judge(r, this.vad.seen, { rejection, threshold: this.task.rejectThreshold }, features);
    const judgeMs = performance.now() - tJudge;
    let heardText: string | undefined;
    if (v.verdict === 'rejected' && g.kind === 'grammar' && g.freeFormFallback && this.rec!.freeFormText) {
      heardText = this.rec!.freeFormText();
    }
    const tEnd = performance.now();
    const timing: StageTimes = {
      ...(this.speechStartMs !== undefined ? { speechStartMs: Math.round(this.speechStartMs) } : {}),
      ...(this.speechEndMs !== undefined ? { speechEndMs: Math.round(this.speechEndMs) } : {}),
      decodeMs: round1(this.decodeMs),
      finalMs: round1(tEnd - t0),
      // What rejection added after the end of audio: the verdict (its score comes with the decode).
      rejectionMs: round1(rejection ? judgeMs : 0),
    };
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
      confidence: v.confidence,
      verdict: v.verdict,
      ...(v.rejectReason ? { rejectReason: v.rejectReason } : {}),
      ...(r.alternatives?.length ? { alternatives: r.alternatives } : {}),
      ...(heardText !== undefined ? { heardText } : {}),
      timing,
      ...(features ? { scores: roundFeatures(features) } : {}),
      engine: this.engine.name,
      grammar: g.name,
      audioMs: Math.round(this.audioMs()),
      latencyMs: Math.max(0, performance.now() - endAt),
      endedBy,
    };
    if (endedBy === 'wake-command') this.lastFinal = t;
    return t;
  }

  /** The hypothesis's segment features (pocketsphinx results only). */
  private featuresOf(r: RecognitionResult, g: CompiledGrammar): SegmentFeatures | undefined {
    const a = r.acoustic;
    const llr = llrOf(r);
    if (!a || llr === undefined || a.speechLlr === undefined || !a.wordLlr?.length || !r.words)
      return undefined;
    const phonesOf = this.phonesOf(g);
    return segmentFeatures({
      llr,
      speechLlr: a.speechLlr,
      wordLlr: a.wordLlr,
      words: r.words,
      voiced: this.vad.voiced,
      phonesOf,
    });
  }

  /** Phone counts of a grammar's words (cached per grammar). */
  private phonesOf(g: CompiledGrammar): (word: string) => number {
    let p = this.phoneCounts.get(g.hash);
    if (!p) {
      p = phoneCounter(g.lexicon);
      this.phoneCounts.set(g.hash, p);
    }
    return p;
  }

  private emptyTranscript(endedBy: Transcript['endedBy']): Transcript {
    return {
      text: '',
      confidence: 0,
      verdict: 'rejected',
      rejectReason: 'no-speech',
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

const round1 = (x: number) => Math.round(x * 10) / 10;

function roundFeatures<F extends SegmentFeatures>(f: F): F {
  const out = { ...f };
  for (const k of Object.keys(out) as (keyof F)[])
    out[k] = (Math.round((out[k] as number) * 1000) / 1000) as F[keyof F];
  return out;
}
