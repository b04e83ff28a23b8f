/**
 * What `hark run` logs about each board, through a child logger per board: its HELLO (what the host
 * believes about the hardware, like ESPHome's dump_config), the board's own LOG frames at their level,
 * its BUTTON and AUDIO_START/AUDIO_END frames, and the link counters (frames, bytes, losses, reconnects,
 * round trip) every 30 s with --verbose, when the link drops and at shutdown.
 */
import type { Logger } from '../../base/log/logger.js';
import {
  AudioCodecNames,
  AudioEndReasonNames,
  AudioTriggerNames,
  ButtonEventNames,
  type Hello,
  type Log,
  LogLevel,
  type Message,
} from '../../protocol/ts/messages.js';
import type { LinkStats } from '../link/index.js';

/** One line that says what a board announced. */
export function describeHello(h: Hello): string {
  const codecs = (mask: number) =>
    ['pcm16', 'ulaw', 'ima-adpcm'].filter((_, i) => mask & (1 << i)).join('/') || 'none';
  const speaker = [
    'none',
    'piezo',
    `pcm ${h.speakerSampleRate} Hz ${codecs(h.speakerCodecs)}, ${h.speakerBufferBytes} B buffer`,
  ][h.speakerKind];
  return (
    `HELLO ${h.boardModel} firmware ${h.firmwareVersion} uid ${h.boardUid || '(none)'}, protocol ${h.versionMajor}.${h.versionMinor}; ` +
    `mic ${h.micSampleRate} Hz ${h.micBits}-bit ${codecs(h.micCodecs)}; speaker ${speaker ?? h.speakerKind}; ` +
    `${h.ledCount} LED(s); ${h.buttons} button(s); gpio ${h.gpio.map((g) => g.pin).join(',') || 'none'}; ` +
    `max rx payload ${h.maxRxPayload} B; features 0x${h.features.toString(16)}`
  );
}

/** The counters as one line. */
export function describeStats(s: LinkStats): string {
  return (
    `link counters: ${s.framesOk} frames ok, ${s.framesBad} bad, ${s.framesLost} lost, ${s.unknownType} unknown; ` +
    `${s.bytesIn} B in, ${s.bytesOut} B out; audio ${s.audioChunks} chunks, ${s.audioGaps} gaps, ${s.audioHeldDropped} dropped while unrouted; ` +
    `${s.reconnects} reconnects, ${s.heartbeatFailures} heartbeat failures, rtt ${s.lastRttMs} ms`
  );
}

const LOG_METHOD = {
  [LogLevel.DEBUG]: 'debug',
  [LogLevel.INFO]: 'info',
  [LogLevel.WARN]: 'warn',
  [LogLevel.ERROR]: 'error',
} as const;

/** A board's LOG frame, logged at its own level (unknown levels as info) and marked as the board's. */
export function logBoardFrame(log: Logger, m: Log): void {
  const method = LOG_METHOD[m.level as keyof typeof LOG_METHOD] ?? 'info';
  log[method]({ source: 'board' }, m.text);
}

/** BUTTON, AUDIO_START and AUDIO_END frames as debug lines (audio chunks never reach main). */
export function describeBoardFrame(m: Message): string | undefined {
  switch (m.type) {
    case 'BUTTON':
      return `BUTTON ${m.button} ${ButtonEventNames.name(m.event) ?? m.event}`;
    case 'AUDIO_START':
      return `AUDIO_START stream ${m.stream} ${AudioTriggerNames.name(m.trigger) ?? m.trigger}, ${AudioCodecNames.name(m.codec) ?? m.codec} ${m.sampleRate} Hz`;
    case 'AUDIO_END':
      return `AUDIO_END stream ${m.stream} ${AudioEndReasonNames.name(m.reason) ?? m.reason} after ${m.chunks} chunks`;
    default:
      return undefined;
  }
}
