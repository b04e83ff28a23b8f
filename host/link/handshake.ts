/**
 * The host's side of the handshake as pure functions: the HELLO_ACK it answers with, the audio codec it
 * picks, and the diagnosis of a handshake that timed out.
 */

import { randomInt } from 'node:crypto';
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
import {
  ASSUMED_1_0_RX_WINDOW_BYTES,
  MAX_CHUNK_MS,
  MIN_CHUNK_MS,
  maxChunkMs,
  REACK_1_0_MIN_GAP_MS,
} from '../../protocol/ts/rules.js';

/** Codec preference when the profile names none the board offers: quality first. */
const CODEC_ORDER: AudioCodecId[] = [0, 2, 1];

/** A random non-zero host_session for a new handshake (SPEC §2.3.1). */
export const newHostSession = (): number => randomInt(1, 0x1_0000_0000);

/**
 * chunk_ms for HELLO_ACK (SPEC §4.3.5): the configured one, lowered when one AUDIO payload of `codec` at
 * `sampleRate` would not fit 1024 bytes, within 5..100 ms.
 */
export function chunkMsFor(h: Hello, codec: AudioCodecId, wantedMs: number): number {
  const fits = maxChunkMs(codec, h.micSampleRate);
  const ms = Math.min(Math.max(wantedMs, MIN_CHUNK_MS), MAX_CHUNK_MS);
  return fits > 0 ? Math.min(ms, fits) : ms;
}

/** The HELLO_ACK for `h` in session `hostSession`. */
export function ackFor(
  h: Hello,
  codec: AudioCodecId,
  opts: { chunkMs: number; heartbeatMs: number },
  hostSession: number,
): HelloAck {
  return {
    type: 'HELLO_ACK',
    versionMajor: PROTOCOL_MAJOR,
    versionMinor: PROTOCOL_MINOR,
    features: h.features, // the host supports every 1.0 feature: the intersection is the board's set
    audioCodec: codec,
    audioSampleRate: h.micSampleRate,
    chunkMs: chunkMsFor(h, codec, opts.chunkMs),
    heartbeatMs: opts.heartbeatMs,
    flags: 0,
    // SPEC §2.3: a duplicate HELLO_ACK of this session is ignored by a 1.1 board; a new one resets it.
    hostSession,
  };
}

/**
 * How many unprocessed bytes the host may have in flight to this board (SPEC §1.4; 0 = no limit beyond
 * max_rx_payload): what a 1.1 board announces, else 64 for a 1.0 board whose max_rx_payload is below
 * 1024 (it has a small UART buffer and no way to say so).
 */
export function rxWindowFor(h: Hello): number {
  if (h.versionMinor >= 1) return h.rxWindowBytes;
  return h.maxRxPayload < 1024 ? ASSUMED_1_0_RX_WINDOW_BYTES : 0;
}

/**
 * Whether a HELLO with seq ≠ 0 on a ready link gets a HELLO_ACK again (SPEC §2.2.5–2.2.7): only when it
 * arrives ≥ 500 ms after the last HELLO_ACK. Closer ones are a burst the board queued before our ACK
 * reached it, answered once — a 1.0 board would reset on each extra ACK, and a 1.1 board would only
 * ignore them. A board that really went back to AWAIT_ACK repeats HELLO a second later and is answered.
 */
export const shouldReack = (sinceLastAckMs: number): boolean => sinceLastAckMs >= REACK_1_0_MIN_GAP_MS;

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

/** What one handshake attempt saw (board-link/handshake-attempt.ts). */
export interface HandshakeEvidence {
  elapsedMs: number;
  /** The first bytes from the port. */
  bytes: readonly number[];
  /** Valid frames a board would send (not echoes of the host's own). */
  boardFrames: number;
  /** Valid frames that were the host's own coming back (host-only types, PING token 0). */
  echoes: number;
  /** PING token 0 nudges sent. */
  nudges: number;
  /** PONGs to a nudge (a board is there and reads). */
  pongsToNudge: number;
  /** The nudges stopped because a PONG came without a HELLO (a 1.0 board acknowledged elsewhere). */
  quiet: boolean;
}

/**
 * Turns "no HELLO arrived in time" into the likely cause, from what did arrive: nothing (wrong port,
 * board held in reset, no firmware), the host's own frames (an echoing port), valid board frames (a
 * board still acknowledged by an earlier host), readable text (a non-hark sketch or a bootloader), or
 * binary noise (a baud-rate mismatch). Each names the fix.
 */
export function describeHandshakeTimeout(
  path: string,
  timeoutMs: number,
  ev: HandshakeEvidence,
  stats: Readonly<MessageStats>,
  profile: BoardProfile | undefined,
): string {
  const head = `no hark HELLO from ${path} within ${timeoutMs} ms`;
  const { bytes } = ev;
  if (bytes.length === 0) {
    return `${head}: the port sent nothing. Check that this is the board's port, that hark firmware is flashed, and that the board is not held in reset (try \`hark ports\`).`;
  }
  const bad = stats.crcErrors + stats.malformed + stats.truncated + stats.oversized + stats.badPayload;
  if (ev.echoes > 0 && ev.echoes >= ev.boardFrames) {
    return `${head}: the port sends back what the host writes (${ev.echoes} of the host's own frames came back). This is an echo, not a hark board: a USB-serial adapter with TX and RX joined, a terminal program with echo on, or a device that loops its input — check the port and the wiring.`;
  }
  if (ev.boardFrames > 0 && ev.boardFrames >= bad) {
    const why =
      ev.pongsToNudge > 0
        ? 'it answers PING but sends no HELLO, so it is still acknowledged by an earlier host (a protocol 1.0 board keeps that until 3 heartbeats pass with no frame from a host) — retrying; it sends HELLO by itself within a few seconds'
        : 'it sends valid frames but no HELLO (still acknowledged by an earlier host, or busy) — retrying';
    return `${head}: ${ev.boardFrames} valid hark frame(s) arrived, but ${why}.`;
  }
  const printable = bytes.filter((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127)).length;
  if (printable / bytes.length > 0.85) {
    const text = String.fromCharCode(...bytes.slice(0, 60))
      .replace(/[\r\n]+/g, ' ')
      .trim();
    return `${head}: it sent text but no hark frame ("${text}"): this is not a hark board, or it runs other firmware — flash hark firmware.`;
  }
  const expects = profile
    ? `the ${profile.id} profile sets ${profile.serial.baudRate} baud`
    : 'no board profile was chosen, so hark used 921600 baud';
  return `${head}: it sent ${bytes.length}+ bytes of noise (${bad} damaged frames) — a wrong baud rate? (${expects}.) Choose the board's profile with --profile ID (\`hark ports\` shows the matching ones) or set the rate with \`hark config set baudRate N\`.`;
}
