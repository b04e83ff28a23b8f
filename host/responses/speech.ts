/**
 * Spoken responses: text → espeak-ng (a child process) → the board's speaker rate → gain → the
 * board's speaker codec. With a `SpeechService` (the pipeline always has one) all of that runs in the
 * speech worker, cached by text, voice and format, and main only passes the bytes on; without one
 * (tests, embedders) it runs here. The result is handed to `LinkManager.play()`, whose link worker
 * streams it with the protocol's credit-based flow control.
 */

import { applyGain } from '../../base/audio/gain.js';
import { resample } from '../../base/audio/resample.js';
import type { PcmAudio } from '../../base/audio/wav.js';
import { HarkError, isHarkError } from '../../base/errors.js';
import { encodeAudioBlock } from '../../protocol/ts/audio/index.js';
import { AudioCodec, type AudioCodecId, codecBit, SpeakerKind } from '../../protocol/ts/messages.js';
import { synthesize } from '../tts/espeak.js';
import type { SpeechService } from '../tts/speech-service.js';

export { applyGain } from '../../base/audio/gain.js';

/** What a board's HELLO says about its speaker. */
export interface SpeakerCaps {
  speakerKind: number;
  speakerSampleRate: number;
  /** Bitmask of codecBit(AudioCodec). */
  speakerCodecs: number;
}

/** Encoded audio ready for `LinkManager.play()`. */
export interface SpeakerAudio {
  codec: AudioCodecId;
  sampleRate: number;
  data: Uint8Array;
  /** Duration, ms. */
  durationMs: number;
}

export interface SpeechOptions {
  /** espeak-ng voice; default 'en-us'. */
  voice?: string;
  /** Words per minute; default 170. */
  wpm?: number;
  /** Linear gain applied before encoding (clipped); default 1. Board volume is a VOLUME message. */
  gain?: number;
  /** Another synthesiser tried first (a Wyoming TTS server); it calls `local` (espeak-ng) when it cannot. */
  remote?: RemoteSpeech;
  /** The speech worker: synthesis, resampling and encoding off this thread, replies cached. */
  service?: SpeechService;
}

/**
 * A synthesiser that may hand the text to `local` (espeak-ng) instead; `local`'s result is passed
 * through untouched, so espeak-ng can run in the speech worker and return encoded audio.
 */
export type RemoteSpeech = <T>(text: string, local: () => Promise<T>) => Promise<PcmAudio | T>;

/** True when the board can play PCM audio at all (piezo-only boards get tones instead). */
export const canSpeak = (caps: SpeakerCaps): boolean =>
  caps.speakerKind === SpeakerKind.PCM && caps.speakerSampleRate > 0 && caps.speakerCodecs !== 0;

/**
 * The codec to send speech in: PCM16 when offered (no quality loss, the link worker paces it by
 * credits), else µ-law. Not IMA-ADPCM: the link splits speaker data at arbitrary byte offsets, and
 * ADPCM blocks must not be split.
 */
export function chooseSpeakerCodec(caps: SpeakerCaps): AudioCodecId | undefined {
  for (const c of [AudioCodec.PCM16, AudioCodec.ULAW] as const) {
    if (caps.speakerCodecs & codecBit(c)) return c;
  }
  return undefined;
}

/** Converts PCM (a command's recorded `audio` response, or speech) to the board's speaker rate and codec. */
export function prepareAudio(
  pcm: PcmAudio,
  caps: SpeakerCaps,
  opts: Pick<SpeechOptions, 'gain'> = {},
): SpeakerAudio {
  const codec = chooseSpeakerCodec(caps);
  if (!canSpeak(caps) || codec === undefined) {
    throw new HarkError('HARK_ERR_RESPONSE_SPEECH', 'the board has no PCM speaker to play audio on');
  }
  const rate = caps.speakerSampleRate;
  const samples = applyGain(
    pcm.sampleRate === rate ? pcm.samples : resample(pcm.samples, pcm.sampleRate, rate),
    opts.gain ?? 1,
  );
  return {
    codec,
    sampleRate: rate,
    data: encodeAudioBlock(codec, samples),
    durationMs: Math.round((samples.length / rate) * 1000),
  };
}

/** prepareAudio in the speech worker when there is one (recordings can be long to resample). */
export async function convertAudio(
  pcm: PcmAudio,
  caps: SpeakerCaps,
  opts: Pick<SpeechOptions, 'gain' | 'service'> = {},
): Promise<SpeakerAudio> {
  const codec = chooseSpeakerCodec(caps);
  if (!opts.service || !canSpeak(caps) || codec === undefined) return prepareAudio(pcm, caps, opts);
  return opts.service.convert(pcm.samples, pcm.sampleRate, {
    sampleRate: caps.speakerSampleRate,
    codec,
    gain: opts.gain ?? 1,
  });
}

/** Synthesises `text` for a board's speaker. Throws HARK_ERR_RESPONSE_SPEECH naming the text on failure. */
export async function prepareSpeech(
  text: string,
  caps: SpeakerCaps,
  opts: SpeechOptions = {},
): Promise<SpeakerAudio> {
  // Checked before espeak-ng runs, so the error names the text.
  if (!canSpeak(caps) || chooseSpeakerCodec(caps) === undefined) {
    throw new HarkError('HARK_ERR_RESPONSE_SPEECH', `the board has no PCM speaker to say "${text}"`);
  }
  const codec = chooseSpeakerCodec(caps)!;
  const format = { sampleRate: caps.speakerSampleRate, codec, gain: opts.gain ?? 1 };
  const voice = { voice: opts.voice ?? 'en-us', wpm: opts.wpm ?? 170 };
  const service = opts.service;
  // espeak-ng in the speech worker when there is one (also when a remote voice falls back to it).
  const local = async (): Promise<SpeakerAudio> =>
    service
      ? service.speak(text, voice, format)
      : prepareAudio(await synthesize(text, { ...voice, sampleRate: caps.speakerSampleRate }), caps, opts);
  let out: PcmAudio | SpeakerAudio;
  try {
    out = opts.remote ? await opts.remote(text, local) : await local();
  } catch (e) {
    throw speechFailed(text, e);
  }
  // A remote voice's PCM is at its own rate: resampled and encoded (in the worker when there is one).
  return 'codec' in out ? out : convertAudio(out, caps, opts);
}

const speechFailed = (text: string, e: unknown) =>
  new HarkError(
    'HARK_ERR_RESPONSE_SPEECH',
    `could not synthesise "${text}": ${isHarkError(e) ? e.message : (e as Error).message}`,
    { cause: e },
  );
