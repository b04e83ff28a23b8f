/**
 * The LOG lines the firmware core sends (firmware/core/device/*.c), word for word, so a host sees the
 * same start-up and transition traffic from the emulator as from a real board — in particular the burst
 * of LOG frames right after HELLO_ACK that a small board's receive buffer must survive. The parity test
 * (test/firmware/board-parity.test.ts) compares them with the native build's.
 */
import { AudioCodec, LogLevel, type Message, SpeakerKind } from '../../protocol/ts/messages.js';

export type LinkStateName = 'AWAIT_ACK' | 'READY';
export type CaptureStateName = 'IDLE' | 'STREAMING' | 'DRAINING';

const log = (level: number, text: string): Message => ({ type: 'LOG', level, text });

/** "<what>: <from> -> <to>" at debug level (hark_device_log_transition). */
export const transitionLog = (what: 'link' | 'capture', from: string, to: string): Message =>
  log(LogLevel.DEBUG, `${what}: ${from} -> ${to}`);

/** dump_config(): what the board believes about its hardware, once per handshake. */
export function dumpConfigLogs(
  model: string,
  codec: number,
  speakerKind: number,
  boardVadMayEnd: boolean,
): Message[] {
  const out = [log(LogLevel.INFO, model)];
  if (codec === AudioCodec.PCM16) out.push(log(LogLevel.INFO, 'mic: streaming PCM16'));
  else if (codec === AudioCodec.ULAW) out.push(log(LogLevel.INFO, 'mic: streaming mu-law'));
  else out.push(log(LogLevel.INFO, 'mic: streaming IMA-ADPCM'));
  if (speakerKind === SpeakerKind.PCM) out.push(log(LogLevel.INFO, 'speaker: PCM, credit flow'));
  if (speakerKind === SpeakerKind.PIEZO) out.push(log(LogLevel.INFO, 'speaker: piezo, tones only'));
  if (boardVadMayEnd) out.push(log(LogLevel.INFO, 'vad: may end utterances'));
  return out;
}

export const HOST_RECONNECTED_LOG = log(LogLevel.INFO, 'host reconnected: resetting host-facing state');
export const HOST_GONE_LOG = log(LogLevel.WARN, 'no frame from the host for 3 heartbeats');

/** SPEC §4.3.5: the chunk the host asked for does not fit; the board uses a shorter one. */
export const chunkShortenedLog = (askedMs: number, usedSamples: number): Message =>
  log(LogLevel.WARN, `chunk_ms ${askedMs} does not fit: ${usedSamples} samples a chunk`);
