/**
 * The Wyoming events hark sends and reads, named and shaped as rhasspy/wyoming's README lists them
 * (audio, info, asr, tts, wake, vad, satellite, pipeline, timers, ping/pong, error, played). Builders
 * produce exactly the fields the reference puts on the wire; readers validate what a peer sent once,
 * here at the edge, and throw HARK_ERR_WYOMING_PROTOCOL naming the event and field.
 */
import { HarkError } from '../../base/errors.js';
import type { WyomingEvent } from './codec.js';

/** The audio format every hark Wyoming stream uses upward: 16 kHz, 16-bit, mono (Home Assistant's own). */
export const PCM16_16K: AudioFormat = { rate: 16000, width: 2, channels: 1 };

export interface AudioFormat {
  /** Hz. */
  rate: number;
  /** Bytes per sample. */
  width: number;
  channels: number;
}

export const audioStart = (f: AudioFormat, timestamp?: number): WyomingEvent => ({
  type: 'audio-start',
  data: { rate: f.rate, width: f.width, channels: f.channels, timestamp: timestamp ?? null },
});

export const audioChunk = (f: AudioFormat, pcm: Uint8Array, timestamp?: number): WyomingEvent => ({
  type: 'audio-chunk',
  data: { rate: f.rate, width: f.width, channels: f.channels, timestamp: timestamp ?? null },
  payload: pcm,
});

export const audioStop = (timestamp?: number): WyomingEvent => ({
  type: 'audio-stop',
  data: { timestamp: timestamp ?? null },
});

export const describe = (): WyomingEvent => ({ type: 'describe' });
export const ping = (text?: string): WyomingEvent => ({ type: 'ping', data: { text: text ?? null } });
export const pong = (text?: string | null): WyomingEvent => ({ type: 'pong', data: { text: text ?? null } });
export const played = (): WyomingEvent => ({ type: 'played' });
export const transcribe = (language?: string, name?: string): WyomingEvent => ({
  type: 'transcribe',
  data: { language, name },
});
export const transcript = (text: string, language?: string): WyomingEvent => ({
  type: 'transcript',
  data: { text, language },
});
export const synthesize = (text: string, voice?: { name?: string; speaker?: string }): WyomingEvent => ({
  type: 'synthesize',
  data: voice?.name ? { text, voice: { name: voice.name, speaker: voice.speaker } } : { text },
});
export const detection = (name: string, timestamp?: number): WyomingEvent => ({
  type: 'detection',
  data: { name, timestamp: timestamp ?? null, speaker: null },
});
export const errorEvent = (text: string, code?: string): WyomingEvent => ({
  type: 'error',
  data: { text, code },
});

/** Pipeline stages of `run-pipeline`, in order. */
export const STAGES = ['wake', 'asr', 'intent', 'handle', 'tts'] as const;
export type PipelineStage = (typeof STAGES)[number];

export interface RunPipeline {
  start_stage: PipelineStage;
  end_stage: PipelineStage;
  wake_word_name?: string;
  wake_word_names?: string[];
  announce_text?: string;
  restart_on_end?: boolean;
}

export const runPipeline = (p: RunPipeline): WyomingEvent => ({
  type: 'run-pipeline',
  data: {
    start_stage: p.start_stage,
    end_stage: p.end_stage,
    restart_on_end: p.restart_on_end ?? false,
    wake_word_name: p.wake_word_name,
    wake_word_names: p.wake_word_names?.length ? p.wake_word_names : undefined,
    announce_text: p.announce_text,
  },
});

const fail = (type: string, why: string, peer: string) =>
  new HarkError('HARK_ERR_WYOMING_PROTOCOL', `${peer}: '${type}' ${why}`, { details: { peer, type } });

function int(e: WyomingEvent, field: string, peer: string, min: number, max: number): number {
  const v = e.data?.[field];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw fail(e.type, `needs ${field} as a whole number in ${min}..${max}, got ${JSON.stringify(v)}`, peer);
  return v;
}

function str(e: WyomingEvent, field: string, peer: string): string {
  const v = e.data?.[field];
  if (typeof v !== 'string') throw fail(e.type, `needs ${field} as a string, got ${JSON.stringify(v)}`, peer);
  return v;
}

const optStr = (e: WyomingEvent, field: string): string | undefined =>
  typeof e.data?.[field] === 'string' ? (e.data[field] as string) : undefined;

/** rate/width/channels of audio-start or audio-chunk; hark takes 16-bit mono or stereo PCM only. */
export function readAudioFormat(e: WyomingEvent, peer: string): AudioFormat {
  const f = {
    rate: int(e, 'rate', peer, 1000, 192000),
    width: int(e, 'width', peer, 1, 4),
    channels: int(e, 'channels', peer, 1, 8),
  };
  if (f.width !== 2) throw fail(e.type, `has width ${f.width}: hark plays 16-bit PCM only (width 2)`, peer);
  return f;
}

export const readTranscript = (e: WyomingEvent, peer: string): { text: string; language?: string } => {
  const language = optStr(e, 'language');
  return { text: str(e, 'text', peer), ...(language ? { language } : {}) };
};

export const readSynthesize = (e: WyomingEvent, peer: string): { text: string } => ({
  text: str(e, 'text', peer),
});

export const readError = (e: WyomingEvent): { text: string; code?: string } => {
  const code = optStr(e, 'code');
  return { text: optStr(e, 'text') ?? 'unspecified error', ...(code ? { code } : {}) };
};

export function readRunPipeline(e: WyomingEvent, peer: string): RunPipeline {
  const start = str(e, 'start_stage', peer) as PipelineStage;
  const end = str(e, 'end_stage', peer) as PipelineStage;
  const si = STAGES.indexOf(start);
  const ei = STAGES.indexOf(end);
  if (si < 0) throw fail(e.type, `has an unknown start_stage '${start}' (${STAGES.join(', ')})`, peer);
  if (ei < si) throw fail(e.type, `cannot end at '${end}' when it starts at '${start}'`, peer);
  const text = optStr(e, 'announce_text');
  return { start_stage: start, end_stage: end, ...(text ? { announce_text: text } : {}) };
}

/** A timer event of Home Assistant (timer-started / -updated / -cancelled / -finished). */
export interface TimerEvent {
  kind: 'started' | 'updated' | 'cancelled' | 'finished';
  id: string;
  totalSeconds?: number;
  name?: string;
  isActive?: boolean;
}

export function readTimer(e: WyomingEvent, peer: string): TimerEvent {
  const kind = e.type.slice('timer-'.length) as TimerEvent['kind'];
  const id = str(e, 'id', peer);
  const out: TimerEvent = { kind, id };
  if (kind === 'started' || kind === 'updated') out.totalSeconds = int(e, 'total_seconds', peer, 0, 1e9);
  if (kind === 'updated') out.isActive = e.data?.is_active === true;
  const name = optStr(e, 'name');
  if (name) out.name = name;
  return out;
}

export const isTimerEvent = (type: string): boolean =>
  type === 'timer-started' ||
  type === 'timer-updated' ||
  type === 'timer-cancelled' ||
  type === 'timer-finished';
