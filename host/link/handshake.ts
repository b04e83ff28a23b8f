/**
 * The host's side of the handshake as pure functions: the HELLO_ACK it answers with, the audio codec it
 * picks, and the diagnosis of a handshake that timed out.
 */
import { loadProfiles } from '../../boards/profiles/profile-loader.js';
import type { BoardProfile } from '../../boards/profiles/profile-schema.js';
import type { MessageStats } from '../../protocol/ts/message-decoder.js';
import {
  type AudioCodecId,
  type Hello,
  type HelloAck,
  PROTOCOL_MAJOR,
  PROTOCOL_MINOR,
} from '../../protocol/ts/messages.js';

/** Codec preference when the profile names none the board offers: quality first. */
const CODEC_ORDER: AudioCodecId[] = [0, 2, 1];

/** The HELLO_ACK for `h`. */
export function ackFor(
  h: Hello,
  codec: AudioCodecId,
  opts: { chunkMs: number; heartbeatMs: number },
): HelloAck {
  return {
    type: 'HELLO_ACK',
    versionMajor: PROTOCOL_MAJOR,
    versionMinor: PROTOCOL_MINOR,
    features: h.features, // the host supports every 1.0 feature: the intersection is the board's set
    audioCodec: codec,
    audioSampleRate: h.micSampleRate,
    chunkMs: opts.chunkMs,
    heartbeatMs: opts.heartbeatMs,
    flags: 0,
    // SPEC 1.1 §2.3: 0 = no session, which a 1.1 board treats like a 1.0 host (every HELLO_ACK in READY
    // is a reconnect). The link draws a random non-zero session per handshake (link helper's change).
    hostSession: 0,
  };
}

/** The board's profile's preferred codec when it offers it (the HELLO's model, else `fallback`), else the best offered. */
export function chooseCodec(h: Hello, fallback: BoardProfile | undefined): AudioCodecId {
  const offered = (c: AudioCodecId) => (h.micCodecs & (1 << c)) !== 0;
  const profile = loadProfiles().get(h.boardModel) ?? fallback;
  const pref = profile
    ? (['pcm16', 'ulaw', 'ima-adpcm'].indexOf(profile.audio.preferredCodec) as AudioCodecId)
    : undefined;
  if (pref !== undefined && offered(pref)) return pref;
  return CODEC_ORDER.find(offered) ?? 0;
}

/**
 * Turns "no HELLO arrived in time" into the likely cause, from what did arrive: nothing (wrong port,
 * board held in reset, no firmware), readable text (a non-hark sketch or a bootloader), or binary noise
 * with CRC/COBS errors (a baud-rate mismatch).
 */
export function describeSilence(
  path: string,
  timeoutMs: number,
  bytes: readonly number[],
  frames: number,
  stats: Readonly<MessageStats>,
  profile: BoardProfile | undefined,
): string {
  const head = `no hark HELLO from ${path} within ${timeoutMs} ms`;
  if (bytes.length === 0) {
    return `${head}: the port sent nothing. Check that this is the board's port, that hark firmware is flashed, and that the board is not held in reset (try \`hark ports\`).`;
  }
  if (frames > 0) {
    return `${head}, though ${frames} valid hark frame(s) arrived: the board is still acknowledged by an earlier host; it re-sends HELLO once it has heard nothing for 3 heartbeats — retrying.`;
  }
  const printable = bytes.filter((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127)).length;
  if (printable / bytes.length > 0.85) {
    const text = String.fromCharCode(...bytes.slice(0, 60))
      .replace(/[\r\n]+/g, ' ')
      .trim();
    return `${head}: it sent text but no hark frame ("${text}"): this is not a hark board, or it runs other firmware — flash hark firmware.`;
  }
  const bad = stats.crcErrors + stats.malformed + stats.truncated + stats.oversized;
  const baud = profile ? ` (the ${profile.id} profile expects ${profile.serial.baudRate} baud)` : '';
  return `${head}: it sent ${bytes.length}+ bytes of noise (${bad} damaged frames): wrong baud rate${baud}? Pass the right --baud or --profile.`;
}
