/**
 * Turns one command Response into what a particular board can show and play: an LED override, a
 * TONE, a VOLUME change, and speech (or, on boards without a PCM speaker, a tone in its place).
 * Pure: the pipeline sends the resulting messages and plays the speech.
 */

import type { PcmAudio } from '../../base/audio/wav.js';
import type { Hello, Tone } from '../../protocol/ts/messages.js';
import { LedKind } from '../../protocol/ts/messages.js';
import type { LedSpec, NamedLed, Response } from '../commands/index.js';
import type { HarkConfig, LedEffectConfig } from '../config/index.js';
import { earconMessage, isEarcon } from './earcons.js';
import { canSpeak } from './speech.js';

/** What the pipeline does for one response on one board. */
export interface ResponsePlan {
  /** A new LED override (undefined = keep the current one; `null` = clear it). */
  led?: { effect: LedEffectConfig; durationMs: number } | null;
  tone?: Tone;
  /** New absolute volume, percent. */
  volume?: number;
  /** Text to synthesise and play on the board's speaker. */
  speak?: string;
  /** Recorded audio to play (a WAV path or decoded PCM), on boards with a PCM speaker. */
  audio?: string | PcmAudio;
}

/** LED effects for the named states commands may ask for. */
function namedLed(
  state: NamedLed,
  leds: HarkConfig['leds'],
): { effect: LedEffectConfig; durationMs: number } | null {
  switch (state) {
    case 'off':
      return { effect: { effect: 'off', color: { r: 0, g: 0, b: 0 }, periodMs: 0 }, durationMs: 0 };
    case 'idle':
      return null;
    case 'success':
      return { effect: { effect: 'solid', color: { r: 0, g: 255, b: 0 }, periodMs: 0 }, durationMs: 1500 };
    case 'timer':
      return {
        effect: { effect: 'blink', color: { r: 255, g: 128, b: 0 }, periodMs: 500 },
        durationMs: 5000,
      };
    case 'error':
      return { effect: leds.error, durationMs: 2000 };
    default:
      return { effect: leds[state], durationMs: 0 };
  }
}

function ledOf(led: NamedLed | LedSpec, leds: HarkConfig['leds']): ResponsePlan['led'] {
  if (typeof led === 'string') return namedLed(led, leds);
  return {
    effect: {
      effect: led.effect,
      color: led.color ? { r: led.color.r, g: led.color.g, b: led.color.b } : { r: 255, g: 255, b: 255 },
      periodMs: led.periodMs ?? 0,
    },
    durationMs: led.durationMs ?? 0,
  };
}

/** Plans `r` for a board with `hello`, given the current volume. */
export function planResponse(r: Response, hello: Hello, config: HarkConfig, volume: number): ResponsePlan {
  const plan: ResponsePlan = {};
  if (r.led !== undefined && hello.ledKind !== LedKind.NONE && hello.ledCount > 0)
    plan.led = ledOf(r.led, config.leds);
  if (r.volume !== undefined) {
    const next = 'level' in r.volume ? r.volume.level : volume + r.volume.delta;
    plan.volume = Math.max(0, Math.min(100, Math.round(next)));
  }
  if (typeof r.tone === 'string') {
    if (isEarcon(r.tone)) plan.tone = earconMessage(r.tone);
  } else if (Array.isArray(r.tone)) {
    plan.tone = {
      type: 'TONE',
      steps: r.tone.map((s) => ({
        freqHz: Math.round(s.freqHz),
        durationMs: Math.round(s.durationMs),
        volume: Math.round(((s.volume ?? 153) / 255) * 100),
      })),
    };
  }
  const failed = r.status === 'error' || r.status === 'not_found';
  const words = r.voice === true ? r.text : r.voice;
  if (words) {
    if (canSpeak(hello)) plan.speak = words;
    else if (!plan.tone) plan.tone = earconMessage(failed ? 'error' : 'success');
  }
  if (r.audio !== undefined) {
    if (canSpeak(hello)) plan.audio = r.audio;
    else plan.tone ??= earconMessage('success');
  }
  if (!plan.tone && !plan.speak && failed) plan.tone = earconMessage('error');
  return plan;
}
