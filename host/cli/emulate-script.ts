/**
 * `hark emulate --script FILE`: a bring-up bench. A script rehearses a conversation with the host, one
 * step per line (`# ` starts a comment):
 *
 *   say "turn the light on"       push-to-talk: press, stream the audio, release ("text" is spoken by
 *   say clips/light-on.wav        espeak-ng; a path is a WAV, relative to the script's folder)
 *   tap "what time is it"         tap-to-talk: a CLICK; the audio streams when the host sends CAPTURE
 *   follow-up "for five minutes"  the answer to a question: streams in the host's next CAPTURE
 *   press | release | click | double | long   a gesture of button 0 (or `press 1` …)
 *   pin 4 1                       drive an input pin
 *   wait 500ms | wait 2s          a pause
 *   wait speech-end [10s]         until the board receives something: host, led, tone, volume, gpio,
 *                                 capture-start, capture-stop, speech-start, speech-end (default 30 s)
 *   wait gpio 2 1 | wait led #ffffff | wait led blink | wait volume 80   … with that pin value, colour,
 *                                 effect or level
 *   unplug | replug               pull the USB cable and put it back
 *
 * Steps run in order; a wait that times out stops the script with the line that failed.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { PcmAudio } from '../../base/audio/wav.js';
import { HarkError } from '../../base/errors.js';
import type { EmulatedBoard } from '../../boards/emulator/emulated-board.js';
import { ButtonEvent } from '../../protocol/ts/messages.js';

/** What a step's audio is: text to synthesise, or a WAV file. */
export type AudioRef = { text: string } | { file: string };

export const WAIT_EVENTS = [
  'host',
  'led',
  'tone',
  'volume',
  'gpio',
  'capture-start',
  'capture-stop',
  'speech-start',
  'speech-end',
] as const;
export type WaitEvent = (typeof WAIT_EVENTS)[number];

export type Step = { line: number; source: string } & (
  | { kind: 'say' | 'tap' | 'follow-up'; audio: AudioRef }
  | { kind: 'press' | 'release' | 'click' | 'double' | 'long'; button: number }
  | { kind: 'pin'; pin: number; value: number }
  | { kind: 'pause'; ms: number }
  | { kind: 'wait'; event: WaitEvent; timeoutMs: number; want?: string[] }
  | { kind: 'unplug' | 'replug' }
);

const DURATION = /^(\d+(?:\.\d+)?)(ms|s)$/;
const ms = (t: string) => {
  const m = DURATION.exec(t);
  return m ? Math.round(Number(m[1]) * (m[2] === 's' ? 1000 : 1)) : undefined;
};

/** Parses a script; errors name the file and line (exit code 2). */
export function parseScript(text: string, file: string): Step[] {
  const base = dirname(file);
  const steps: Step[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    // A comment is `#` then a space (or the line's end), so colours like #ffffff are not comments.
    const source = raw.replace(/(^|\s)#(\s.*)?$/, '').trim();
    if (!source) continue;
    const line = i + 1;
    const fail = (why: string): never => {
      throw new HarkError('HARK_ERR_CLI_SCRIPT', `${file}:${line}: ${why} (in "${source}")`, {
        details: { file, line },
      });
    };
    const [word, ...rest] = source.split(/\s+/);
    const arg = source.slice(word!.length).trim();
    const audio = (): AudioRef => {
      if (!arg) fail(`${word} needs "text" or a WAV file`);
      const quoted = /^"(.*)"$/.exec(arg);
      if (quoted) {
        if (!quoted[1]!.trim()) fail('the text is empty');
        return { text: quoted[1]! };
      }
      return { file: resolve(base, arg) };
    };
    const int = (s: string | undefined, what: string) => {
      const n = Number(s);
      if (s === undefined || !Number.isInteger(n) || n < 0)
        fail(`${what} must be a whole number, got "${s ?? ''}"`);
      return n;
    };
    switch (word) {
      case 'say':
      case 'tap':
      case 'follow-up':
        steps.push({ line, source, kind: word, audio: audio() });
        break;
      case 'press':
      case 'release':
      case 'click':
      case 'double':
      case 'long':
        steps.push({
          line,
          source,
          kind: word,
          button: rest[0] === undefined ? 0 : int(rest[0], 'the button'),
        });
        break;
      case 'pin':
        if (rest.length !== 2) fail('pin needs a pin number and a value');
        steps.push({
          line,
          source,
          kind: 'pin',
          pin: int(rest[0], 'the pin'),
          value: int(rest[1], 'the value'),
        });
        break;
      case 'wait': {
        const pause = ms(rest[0] ?? '');
        if (pause !== undefined && rest.length === 1) {
          steps.push({ line, source, kind: 'pause', ms: pause });
          break;
        }
        const event = rest[0] as WaitEvent;
        if (!(WAIT_EVENTS as readonly string[]).includes(event))
          fail(`wait needs a duration (500ms, 2s) or one of ${WAIT_EVENTS.join(', ')}`);
        const last = rest.at(-1)!;
        const timeoutMs = rest.length > 1 && ms(last) !== undefined ? ms(last)! : 30_000;
        const want = rest.slice(1, ms(last) !== undefined && rest.length > 1 ? -1 : undefined);
        const wantOk =
          want.length === 0 ||
          (event === 'gpio' && want.length <= 2 && want.every((w) => /^\d+$/.test(w))) ||
          (event === 'led' &&
            want.length === 1 &&
            /^(#[0-9a-fA-F]{6}|off|solid|blink|pulse|spin)$/.test(want[0]!)) ||
          (event === 'volume' && want.length === 1 && /^\d+$/.test(want[0]!));
        if (!wantOk)
          fail(
            `"${want.join(' ')}" is not a duration (500ms, 2s)${event === 'gpio' || event === 'led' || event === 'volume' ? ` nor a ${event} value (gpio PIN [VALUE], led #rrggbb|EFFECT, volume LEVEL)` : ''}`,
          );
        steps.push({ line, source, kind: 'wait', event, timeoutMs, ...(want.length ? { want } : {}) });
        break;
      }
      case 'unplug':
      case 'replug':
        steps.push({ line, source, kind: word });
        break;
      default:
        fail(
          `unknown step "${word}"; steps: say, tap, follow-up, press, release, click, double, long, pin, wait, unplug, replug`,
        );
    }
  }
  if (steps.length === 0) throw new HarkError('HARK_ERR_CLI_SCRIPT', `${file}: the script has no steps`);
  return steps;
}

/** Reads and parses a script file (missing or unreadable: exit 2, naming it). */
export function loadScript(
  file: string,
  readFile: (f: string) => string = (f) => readFileSync(f, 'utf8'),
): Step[] {
  let text: string;
  try {
    text = readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new HarkError(
      'HARK_ERR_CLI_FILE',
      `--script ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a script' : (e as Error).message}`,
      { cause: e },
    );
  }
  return parseScript(text, file);
}

/** How a script run reaches the board and the audio. */
export interface ScriptContext {
  board: EmulatedBoard;
  /** Audio for a step (synthesised or read; errors name the step). */
  audio(ref: AudioRef): Promise<PcmAudio>;
  /** One line per step, as it starts. */
  onStep(step: Step, index: number): void;
}

/** The board event and the test that makes it count for a `wait`. */
function matcherOf(event: WaitEvent): [string, (d: unknown) => boolean] {
  switch (event) {
    case 'host':
      return ['ack', () => true];
    case 'capture-start':
      return ['capture', (m) => (m as { action: number }).action === 1];
    case 'capture-stop':
      return ['capture', (m) => (m as { action: number }).action === 0];
    case 'speech-start':
      return ['speaker', (e) => (e as { event: string }).event === 'start'];
    case 'speech-end':
      return ['speaker', (e) => ['finished', 'stopped'].includes((e as { event: string }).event)];
    default:
      return [event, () => true];
  }
}

const hexOf = (d: { r: number; g: number; b: number }) =>
  `#${[d.r, d.g, d.b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
const EFFECTS = ['off', 'solid', 'blink', 'pulse', 'spin'];

/** A wait's extra condition: `gpio PIN [VALUE]`, `led #rrggbb|EFFECT`, `volume LEVEL`. */
function wanted(event: WaitEvent, want: string[], d: unknown): boolean {
  if (want.length === 0) return true;
  if (event === 'gpio') {
    const p = d as { pin: number; value: number };
    return p.pin === Number(want[0]) && (want[1] === undefined || p.value === Number(want[1]));
  }
  if (event === 'led') {
    const l = d as { r: number; g: number; b: number; effect: number };
    return want[0]!.startsWith('#')
      ? hexOf(l).toLowerCase() === want[0]!.toLowerCase()
      : EFFECTS[l.effect] === want[0];
  }
  if (event === 'volume') return d === Number(want[0]);
  return true;
}

const RECORDED = ['ack', 'led', 'tone', 'volume', 'gpio', 'capture', 'speaker'] as const;

/**
 * What the board received, in order. A `wait` counts what arrives from its own start: a step's effects
 * (a reply, a CAPTURE) come after the step that caused them has finished, so nothing is missed.
 */
export class BoardEvents {
  readonly log: { name: string; detail: unknown }[] = [];
  readonly #board: EmulatedBoard;
  readonly #listeners = RECORDED.map((name) => {
    const f = (detail: unknown) => this.log.push({ name, detail });
    return [name, f] as const;
  });

  constructor(board: EmulatedBoard) {
    this.#board = board;
    for (const [name, f] of this.#listeners) board.on(name, f);
  }

  /** Resolves when `event` (with `want`) is in the log from index `since` on, now or later; fails after `timeoutMs`. */
  wait(event: WaitEvent, since: number, timeoutMs: number, want: string[] = []): Promise<void> {
    const [name, base] = matcherOf(event);
    const match = (d: unknown) => base(d) && wanted(event, want, d);
    const seen = (from: number) => this.log.slice(from).some((e) => e.name === name && match(e.detail));
    if (seen(since)) return Promise.resolve();
    return new Promise((resolvePromise, reject) => {
      const on = (d: unknown) => {
        if (!match(d)) return;
        clearTimeout(timer);
        this.#board.off(name, on);
        resolvePromise();
      };
      const timer = setTimeout(() => {
        this.#board.off(name, on);
        reject(
          new HarkError(
            'HARK_ERR_CLI_SCRIPT',
            `nothing (${[event, ...want].join(' ')}) arrived within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.#board.on(name, on);
    });
  }

  close(): void {
    for (const [name, f] of this.#listeners) this.#board.off(name, f);
  }
}

const GESTURE = { click: ButtonEvent.CLICK, double: ButtonEvent.DOUBLE, long: ButtonEvent.LONG } as const;

/** Runs the steps in order; rejects with the failing step's line. */
export async function runScript(steps: Step[], ctx: ScriptContext): Promise<void> {
  const events = new BoardEvents(ctx.board);
  try {
    if (!ctx.board.ack) await events.wait('host', 0, 60_000);
    for (const [i, step] of steps.entries()) {
      ctx.onStep(step, i);
      try {
        await runStep(step, ctx, events, events.log.length);
      } catch (e) {
        throw new HarkError(
          'HARK_ERR_CLI_SCRIPT',
          `line ${step.line} (${step.source}): ${(e as Error).message}`,
          {
            cause: e,
            details: { line: step.line },
          },
        );
      }
    }
  } finally {
    events.close();
  }
}

/** `since`: where this step began in the event log. */
async function runStep(step: Step, ctx: ScriptContext, events: BoardEvents, since: number): Promise<void> {
  const { board } = ctx;
  switch (step.kind) {
    case 'say': {
      board.setAudio(await ctx.audio(step.audio));
      const r = await board.utter();
      if (r.interrupted) throw new Error(`the utterance was cut off after ${r.chunks} chunks`);
      return;
    }
    case 'tap':
    case 'follow-up': {
      board.setAudio(await ctx.audio(step.audio));
      // This step's own CAPTURE: one that arrives from now on (an earlier one belonged to an earlier step).
      const capture = events.wait('capture-start', events.log.length, 30_000);
      if (step.kind === 'tap') board.send({ type: 'BUTTON', button: 0, event: ButtonEvent.CLICK });
      await capture;
      // The capture streams the audio; it ends when the host's VAD says so (CAPTURE stop) or the audio does.
      await new Promise<void>((resolvePromise) => {
        const done = () => {
          board.off('stream-end', done);
          board.off('audio-exhausted', done);
          resolvePromise();
        };
        board.on('stream-end', done);
        board.on('audio-exhausted', done);
      });
      return;
    }
    case 'press':
      board.press(step.button);
      return;
    case 'release':
      board.release(step.button);
      return;
    case 'click':
    case 'double':
    case 'long':
      board.send({ type: 'BUTTON', button: step.button, event: GESTURE[step.kind] });
      return;
    case 'pin':
      board.setPin(step.pin, step.value);
      return;
    case 'pause':
      await new Promise((r) => setTimeout(r, step.ms));
      return;
    case 'wait':
      await events.wait(step.event, since, step.timeoutMs, step.want);
      return;
    case 'unplug':
      await board.unplug();
      return;
    case 'replug':
      await board.replug();
      return;
  }
}
