/**
 * The per-board session state machine, as data. Every transition the session may take is one row;
 * `BoardSession` refuses (and logs) anything not listed, so this table is the whole behaviour:
 *
 * ```
 *            audio.start / button / wake                final transcript           speech starts
 *  idle ───────────────────────────────► listening ─────────────────► thinking ─────────────────► responding
 *   ▲  ▲                                    │ no speech / cancelled        │ nothing to say            │ done / interrupted
 *   │  └────────────────────────────────────┘                              ▼                           │
 *   └──────────────────────────────────────────────────────────────────── idle ◄──────────────────────┘
 *                                                          (needsInput: follow-up window → listening)
 *  any ── link lost ──► disconnected ── link back ──► idle        any ── failure ──► error ── 2 s ──► idle
 * ```
 */

export type SessionState = 'idle' | 'listening' | 'thinking' | 'responding' | 'error' | 'disconnected';

/** What started a listening phase. */
export type ListenTrigger = 'push-to-talk' | 'tap-to-talk' | 'wake' | 'follow-up';

export type SessionEventKind =
  | 'connected'
  | 'disconnected'
  | 'audio.start'
  | 'speech.start'
  | 'speech.end'
  | 'audio.end'
  | 'timeout.no-speech'
  | 'timeout.max-utterance'
  | 'transcript'
  | 'transcript.empty'
  | 'reply.start'
  | 'reply.done'
  | 'reply.follow-up'
  | 'button.down'
  | 'button.click'
  | 'wake.heard'
  | 'wake.listen'
  | 'failure'
  | 'timeout.error'
  | 'audio.queued'
  | 'queue.listening'
  | 'queue.thinking'
  | 'queue.empty'
  | 'queue.dispatch'
  | 'mute';

/** One allowed transition. */
export interface TransitionRow {
  from: SessionState | '*';
  on: SessionEventKind;
  to: SessionState;
  /** Why this row exists, for the log and the docs. */
  note: string;
}

export const TRANSITIONS: readonly TransitionRow[] = [
  { from: 'disconnected', on: 'connected', to: 'idle', note: 'handshake done' },
  { from: '*', on: 'disconnected', to: 'disconnected', note: 'link lost: cancel everything' },
  { from: 'idle', on: 'connected', to: 'idle', note: 'reconnected while idle' },
  { from: 'idle', on: 'reply.start', to: 'responding', note: 'a background response (a timer fired)' },
  { from: 'idle', on: 'reply.done', to: 'idle', note: 'a background response without sound' },
  { from: 'idle', on: 'audio.start', to: 'listening', note: 'board streams (button held, tap, capture)' },
  { from: 'idle', on: 'button.click', to: 'idle', note: 'tap-to-talk: ask the board to capture' },
  { from: 'idle', on: 'button.down', to: 'idle', note: 'push-to-talk: the board starts streaming itself' },
  {
    from: 'idle',
    on: 'wake.heard',
    to: 'listening',
    note: 'wake phrase accepted: the command follows in the same stream',
  },
  { from: 'idle', on: 'wake.listen', to: 'idle', note: 'hands-free: background capture for the wake phrase' },
  { from: 'idle', on: 'transcript.empty', to: 'idle', note: 'background capture heard no wake phrase' },
  { from: 'idle', on: 'audio.end', to: 'idle', note: 'background capture ended: restart it' },
  { from: 'idle', on: 'speech.start', to: 'idle', note: 'speech during background capture' },
  { from: 'idle', on: 'speech.end', to: 'idle', note: 'end of speech during background capture' },
  {
    from: 'listening',
    on: 'speech.start',
    to: 'listening',
    note: 'voice detected: cancel the no-speech timer',
  },
  {
    from: 'listening',
    on: 'speech.end',
    to: 'listening',
    note: 'tap/wake/follow-up: end of speech ends capture',
  },
  { from: 'listening', on: 'audio.end', to: 'thinking', note: 'the board stopped streaming' },
  {
    from: 'listening',
    on: 'timeout.max-utterance',
    to: 'thinking',
    note: 'utterance too long: stop capture',
  },
  { from: 'listening', on: 'timeout.no-speech', to: 'idle', note: 'nobody spoke' },
  { from: 'listening', on: 'transcript', to: 'thinking', note: 'final transcript before AUDIO_END' },
  { from: 'listening', on: 'transcript.empty', to: 'idle', note: 'nothing recognised' },
  { from: 'listening', on: 'button.down', to: 'listening', note: 'button during a tap capture: keep going' },
  { from: 'thinking', on: 'transcript', to: 'thinking', note: 'dispatching the command' },
  { from: 'thinking', on: 'transcript.empty', to: 'idle', note: 'nothing recognised' },
  { from: 'thinking', on: 'audio.end', to: 'thinking', note: 'AUDIO_END after the final transcript' },
  { from: 'thinking', on: 'speech.end', to: 'thinking', note: 'late VAD event' },
  { from: 'thinking', on: 'reply.start', to: 'responding', note: 'speech or tones going to the board' },
  { from: 'thinking', on: 'reply.done', to: 'idle', note: 'command done, nothing more to say' },
  { from: 'thinking', on: 'reply.follow-up', to: 'idle', note: 'needs input: open the follow-up window' },
  { from: 'responding', on: 'reply.start', to: 'responding', note: 'the next response of the same command' },
  { from: 'responding', on: 'reply.done', to: 'idle', note: 'response played' },
  {
    from: 'responding',
    on: 'reply.follow-up',
    to: 'idle',
    note: 'response asked a question: follow-up window',
  },
  { from: 'responding', on: 'button.down', to: 'responding', note: 'interrupt: stop playback now' },
  { from: 'responding', on: 'audio.start', to: 'listening', note: 'interrupted by a new utterance' },
  {
    from: 'thinking',
    on: 'audio.queued',
    to: 'thinking',
    note: 'an utterance during a command: transcribed now, run in turn',
  },
  {
    from: 'listening',
    on: 'audio.queued',
    to: 'listening',
    note: 'a new stream before the current one ended: it waits its turn',
  },
  { from: 'idle', on: 'queue.listening', to: 'listening', note: 'a queued utterance is still being spoken' },
  {
    from: 'idle',
    on: 'queue.thinking',
    to: 'thinking',
    note: 'a queued utterance ended: awaiting its final',
  },
  { from: 'idle', on: 'queue.dispatch', to: 'thinking', note: 'a queued utterance was heard: run it now' },
  { from: 'idle', on: 'queue.empty', to: 'idle', note: 'a queued utterance held no words' },
  { from: 'listening', on: 'mute', to: 'idle', note: 'muted (double click): the utterance is dropped' },
  { from: '*', on: 'failure', to: 'error', note: 'recognition, command or link failure' },
  { from: 'error', on: 'timeout.error', to: 'idle', note: 'error shown long enough' },
  { from: 'error', on: 'audio.start', to: 'listening', note: 'user tries again' },
  { from: 'error', on: 'connected', to: 'idle', note: 'reconnected' },
];

/** The row for `state` + `event`, specific rows first. */
export function findTransition(state: SessionState, event: SessionEventKind): TransitionRow | undefined {
  return (
    TRANSITIONS.find((r) => r.from === state && r.on === event) ??
    TRANSITIONS.find((r) => r.from === '*' && r.on === event)
  );
}

/** LED condition shown in each state (the session adds `muted` on its own). */
export const STATE_LED = {
  idle: undefined,
  listening: 'listening',
  thinking: 'thinking',
  responding: 'replying',
  error: 'error',
  disconnected: 'disconnected',
} as const satisfies Record<SessionState, string | undefined>;
