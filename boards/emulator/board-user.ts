/**
 * The person at the emulated board: the firmware's button policy (firmware/core/device/hark_device.c
 * buttons_loop) and the test helpers that press, gesture and speak. Every helper checks its
 * precondition and throws at once when it does not hold (a press while a stream is open would start
 * nothing on a real board, so utter() says so instead of waiting for an utterance that never comes).
 */
import type { EventEmitter } from 'node:events';
import { HarkError } from '../../base/errors.js';
import { waitForEvent } from '../../base/wait-for-event.js';
import { AudioEndReason, AudioTrigger, ButtonEvent, type Message } from '../../protocol/ts/messages.js';
import { BUTTON_DOUBLE_MS, BUTTON_LONG_MS, BUTTON_TAP_MS } from '../../protocol/ts/rules.js';
import type { ButtonSim } from './button-sim.js';
import type { LinkState } from './link-state.js';
import type { MicStream } from './mic-stream.js';

export type Gesture = 'click' | 'double' | 'long';

export interface Utterance {
  stream: number;
  chunks: number;
  /** The utterance ended before the audio did (host gone, unplugged, board VAD, length limit). */
  interrupted: boolean;
}

export interface BoardUserHost {
  readonly uid: string;
  /** The board: its events ('stream-end', 'audio-exhausted', …) and where 'button' is emitted. */
  readonly events: EventEmitter;
  readonly mic: MicStream;
  readonly buttons: ButtonSim;
  readonly link: LinkState;
  send(m: Message): boolean;
  speed(): number;
}

/** The next `event` of `em` whose payload passes `predicate`; rejects (HARK_ERR_BOARD_EMULATOR) after `timeoutMs`. */
export function waitForBoardEvent<T>(
  em: EventEmitter,
  who: string,
  event: string,
  predicate: (payload: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  return waitForEvent(em, event, predicate, timeoutMs, {
    timeout: () =>
      new HarkError('HARK_ERR_BOARD_EMULATOR', `${who}: no '${event}' event within ${timeoutMs} ms`),
  });
}

export class BoardUser {
  constructor(private readonly b: BoardUserHost) {}

  /**
   * The firmware's button policy: every event goes out as BUTTON; button 0's DOWN with no stream open
   * starts push-to-talk; its UP ends a push-to-talk stream unless the press was a tap and HELLO_ACK lets
   * the board VAD end it (SPEC §9.2, §9.3). Events only in READY.
   */
  onButtonEvent(button: number, event: number): void {
    const { link, mic } = this.b;
    if (!link.ack) return;
    this.b.send({ type: 'BUTTON', button, event });
    this.b.events.emit('button', { button, event });
    if (button !== 0) return;
    if (event === ButtonEvent.DOWN && !mic.current) {
      mic.start(AudioTrigger.BUTTON, 0);
    } else if (event === ButtonEvent.UP && mic.current?.trigger === AudioTrigger.BUTTON) {
      const tap = link.boardVadMayEnd && this.b.buttons.sinceEdgeMs(0) < BUTTON_TAP_MS;
      if (!tap) mic.end(AudioEndReason.BUTTON_RELEASED);
    }
  }

  /**
   * 'click' (a short press; CLICK follows 300 ms after UP), 'double' (two short presses; DOUBLE at the
   * second UP) or 'long' (held until LONG, then released). Resolves once the gesture's BUTTON event has
   * gone out. Throws at once before the handshake.
   */
  async gesture(kind: Gesture, button = 0): Promise<void> {
    this.needsAck(`${kind} the button`);
    const short = 60;
    const want =
      kind === 'click' ? ButtonEvent.CLICK : kind === 'double' ? ButtonEvent.DOUBLE : ButtonEvent.LONG;
    const done = waitForBoardEvent(
      this.b.events,
      `emulated board ${this.b.uid}`,
      'button',
      (e: { button: number; event: number }) => e.button === button && e.event === want,
      5000 + BUTTON_LONG_MS + BUTTON_DOUBLE_MS,
    );
    const { buttons } = this.b;
    buttons.press(button);
    if (kind === 'long') {
      await done;
      buttons.release(button);
      return;
    }
    await this.boardDelay(short);
    buttons.release(button);
    if (kind === 'double') {
      await this.boardDelay(short);
      buttons.press(button);
      await this.boardDelay(short);
      buttons.release(button);
    }
    await done;
  }

  /** Press, stream the whole audio source, release (see EmulatedBoard.utter). */
  async utter(): Promise<Utterance> {
    const { mic, buttons, events, uid } = this.b;
    this.needsAck('speak');
    const open = mic.current;
    if (open) {
      throw new HarkError(
        'HARK_ERR_BOARD_EMULATOR',
        `emulated board ${uid}: cannot speak: stream ${open.id} (trigger ${open.trigger}) is still open; wait for its stream-end first`,
      );
    }
    if (buttons.isDown(0)) {
      throw new HarkError(
        'HARK_ERR_BOARD_EMULATOR',
        `emulated board ${uid}: cannot speak: button 0 is already held`,
      );
    }
    buttons.press(0);
    const s = mic.current;
    if (!s)
      throw new HarkError('HARK_ERR_BOARD_EMULATOR', `emulated board ${uid}: the press started no stream`);
    let result: Utterance | undefined;
    // Released inside the event, synchronously: on a busy machine the mic sends every chunk that is due
    // in one go, and a release one tick later would add chunks of silence past the audio.
    const finish = () => {
      if (result) return;
      result = { stream: s.id, chunks: s.chunk, interrupted: mic.current !== s };
      buttons.release(0);
    };
    if (mic.source.length > 0) {
      await new Promise<void>((resolve) => {
        const ends = ['audio-exhausted', 'stream-end', 'host-gone', 'unplugged'];
        const done = () => {
          for (const e of ends) events.off(e, done);
          finish();
          resolve();
        };
        for (const e of ends) events.on(e, done);
      });
    }
    finish();
    return result!;
  }

  private needsAck(what: string): void {
    if (!this.b.link.ack)
      throw new HarkError(
        'HARK_ERR_BOARD_EMULATOR',
        `emulated board: cannot ${what} before the host acknowledged HELLO`,
      );
  }

  /** Waits `ms` of board time (wall time / speed). */
  private boardDelay(ms: number): Promise<void> {
    const speed = this.b.speed();
    return new Promise((r) => setTimeout(r, speed > 0 ? ms / speed : ms));
  }
}
