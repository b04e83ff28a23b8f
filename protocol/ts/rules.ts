/**
 * The protocol's behavioural numbers (protocol/SPEC.md §1.4, §2, §4, §9): intervals, timeouts, windows
 * and gesture timings that both ends and every implementation (host link, firmware, emulator,
 * `hark conformance`) must agree on. hark_protocol.h carries them as HARK_SPEC_* constants.
 */
import { randomInt } from 'node:crypto';
import { adpcmBlockBytes } from './audio/ima-adpcm.js';
import { AudioCodec, type AudioCodecId, MAX_PAYLOAD_BYTES } from './messages.js';

/** §2.2.1: an un-acknowledged board repeats HELLO this often. */
export const HELLO_INTERVAL_MS = 1000;
/** §2.5.1: a board that hears no frame for this many heartbeat intervals considers the host gone. */
export const HOST_GONE_HEARTBEATS = 3;
/** §4.2.3: the heartbeat when HELLO_ACK.heartbeat_ms is 0, and the host's default. */
export const DEFAULT_HEARTBEAT_MS = 1000;
/** §2.4.2: while handshaking, the host repeats its PING token 0 nudge this often. */
export const HELLO_NUDGE_INTERVAL_MS = 1000;
/** §2.2.7: a 1.0 board is acknowledged again only for a HELLO this long after the last HELLO_ACK. */
export const REACK_1_0_MIN_GAP_MS = 500;
/** §1.4.3: the receive window assumed for a 1.0 board whose max_rx_payload is below 1024. */
export const ASSUMED_1_0_RX_WINDOW_BYTES = 64;
/** §4.3.5: the chunk_ms a board uses when HELLO_ACK.chunk_ms is 0. */
export const DEFAULT_CHUNK_MS = 20;
/** §4.3.5: the valid range of HELLO_ACK.chunk_ms. */
export const MIN_CHUNK_MS = 5;
export const MAX_CHUNK_MS = 100;
/** AUDIO header in front of each block: stream u8, chunk u16. */
export const AUDIO_HEADER_BYTES = 3;
/** §4.6.9: the shortest speaker stall a host waits out before it stops the stream. */
export const SPEAKER_STALL_MIN_MS = 2000;
/** §9.1: button timings of the firmware's debouncer (firmware/core/button). */
export const BUTTON_DEBOUNCE_MS = 25;
export const BUTTON_DOUBLE_MS = 300;
export const BUTTON_LONG_MS = 800;
/** §9.3: a press shorter than this is a tap (the board VAD may then end the stream). */
export const BUTTON_TAP_MS = 400;

/** Encoded bytes of one block of `samples` samples in `codec` (SPEC §7). */
export function blockBytes(codec: AudioCodecId, samples: number): number {
  if (samples <= 0) return 0;
  if (codec === AudioCodec.PCM16) return 2 * samples;
  if (codec === AudioCodec.ULAW) return samples;
  return adpcmBlockBytes(samples);
}

/** Samples in one chunk of `chunkMs` at `sampleRate` (what a board sends per AUDIO frame). */
export const chunkSamples = (sampleRate: number, chunkMs: number): number =>
  Math.round((sampleRate * chunkMs) / 1000);

/**
 * §4.3.5: the largest chunk_ms in MIN_CHUNK_MS..MAX_CHUNK_MS whose AUDIO payload (3-byte header + block)
 * fits `maxPayloadBytes` (1024, or less for a board's own limit); 0 when not even MIN_CHUNK_MS fits.
 */
export function maxChunkMs(
  codec: AudioCodecId,
  sampleRate: number,
  maxPayloadBytes: number = MAX_PAYLOAD_BYTES,
): number {
  for (let ms = MAX_CHUNK_MS; ms >= MIN_CHUNK_MS; ms--) {
    if (AUDIO_HEADER_BYTES + blockBytes(codec, chunkSamples(sampleRate, ms)) <= maxPayloadBytes) return ms;
  }
  return 0;
}

/** §4.6.9: how long a host with data to send waits for a credit before it stops the stream. */
export function speakerStallMs(bufferBytes: number, bytesPerSecond: number): number {
  const playMs = bytesPerSecond > 0 ? (1000 * bufferBytes) / bytesPerSecond : 0;
  return Math.max(SPEAKER_STALL_MIN_MS, Math.ceil(2 * playMs));
}

/** §2.3.1: a random non-zero HELLO_ACK.host_session for a new handshake. */
export const drawHostSession = (): number => randomInt(1, 0x1_0000_0000);
