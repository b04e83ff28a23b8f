/**
 * Earcons: short TONE sequences that tell the user, without looking, that the board started or
 * stopped listening or that something failed. Rising = listening, falling = done, low = error.
 */
import type { Tone, ToneStep } from '../../protocol/ts/messages.js';

export type EarconName = 'listening' | 'stopped' | 'error' | 'followUp' | 'success' | 'alarm';

/** Each earcon as tone steps at full earcon volume (scaled by {@link earconMessage}). */
export const EARCONS: Record<EarconName, readonly ToneStep[]> = {
  listening: [
    { freqHz: 880, durationMs: 60, volume: 60 },
    { freqHz: 1320, durationMs: 90, volume: 60 },
  ],
  stopped: [
    { freqHz: 1320, durationMs: 60, volume: 60 },
    { freqHz: 880, durationMs: 90, volume: 60 },
  ],
  error: [
    { freqHz: 330, durationMs: 150, volume: 70 },
    { freqHz: 0, durationMs: 60, volume: 0 },
    { freqHz: 220, durationMs: 250, volume: 70 },
  ],
  followUp: [{ freqHz: 1320, durationMs: 80, volume: 50 }],
  success: [
    { freqHz: 1047, durationMs: 70, volume: 50 },
    { freqHz: 1568, durationMs: 110, volume: 50 },
  ],
  alarm: [
    { freqHz: 1760, durationMs: 150, volume: 80 },
    { freqHz: 0, durationMs: 100, volume: 0 },
    { freqHz: 1760, durationMs: 150, volume: 80 },
    { freqHz: 0, durationMs: 100, volume: 0 },
    { freqHz: 1760, durationMs: 150, volume: 80 },
  ],
};

/** True when `name` is a built-in earcon. */
export const isEarcon = (name: string): name is EarconName => Object.hasOwn(EARCONS, name);

/** The TONE message for an earcon at `volumePercent` of the configured speaker volume. */
export function earconMessage(name: EarconName, volumePercent = 100): Tone {
  const scale = Math.max(0, Math.min(100, volumePercent)) / 100;
  return {
    type: 'TONE',
    steps: EARCONS[name].map((s) => ({ ...s, volume: Math.round(s.volume * scale) })),
  };
}
