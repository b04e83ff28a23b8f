/**
 * What a command answers: text, speech, LED state, tone, audio, status, and follow-ups (a context).
 * Handlers build plain objects; `validateResponse` checks them once, at the edge, with errors that
 * name the command.
 */
import type { PcmAudio } from '../../base/audio/wav.js';
import { HarkError } from '../../base/errors.js';
import { type LedEffectName, LedEffectNames, MAX_TONE_STEPS } from '../../protocol/ts/messages.js';
import type { AnyCommand } from './command.js';

/** The LED states a response may ask for by name; the session layer turns them into effects for each board. */
export const NAMED_LEDS = [
  'off',
  'idle',
  'listening',
  'thinking',
  'replying',
  'success',
  'error',
  'timer',
  'muted',
] as const;
export type NamedLed = (typeof NAMED_LEDS)[number];

/** An explicit LED effect (the protocol's effect names, protocol/ts/names.ts). */
export interface LedSpec {
  effect: LedEffectName;
  /** RGB 0..255 each; default white. */
  color?: { r: number; g: number; b: number };
  /** Blink/pulse/spin period; default chosen by the board. */
  periodMs?: number;
  /** How long the effect lasts before the LED returns to its state; 0 or absent = until changed. */
  durationMs?: number;
  /** LED index on the board; absent = all. */
  index?: number;
}

/** One step of a tone: frequency, length, volume 0..255. */
export interface ToneStepSpec {
  freqHz: number;
  durationMs: number;
  volume?: number;
}

/** 'rejected': the recogniser rejected the utterance (not a command); the host answers it itself. */
export const RESPONSE_STATUSES = ['success', 'info', 'error', 'not_found', 'rejected'] as const;
export type ResponseStatus = (typeof RESPONSE_STATUSES)[number];

/** A command's answer. Every field is optional; `status` defaults to 'success'. */
export interface Response {
  /** Text for logs and screens (and spoken when `voice` is `true`). */
  text?: string;
  /** Words to speak on the board; `true` speaks `text`. */
  voice?: string | true;
  /** A named LED state or an explicit effect. */
  led?: NamedLed | LedSpec;
  /** An earcon name (e.g. 'success', 'error', 'alarm') or explicit tone steps. */
  tone?: string | ToneStepSpec[];
  /** A WAV file path or decoded PCM to play on the board's speaker. */
  audio?: string | PcmAudio;
  /** Speaker volume in percent: an absolute `level` (0..100) or a relative `delta` (-100..100). */
  volume?: { level: number } | { delta: number };
  status?: ResponseStatus;
  /** Keep listening for a follow-up after this response. */
  needsInput?: boolean;
  /** Follow-up commands valid only after this response (objects, or names of registered commands). */
  commands?: (AnyCommand | string)[];
  /** Context parameters handed to the follow-up commands as `ctx.parameters`. */
  parameters?: Record<string, unknown>;
}

/** A response as the dispatcher hands it on: which command produced it and, for errors, why. */
export interface DispatchedResponse extends Response {
  status: ResponseStatus;
  /** The command's name; undefined for not_found. */
  command: string | undefined;
  boardId: string;
  /** True when it came through `ctx.respond()` after the handler's own responses. */
  late: boolean;
  /** The error behind a status 'error' response produced by the framework. */
  error?: HarkError;
}

const KEYS = new Set([
  'text',
  'voice',
  'led',
  'tone',
  'audio',
  'volume',
  'status',
  'needsInput',
  'commands',
  'parameters',
]);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isByte = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 255;
const isMs = (v: unknown) => v === undefined || (Number.isFinite(v) && (v as number) >= 0);

function problem(r: Record<string, unknown>): string | undefined {
  for (const k of Object.keys(r))
    if (!KEYS.has(k)) return `unknown field "${k}" (allowed: ${[...KEYS].join(', ')})`;
  if (r.text !== undefined && typeof r.text !== 'string') return '"text" must be a string';
  if (r.voice !== undefined && typeof r.voice !== 'string' && r.voice !== true)
    return '"voice" must be a string or true';
  if (r.voice === true && typeof r.text !== 'string') return '"voice: true" speaks "text", which is missing';
  if (r.status !== undefined && !(RESPONSE_STATUSES as readonly unknown[]).includes(r.status))
    return `"status" must be one of ${RESPONSE_STATUSES.join(', ')}`;
  if (r.needsInput !== undefined && typeof r.needsInput !== 'boolean')
    return '"needsInput" must be a boolean';
  if (r.led !== undefined) {
    if (typeof r.led === 'string') {
      if (!(NAMED_LEDS as readonly string[]).includes(r.led))
        return `"led" must be one of ${NAMED_LEDS.join(', ')}`;
    } else if (!isObject(r.led) || typeof r.led.effect !== 'string' || !LedEffectNames.has(r.led.effect)) {
      return `"led" must be a state name or { effect: ${LedEffectNames.all.join('|')}, color?, periodMs?, durationMs? }`;
    } else {
      const c = r.led.color;
      if (c !== undefined && !(isObject(c) && isByte(c.r) && isByte(c.g) && isByte(c.b)))
        return '"led.color" must be { r, g, b } with integers 0..255';
      if (!isMs(r.led.periodMs) || !isMs(r.led.durationMs))
        return '"led" periods must be non-negative numbers';
      if (r.led.index !== undefined && !isByte(r.led.index)) return '"led.index" must be an integer 0..255';
    }
  }
  if (r.tone !== undefined) {
    if (typeof r.tone === 'string') {
      if (!/^[a-z][a-z0-9_-]*$/.test(r.tone)) return '"tone" must be an earcon name like "success"';
    } else if (!Array.isArray(r.tone) || r.tone.length === 0 || r.tone.length > MAX_TONE_STEPS) {
      return `"tone" must be an earcon name or 1..${MAX_TONE_STEPS} steps`;
    } else {
      for (const s of r.tone) {
        if (!isObject(s) || !(Number.isFinite(s.freqHz) && (s.freqHz as number) >= 0) || !isMs(s.durationMs))
          return '"tone" steps must be { freqHz, durationMs, volume? }';
        if (s.volume !== undefined && !isByte(s.volume))
          return '"tone" step volume must be an integer 0..255';
      }
    }
  }
  if (r.audio !== undefined) {
    const a = r.audio;
    if (
      typeof a !== 'string' &&
      !(isObject(a) && a.samples instanceof Int16Array && Number.isFinite(a.sampleRate))
    )
      return '"audio" must be a WAV path or { sampleRate, samples: Int16Array }';
  }
  if (r.volume !== undefined) {
    const v = r.volume;
    const ok =
      isObject(v) &&
      Object.keys(v).length === 1 &&
      (('level' in v && Number.isFinite(v.level) && (v.level as number) >= 0 && (v.level as number) <= 100) ||
        ('delta' in v && Number.isFinite(v.delta) && Math.abs(v.delta as number) <= 100));
    if (!ok) return '"volume" must be { level: 0..100 } or { delta: -100..100 }';
  }
  if (r.commands !== undefined) {
    if (!Array.isArray(r.commands)) return '"commands" must be an array';
    for (const c of r.commands) {
      if (typeof c !== 'string' && !(isObject(c) && c.kind === 'hark.command'))
        return '"commands" entries must be command(...) definitions or names of registered commands';
    }
  }
  if (r.parameters !== undefined && !isObject(r.parameters)) return '"parameters" must be an object';
  return undefined;
}

/** Checks a handler's output; throws HARK_ERR_COMMANDS_RESPONSE naming `command`. */
export function validateResponse(value: unknown, command: string): Response {
  if (!isObject(value)) {
    throw new HarkError(
      'HARK_ERR_COMMANDS_RESPONSE',
      `command "${command}" produced ${value === null ? 'null' : typeof value} where a response object was expected`,
    );
  }
  const why = problem(value);
  if (why)
    throw new HarkError(
      'HARK_ERR_COMMANDS_RESPONSE',
      `command "${command}" produced an invalid response: ${why}`,
    );
  return value as Response;
}
