/** Speech-to-text in ASR worker threads (see README.md in this folder for engine setup). */

export type { AudioRouteMessage } from './audio-route.js';
export { type GrammarOptions, TranscriptionService } from './service.js';
export { TranscriptionStream } from './stream.js';
export type {
  EndOfSpeechOptions,
  EngineName,
  GrammarReport,
  LoadProgress,
  StreamOptions,
  Transcript,
  TranscriptionOptions,
  TranscriptWord,
} from './types.js';
