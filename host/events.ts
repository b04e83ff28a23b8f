/** Events the pipeline reports (the CLI prints them; `--json` as JSON lines, see host/cli/README.md). */
import { type ErrorCodeName, HarkError, isHarkError } from '../base/errors.js';

export type PipelineEvent =
  | { event: 'listening'; boardId: string; trigger: string; stream: number }
  /** Hands-free: the wake phrase was accepted; `atMs` is where it ended in the board's stream. */
  | { event: 'wake'; boardId: string; phrase: string; atMs: number; stream: number }
  | {
      event: 'transcript';
      boardId: string;
      text: string;
      engine: string;
      latencyMs: number;
      audioMs: number;
      /**
       * 0..1: how sure the recogniser is (host/transcription/rejection.ts). Every recognised utterance
       * carries it, with `verdict` and `alternatives`; text that did not come from speech (`hark say`,
       * tests) may leave them out.
       */
      confidence?: number;
      /** Accepted (dispatched) or rejected (answered "sorry", or given to a fallback command). */
      verdict?: 'accepted' | 'rejected';
      /** Why it was rejected: out-of-grammar, low-confidence, no-speech, too-short. */
      reason?: string;
      /** Other readings, best first, with their path scores. */
      alternatives?: { text: string; score: number }[];
      /** Where the utterance's time went (speech boundaries, decoding, final, rejection), ms. */
      timing?: {
        speechStartMs?: number;
        speechEndMs?: number;
        decodeMs: number;
        finalMs: number;
        rejectionMs: number;
      };
      /** A remote assistant that acts on the text itself (Home Assistant); absent = local commands. */
      handledBy?: string;
    }
  | { event: 'command'; boardId: string; command: string; params: Record<string, unknown>; utterance: string }
  | {
      event: 'response';
      boardId: string;
      command: string | undefined;
      status: string;
      /** Status 'rejected': why the recogniser rejected the utterance. */
      reason?: string;
      text?: string;
      late: boolean;
    }
  | { event: 'speech'; boardId: string; text: string; durationMs: number; result: 'finished' | 'stopped' }
  | { event: 'session'; boardId: string; line: string }
  /**
   * An utterance waits for a free speech-recognition stream (all `capacity` are decoding): it will be
   * transcribed late, never dropped. A warning, not an error: the host is at its configured limit.
   */
  | { event: 'asr-wait'; boardId: string; open: number; capacity: number; message: string }
  | ErrorEvent
  /** Beyond one host (host/wyoming, mqtt, dashboard, rooms): a service changed state; `boardId` '' = host-wide. */
  | { event: 'net'; boardId: string; what: NetService; state: string; detail?: string };

/** The services that report 'net' events. */
export type NetService = 'satellite' | 'remote-asr' | 'remote-tts' | 'mqtt' | 'dashboard' | 'room';

/** An error as the pipeline reports it: always a registered code (base/ERRORS.md). */
export type ErrorEvent = {
  event: 'error';
  /** The board concerned; '' for the host as a whole. */
  boardId: string;
  code: ErrorCodeName;
  message: string;
  /** Machine-readable facts of the error (a board's own error code, the command at fault...). */
  details?: Record<string, unknown>;
};

/**
 * An error as a pipeline event. Anything that is not a HarkError is a bug in hark's own code and is
 * reported as HARK_ERR_SESSION_UNEXPECTED with the original message.
 */
export function errorEvent(boardId: string, e: unknown): ErrorEvent {
  const err = isHarkError(e)
    ? e
    : new HarkError('HARK_ERR_SESSION_UNEXPECTED', `board ${boardId || '(host)'}: ${String(e)}`, {
        cause: e,
      });
  return {
    event: 'error',
    boardId,
    code: err.code,
    message: err.message,
    ...(err.details && Object.keys(err.details).length > 0 ? { details: { ...err.details } } : {}),
  };
}
