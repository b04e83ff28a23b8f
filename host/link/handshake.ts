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

/** Receive window assumed for a protocol 1.0 board with a small receive limit (an ATmega's UART buffer). */
export const ASSUMED_SMALL_WINDOW_BYTES = 64;

/**
 * How many unprocessed bytes the host may have in flight to this board (SPEC 1.1 §6; 0 = no limit
 * beyond max_rx_payload): what a 1.1 board announces, else 64 for a 1.0 board whose max_rx_payload is
 * below 1024 (it has a small UART buffer and no way to say so).
 */
export function rxWindowFor(h: Hello): number {
  const announced = (h as { rxWindowBytes?: number }).rxWindowBytes;
  if (h.versionMinor >= 1 && announced !== undefined) return announced;
  return h.maxRxPayload < 1024 ? ASSUMED_SMALL_WINDOW_BYTES : 0;
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
