/**
 * Spoken responses: text → espeak-ng (a child process, off the event loop) → the board's speaker
 * rate → gain → the board's speaker codec. The result is handed to `LinkManager.play()`, whose link
 * worker streams it with the protocol's credit-based flow control.
 */

import { resample } from '../../base/audio/resample.js';
import type { PcmAudio } from '../../base/audio/wav.js';
import { HarkError, isHarkError } from '../../base/errors.js';
import { encodeAudioBlock } from '../../protocol/ts/audio/index.js';
import { AudioCodec, type AudioCodecId, codecBit, SpeakerKind } from '../../protocol/ts/messages.js';
import { synthesize } from '../tts/espeak.js';

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
}

/** A synthesiser that may hand the text to `local` (espeak-ng) instead. */
export type RemoteSpeech = (text: string, local: () => Promise<PcmAudio>) => Promise<PcmAudio>;

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

/** Scales samples by `gain` with clipping (in place on a copy). */
export function applyGain(samples: Int16Array, gain: number): Int16Array {
  if (gain === 1) return samples;
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++)
    out[i] = Math.max(-32768, Math.min(32767, Math.round(samples[i]! * gain)));
  return out;
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
  let pcm: PcmAudio;
  const local = () =>
    synthesize(text, {
      voice: opts.voice ?? 'en-us',
      wpm: opts.wpm ?? 170,
      sampleRate: caps.speakerSampleRate,
    });
  try {
    pcm = opts.remote ? await opts.remote(text, local) : await local();
  } catch (e) {
    throw new HarkError(
      'HARK_ERR_RESPONSE_SPEECH',
      `could not synthesise "${text}": ${isHarkError(e) ? e.message : (e as Error).message}`,
      { cause: e },
    );
  }
  // espeak-ng's output is already at the speaker rate: prepareAudio only applies gain and encodes.
  return prepareAudio(pcm, caps, opts);
}
