/**
 * Energy-based voice activity detector for end-of-speech decisions on the host (tap-to-talk and
 * hands-free streams). Defaults follow Home Assistant Assist: speech must last 0.3 s to count,
 * 0.7 s of silence ends it, and an utterance is cut at 15 s.
 */

/** Options of {@link EnergyVad}; every field has a default. */
export interface VadOptions {
  /** Silence that ends speech, in ms; default 700. */
  silenceMs?: number;
  /** Speech needed before 'start' is reported, in ms; default 300. */
  minSpeechMs?: number;
  /** Hard limit of one speech segment, in ms; default 15000. */
  maxMs?: number;
  /** Analysis frame, in ms; default 20. */
  frameMs?: number;
  /** A frame is speech when it is this many dB above the noise floor; default 12. */
  marginDb?: number;
  /** ... and at least this loud, in dBFS; default -50. */
  minLevelDb?: number;
}

/** A speech boundary; `atMs` is the audio position (from stream start) where speech began or ended. */
export interface VadEvent {
  state: 'start' | 'end';
  atMs: number;
  /** Why speech ended: trailing silence or the hard limit. */
  reason?: 'silence' | 'max';
}

/** Frame-by-frame speech/silence state machine with an adaptive noise floor. */
export class EnergyVad {
  private readonly frameLen: number;
  private readonly frameMs: number;
  private readonly silenceMs: number;
  private readonly minSpeechMs: number;
  private readonly maxMs: number;
  private readonly marginDb: number;
  private readonly minLevelDb: number;
  private readonly pending: Int16Array;
  private pendingLen = 0;
  private posMs = 0;
  private noiseDb = -90;
  private inSpeech = false;
  private candidateStartMs = -1;
  private candidateSpeechMs = 0;
  private gapMs = 0;
  private speechStartMs = 0;
  private silenceRunMs = 0;
  private heard = false;
  private longestMs = 0;
  /** Runs of speech-like frames, [startMs, endMs) — rejection compares them with the hypothesis's words. */
  private readonly runs: [number, number][] = [];

  constructor(sampleRate: number, opts: VadOptions = {}) {
    this.frameMs = opts.frameMs ?? 20;
    this.frameLen = Math.round((sampleRate * this.frameMs) / 1000);
    this.silenceMs = opts.silenceMs ?? 700;
    this.minSpeechMs = opts.minSpeechMs ?? 300;
    this.maxMs = opts.maxMs ?? 15000;
    this.marginDb = opts.marginDb ?? 12;
    this.minLevelDb = opts.minLevelDb ?? -50;
    this.pending = new Int16Array(this.frameLen);
  }

  /** True between a 'start' and its 'end'. */
  get speaking(): boolean {
    return this.inSpeech;
  }

  /** Whether speech was reported at all, and the longest speech-like stretch so far (ms). */
  get seen(): { heard: boolean; longestMs: number } {
    return { heard: this.heard, longestMs: Math.max(this.longestMs, this.candidateSpeechMs) };
  }

  /**
   * Every stretch of speech-like frames so far (ms from the detector's start, at most the last 200),
   * whether or not it became speech: a long sentence forced into a short command leaves most of these
   * outside the command's words.
   */
  get voiced(): readonly (readonly [number, number])[] {
    return this.runs;
  }

  /** Feeds samples; returns the boundaries they complete. */
  push(samples: Int16Array): VadEvent[] {
    const events: VadEvent[] = [];
    let i = 0;
    while (i < samples.length) {
      const n = Math.min(this.frameLen - this.pendingLen, samples.length - i);
      this.pending.set(samples.subarray(i, i + n), this.pendingLen);
      this.pendingLen += n;
      i += n;
      if (this.pendingLen === this.frameLen) {
        this.frame(events);
        this.pendingLen = 0;
      }
    }
    return events;
  }

  private frame(events: VadEvent[]): void {
    let sum = 0;
    for (let k = 0; k < this.frameLen; k++) sum += this.pending[k]! * this.pending[k]!;
    const rms = Math.sqrt(sum / this.frameLen) / 32768;
    const db = rms > 0 ? 20 * Math.log10(rms) : -100;
    const speech = db > Math.max(this.noiseDb + this.marginDb, this.minLevelDb);
    // The floor follows quiet frames quickly and loud ones very slowly, so speech does not raise it.
    if (!speech) this.noiseDb += (db - this.noiseDb) * (db < this.noiseDb ? 0.3 : 0.05);
    const start = this.posMs;
    this.posMs += this.frameMs;
    if (speech) {
      const last = this.runs.at(-1);
      if (last && last[1] === start) last[1] = this.posMs;
      else {
        this.runs.push([start, this.posMs]);
        if (this.runs.length > 200) this.runs.shift();
      }
    }

    if (!this.inSpeech) {
      if (speech) {
        if (this.candidateStartMs < 0) this.candidateStartMs = start;
        this.candidateSpeechMs += this.frameMs;
        this.gapMs = 0;
        this.longestMs = Math.max(this.longestMs, this.candidateSpeechMs);
        if (this.candidateSpeechMs >= this.minSpeechMs) {
          this.heard = true;
          this.inSpeech = true;
          this.speechStartMs = this.candidateStartMs;
          this.silenceRunMs = 0;
          events.push({ state: 'start', atMs: this.speechStartMs });
        }
      } else if (this.candidateStartMs >= 0) {
        // Short gaps between syllables keep the candidate; a longer one discards it (a click, a cough).
        this.gapMs += this.frameMs;
        if (this.gapMs > 200) this.resetCandidate();
      }
      return;
    }
    this.silenceRunMs = speech ? 0 : this.silenceRunMs + this.frameMs;
    if (this.silenceRunMs >= this.silenceMs) {
      this.endSpeech(events, this.posMs - this.silenceRunMs, 'silence');
    } else if (this.posMs - this.speechStartMs >= this.maxMs) {
      this.endSpeech(events, this.posMs, 'max');
    }
  }

  private endSpeech(events: VadEvent[], atMs: number, reason: 'silence' | 'max'): void {
    this.inSpeech = false;
    this.resetCandidate();
    events.push({ state: 'end', atMs, reason });
  }

  private resetCandidate(): void {
    this.candidateStartMs = -1;
    this.candidateSpeechMs = 0;
    this.gapMs = 0;
  }
}
