/**
 * Which LED effect a board shows, resolved from every condition that holds at once, like a smart
 * speaker's ring: disconnected/error > listening > thinking > (command override) > replying > muted > idle.
 * Pure data and functions: the session feeds it conditions, the result becomes one LED message.
 */

import { LED_ALL, LedEffectNames, LedKind, type Led as LedMessage } from '../../protocol/ts/messages.js';
import type { HarkConfig, LedEffectConfig } from '../config/index.js';

/** The conditions a board's LED can express (the config's `leds.*` keys). */
export type LedCondition =
  | 'disconnected'
  | 'error'
  | 'listening'
  | 'thinking'
  | 'replying'
  | 'muted'
  | 'idle';

/** Highest priority first. `override` is a command response's own LED request. */
export const LED_PRIORITY = [
  'disconnected',
  'error',
  'listening',
  'thinking',
  'override',
  'replying',
  'muted',
  'idle',
] as const satisfies readonly (LedCondition | 'override')[];

/** What the LED should show and why. */
export interface ResolvedLed {
  /** The condition that won. */
  source: (typeof LED_PRIORITY)[number];
  effect: LedEffectConfig;
}

/** Picks the winning condition. `idle` always holds, so there is always an answer. */
export function resolveLed(
  active: ReadonlySet<LedCondition>,
  effects: HarkConfig['leds'],
  override?: LedEffectConfig,
): ResolvedLed {
  for (const source of LED_PRIORITY) {
    if (source === 'override') {
      if (override) return { source, effect: override };
    } else if (source === 'idle' || active.has(source)) {
      return { source, effect: effects[source] };
    }
  }
  return { source: 'idle', effect: effects.idle };
}

/**
 * Single-colour LEDs cannot show blue vs red, so each condition gets its own blink pattern
 * (the configured colour only sets the brightness).
 */
export const MONO_PATTERNS: Record<ResolvedLed['source'], Pick<LedEffectConfig, 'effect' | 'periodMs'>> = {
  disconnected: { effect: 'blink', periodMs: 2000 },
  error: { effect: 'blink', periodMs: 150 },
  listening: { effect: 'solid', periodMs: 0 },
  thinking: { effect: 'blink', periodMs: 300 },
  override: { effect: 'solid', periodMs: 0 },
  replying: { effect: 'pulse', periodMs: 1000 },
  muted: { effect: 'blink', periodMs: 4000 },
  idle: { effect: 'off', periodMs: 0 },
};

/** The LED message for a board with `ledKind`/`ledCount`, or undefined when it has no LED. */
export function ledMessage(
  resolved: ResolvedLed,
  board: { ledKind: number; ledCount: number },
  durationMs = 0,
): LedMessage | undefined {
  if (board.ledKind === LedKind.NONE || board.ledCount === 0) return undefined;
  let { effect, periodMs } = resolved.effect;
  let { r, g, b } = resolved.effect.color;
  if (board.ledKind === LedKind.GPIO_MONO) {
    ({ effect, periodMs } = MONO_PATTERNS[resolved.source]);
    const level = Math.max(r, g, b, effect === 'off' ? 0 : 255);
    r = g = b = level;
  }
  const id = LedEffectNames.id(effect);
  if (id === undefined)
    throw new RangeError(`LED effect "${effect}" is not one of ${LedEffectNames.all.join(', ')}`);
  return { type: 'LED', index: LED_ALL, effect: id, r, g, b, periodMs, durationMs };
}
