/** Messages between main (speech-service.ts) and the speech worker (speech-worker.ts). */
import type { AudioCodecId } from '../../protocol/ts/messages.js';

/** The board's speaker format and the gain to apply before encoding. */
export interface SpeakerFormat {
  sampleRate: number;
  codec: AudioCodecId;
  gain: number;
}

export type SpeechRequest =
  | ({ op: 'speak'; text: string; voice: string; wpm: number } & SpeakerFormat)
  /** PCM from elsewhere (a command's recording, a Wyoming TTS server): converted, never cached. */
  | ({ op: 'convert'; samples: Int16Array; inRate: number } & SpeakerFormat)
  | { op: 'stats' }
  /** Loads a voice ahead of the first reply (a throwaway synthesis, not cached). */
  | { op: 'warm'; voice: string; wpm: number };

/** Speaker-ready audio; `data` owns its whole ArrayBuffer, so it can be transferred onwards. */
export interface EncodedSpeech {
  codec: AudioCodecId;
  sampleRate: number;
  data: Uint8Array;
  durationMs: number;
  /** Served from the cache (no espeak-ng run). */
  cached: boolean;
}

export interface SpeechStats {
  hits: number;
  misses: number;
  cachedBytes: number;
  cachedReplies: number;
  /** Replies dropped for not being asked for within the cache's idle limit. */
  expired: number;
  /** malloc_trim calls so far (speech-worker.ts), and the milliseconds they took in all. */
  nativeTrims: number;
  nativeTrimMs: number;
}
