/**
 * A link's connection state machine, as data (house style: transitions in a table, every transition
 * logged "from X to Y on E", like the firmware's link state and the session machine).
 *
 *   disconnected ─start/retry→ connecting ─opened→ handshaking ─hello→ ready ─reset→ ready
 *        ↑                         │                   │                  │
 *        └──────────── lost ───────┴───────────────────┴──────────────────┘
 *   connecting/handshaking/ready ─fatal→ failed        any ─close→ closed
 *
 * `lost` covers every way a connection ends that the link recovers from (open failed, handshake timed
 * out, port closed, heartbeat lost, board stalled); its detail says which. `fatal` ends the link for
 * good (version mismatch, or the first attempt failed and the caller asked not to wait). `closed` is the
 * host closing the link; it is never reported to main as a state.
 */
import type { LinkState } from '../types.js';

export type ConnectionState = LinkState | 'closed';
export type ConnectionEvent = 'start' | 'opened' | 'hello' | 'reset' | 'lost' | 'fatal' | 'retry' | 'close';

export const TRANSITIONS: Readonly<
  Record<ConnectionState, Readonly<Partial<Record<ConnectionEvent, ConnectionState>>>>
> = {
  disconnected: { start: 'connecting', retry: 'connecting', close: 'closed' },
  connecting: { opened: 'handshaking', lost: 'disconnected', fatal: 'failed', close: 'closed' },
  handshaking: { hello: 'ready', lost: 'disconnected', fatal: 'failed', close: 'closed' },
  ready: { reset: 'ready', lost: 'disconnected', fatal: 'failed', close: 'closed' },
  failed: { close: 'closed' },
  closed: {},
};

export interface Transition {
  from: ConnectionState;
  to: ConnectionState;
  on: ConnectionEvent;
  /** Why (the loss reason, the failure). */
  detail: string | undefined;
  /** "from handshaking to ready on hello" (+ " (detail)"). */
  line: string;
}

export class Connection {
  private current: ConnectionState = 'disconnected';

  constructor(private readonly onTransition: (t: Transition) => void) {}

  get state(): ConnectionState {
    return this.current;
  }

  /** True when `event` is allowed now. */
  can(event: ConnectionEvent): boolean {
    return TRANSITIONS[this.current][event] !== undefined;
  }

  /** Applies `event`; returns the transition, or undefined when the table has none for this state. */
  fire(event: ConnectionEvent, detail?: string): Transition | undefined {
    const to = TRANSITIONS[this.current][event];
    if (to === undefined) return undefined;
    const t: Transition = {
      from: this.current,
      to,
      on: event,
      detail,
      line: `from ${this.current} to ${to} on ${event}${detail ? ` (${detail})` : ''}`,
    };
    this.current = to;
    this.onTransition(t);
    return t;
  }
}
