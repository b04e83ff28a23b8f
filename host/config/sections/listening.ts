/** Keys of listening: how an utterance starts and ends (host/sessions, the ASR workers' VAD). */
import { Type } from '@sinclair/typebox';
import { choice, integer, number, text } from '../keys.js';

const WAKE_PHRASE = { pattern: '^[a-z][a-z ]*[a-z]$', expect: 'lowercase words' };

export const LISTENING_KEYS = {
  listenMode: choice(
    ['button', 'wake'],
    'button',
    'button: push/tap to talk; wake: hands-free, listen for the wake phrase',
  ),
  wakePhrase: text('hey computer', 'hands-free wake phrase', WAKE_PHRASE),
  wakeSensitivity: number(
    0.5,
    { minimum: 0, maximum: 1 },
    'hands-free: how readily the wake phrase is accepted (higher: fewer misses, more false wakes)',
  ),
  wakeBoards: Type.Record(
    Type.String({ minLength: 1 }),
    Type.Object(
      {
        phrase: Type.Optional(Type.String({ pattern: WAKE_PHRASE.pattern })),
        sensitivity: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
      },
      { additionalProperties: false },
    ),
    {
      default: {},
      description:
        'per board id: its own wake phrase and sensitivity, e.g. {"kitchen-1":{"phrase":"hey kitchen"}}',
      'x-hark-expect': 'a JSON object of board id: {"phrase"?, "sensitivity"?}',
    },
  ),
  rejectReply: text(
    "Sorry, I didn't catch that",
    'what a board with a speaker says when an utterance is rejected (empty: the error tone only)',
  ),
  silenceMs: integer(700, 100, 5000, 'silence that ends speech, ms'),
  minSpeechMs: integer(300, 0, 5000, 'speech shorter than this is noise, ms'),
  maxUtteranceMs: integer(15000, 1000, 60000, 'hard limit of one utterance, ms'),
  noSpeechTimeoutMs: integer(5000, 500, 60000, 'stop listening when nothing was said, ms'),
  followUpMs: integer(8000, 0, 60000, 'listening window after a response that needs input, ms'),
};
