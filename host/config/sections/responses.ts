/** Keys of what a board shows and plays (host/responses): speech, earcons, LED effects per state. */
import { boolean, choice, color, integer, section, text } from '../keys.js';

const ledEffect = (effect: string, rgb: string, periodMs: number, description: string) =>
  section(
    {
      effect: choice(['off', 'solid', 'blink', 'pulse', 'spin'], effect as 'off', 'LED effect'),
      color: color(rgb, 'colour'),
      periodMs: integer(periodMs, 0, 65535, 'cycle of blink/pulse/spin, ms'),
    },
    description,
  );

export const RESPONSE_KEYS = {
  volume: integer(70, 0, 100, 'speaker volume, percent'),
  voice: text('en-us', 'espeak-ng voice for spoken responses (espeak-ng --voices)'),
  voiceWpm: integer(170, 80, 450, 'speech rate, words per minute'),
  earcons: boolean(true, 'short tones when listening starts, stops or fails'),
  leds: section(
    {
      disconnected: ledEffect('blink', '#ff8000', 1000, 'link lost'),
      error: ledEffect('solid', '#ff0000', 0, 'something failed'),
      listening: ledEffect('pulse', '#0000ff', 1000, 'recording speech'),
      thinking: ledEffect('pulse', '#0000ff', 300, 'recognising / running the command'),
      replying: ledEffect('solid', '#0000ff', 0, 'speaking the response'),
      muted: ledEffect('solid', '#400000', 0, 'microphone muted'),
      idle: ledEffect('off', '#000000', 0, 'waiting'),
    },
    'LED effect per session state (priority: disconnected > error > listening > thinking > replying > muted > idle)',
  ),
};
