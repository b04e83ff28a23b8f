/** Keys of listening: how an utterance starts and ends (host/sessions, the ASR workers' VAD). */
import { choice, integer, text } from '../keys.js';

export const LISTENING_KEYS = {
  listenMode: choice(
    ['button', 'wake'],
    'button',
    'button: push/tap to talk; wake: hands-free, listen for the wake phrase',
  ),
  wakePhrase: text('hey computer', 'hands-free wake phrase', {
    pattern: '^[a-z][a-z ]*[a-z]$',
    expect: 'lowercase words',
  }),
  silenceMs: integer(700, 100, 5000, 'silence that ends speech, ms'),
  minSpeechMs: integer(300, 0, 5000, 'speech shorter than this is noise, ms'),
  maxUtteranceMs: integer(15000, 1000, 60000, 'hard limit of one utterance, ms'),
  noSpeechTimeoutMs: integer(5000, 500, 60000, 'stop listening when nothing was said, ms'),
  followUpMs: integer(8000, 0, 60000, 'listening window after a response that needs input, ms'),
};
