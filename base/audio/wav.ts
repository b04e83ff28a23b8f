/**
 * Minimal RIFF/WAVE reader and writer for 16-bit PCM (and 8-bit / 32-bit float input, converted),
 * used by the emulated boards (speech in), the tests (espeak-ng output) and speaker capture (speech out).
 */
import { HarkError } from '../errors.js';

export interface PcmAudio {
  sampleRate: number;
  /** Mono signed 16-bit samples (multi-channel input is mixed down). */
  samples: Int16Array;
}

/** Parses a WAV file. `source` names the file in errors. */
export function parseWav(buf: Uint8Array, source = 'WAV data'): PcmAudio {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const tag = (o: number) => String.fromCharCode(buf[o]!, buf[o + 1]!, buf[o + 2]!, buf[o + 3]!);
  if (buf.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') {
    throw new HarkError('HARK_ERR_AUDIO_WAV', `${source} is not a RIFF/WAVE file`);
  }
  let fmt: { format: number; channels: number; rate: number; bits: number } | undefined;
  let off = 12;
  while (off + 8 <= buf.length) {
    const id = tag(off);
    let size = view.getUint32(off + 4, true);
    const body = off + 8;
    // espeak-ng --stdout writes 0xFFFFFFFF as the data size (it cannot seek back): read to the end.
    if (body + size > buf.length) size = buf.length - body;
    if (id === 'fmt ') {
      if (size < 16)
        throw new HarkError('HARK_ERR_AUDIO_WAV', `${source} is truncated (its fmt chunk is cut off)`);
      fmt = {
        format: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        rate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!fmt) throw new HarkError('HARK_ERR_AUDIO_WAV', `${source}: data chunk before fmt chunk`);
      return { sampleRate: fmt.rate, samples: toMono16(buf.subarray(body, body + size), fmt, source) };
    }
    off = body + size + (size & 1);
  }
  throw new HarkError('HARK_ERR_AUDIO_WAV', `${source} has no data chunk`);
}

function toMono16(
  data: Uint8Array,
  fmt: { format: number; channels: number; bits: number },
  source: string,
): Int16Array {
  const { channels, bits } = fmt;
  const isFloat = fmt.format === 3 || (fmt.format === 0xfffe && bits === 32);
  if (channels < 1) throw new HarkError('HARK_ERR_AUDIO_WAV', `${source}: zero channels`);
  const bytes = bits / 8;
  if (![8, 16, 32].includes(bits) || (bits === 32 && !isFloat)) {
    throw new HarkError(
      'HARK_ERR_AUDIO_WAV',
      `${source}: unsupported sample format (${bits}-bit, format ${fmt.format})`,
    );
  }
  const frames = Math.floor(data.length / (bytes * channels));
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out = new Int16Array(frames);
  for (let i = 0; i < frames; i++) {
    let acc = 0;
    for (let c = 0; c < channels; c++) {
      const o = (i * channels + c) * bytes;
      if (bits === 16) acc += view.getInt16(o, true);
      else if (bits === 8) acc += (data[o]! - 128) << 8;
      else acc += Math.max(-1, Math.min(1, view.getFloat32(o, true))) * 32767;
    }
    out[i] = Math.round(acc / channels);
  }
  return out;
}

/** Encodes mono PCM16 as a WAV file. */
export function encodeWav(audio: PcmAudio): Buffer {
  const dataBytes = audio.samples.length * 2;
  const out = Buffer.alloc(44 + dataBytes);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(audio.sampleRate, 24);
  out.writeUInt32LE(audio.sampleRate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < audio.samples.length; i++) out.writeInt16LE(audio.samples[i]!, 44 + i * 2);
  return out;
}
