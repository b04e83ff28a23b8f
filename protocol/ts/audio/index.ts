/** Audio block codecs of SPEC §7, selected by AudioCodec id. */
import { ProtocolError } from '../errors.js';
import { AudioCodec, type AudioCodecId } from '../messages.js';
import { type AdpcmEncoderState, adpcmDecodeBlock, adpcmEncodeBlock } from './ima-adpcm.js';
import { ulawDecode, ulawEncode } from './ulaw.js';

export * from './ima-adpcm.js';
export * from './ulaw.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** PCM16 little-endian bytes of `samples`. */
export function pcm16Encode(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  if (LITTLE_ENDIAN) out.set(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));
  else for (let i = 0; i < samples.length; i++) new DataView(out.buffer).setInt16(2 * i, samples[i]!, true);
  return out;
}

/** Samples of PCM16 little-endian bytes; a trailing odd byte is ignored (SPEC §7 blocks are even). */
export function pcm16Decode(data: Uint8Array): Int16Array {
  const n = data.length >> 1;
  const out = new Int16Array(n);
  if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(data.subarray(0, 2 * n));
  else for (let i = 0; i < n; i++) out[i] = ((data[2 * i]! | (data[2 * i + 1]! << 8)) << 16) >> 16;
  return out;
}

/**
 * Encodes samples as one AUDIO / SPEAKER_DATA block in `codec`. `adpcmState` carries the IMA step index
 * between consecutive blocks of one stream (ignored by the other codecs).
 */
export function encodeAudioBlock(
  codec: AudioCodecId,
  samples: Int16Array,
  adpcmState?: AdpcmEncoderState,
): Uint8Array {
  switch (codec) {
    case AudioCodec.PCM16:
      return pcm16Encode(samples);
    case AudioCodec.ULAW:
      return ulawEncode(samples);
    case AudioCodec.IMA_ADPCM:
      return adpcmEncodeBlock(samples, adpcmState);
    default:
      throw new ProtocolError(
        'HARK_ERR_PROTOCOL_ENCODE',
        `cannot encode audio: unknown codec id ${String(codec)}`,
      );
  }
}

/** Decodes one block in `codec` to samples. Never throws; an unknown codec decodes to no samples. */
export function decodeAudioBlock(codec: AudioCodecId, data: Uint8Array): Int16Array {
  switch (codec) {
    case AudioCodec.PCM16:
      return pcm16Decode(data);
    case AudioCodec.ULAW:
      return ulawDecode(data);
    case AudioCodec.IMA_ADPCM:
      return adpcmDecodeBlock(data);
    default:
      return new Int16Array(0);
  }
}

/** Encoded bytes per sample of each codec (IMA-ADPCM without its 4-byte block header). */
export const BYTES_PER_SAMPLE: Readonly<Record<AudioCodecId, number>> = { 0: 2, 1: 1, 2: 0.5 };
