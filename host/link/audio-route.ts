/**
 * Messages the link worker posts on a MessagePort handed to `LinkManager.routeAudio()`: one utterance's
 * audio, straight from the link worker to its consumer (an ASR worker), never through the main thread.
 * The stream's codec and sample rate come from its AUDIO_START ('message' event), which precedes routing.
 */
import type { AudioEndReason } from '../../protocol/ts/messages.js';

export type AudioEndReasonId = (typeof AudioEndReason)[keyof typeof AudioEndReason];

/**
 * One AUDIO frame's block, or several consecutive ones joined (`chunks`, with the link's
 * `audioBatchMs`; only PCM16 and µ-law, whose blocks concatenate). `data` owns its ArrayBuffer
 * (transferred) and is still codec-encoded.
 */
export interface AudioChunkMessage {
  kind: 'chunk';
  stream: number;
  /** The board's chunk index of the first block (wraps at 65536). */
  chunk: number;
  data: Uint8Array;
  /** Chunks missing just before this one (lost on the wire, or dropped while held unrouted). */
  gap: number;
  /** Board chunks joined in `data` (absent: 1); a consumer sizes a gap's silence by data ÷ chunks. */
  chunks?: number;
}

/** The board ended the utterance (AUDIO_END). */
export interface AudioEndMessage {
  kind: 'end';
  stream: number;
  reason: AudioEndReasonId;
  droppedSamples: number;
}

/** The utterance ended without AUDIO_END: the link dropped, the board reset, or it was superseded. */
export interface AudioAbortMessage {
  kind: 'abort';
  stream: number;
  /** 'disconnected', 'board reset', 'superseded', 'closed'. */
  reason: string;
}

export type AudioRouteMessage = AudioChunkMessage | AudioEndMessage | AudioAbortMessage;
