/**
 * `command(pattern, handler, options)`: how a maker defines a voice command. The handler's first
 * argument is typed from the pattern (`$minutes:Number` → `{ minutes: number }`), so TypeScript
 * catches a misspelt parameter; the registry's health check catches it at start-up for JavaScript.
 */

import { pathToFileURL } from 'node:url';
import type { GpioCapName, SpeakerKindName } from '../../protocol/ts/messages.js';
import type { Response } from './response.js';
import type { BuiltinValueTypes } from './types/builtin-types.js';

/**
 * Value types of parameter types by name. Augment it for your own types:
 * `declare module 'hark-voice' { interface ParamValueTypes { Room: string } }` (exported from the package's entry point).
 */
export interface ParamValueTypes extends BuiltinValueTypes {}

type Digit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '_';
/** A letter changes under case mapping; digits and "_" are listed. */
type IsIdentChar<C extends string> =
  Uppercase<C> extends Lowercase<C> ? (C extends Digit ? true : false) : true;
type TakeIdent<S extends string, Acc extends string = ''> = S extends `${infer C}${infer R}`
  ? IsIdentChar<C> extends true
    ? TakeIdent<R, `${Acc}${C}`>
    : [Acc, S]
  : [Acc, S];
type SkipArg<S extends string> = S extends `(${string})${infer R}` ? R : S;
type ValueOf<T extends string> = T extends keyof ParamValueTypes ? ParamValueTypes[T] : unknown;
type Flatten<T> = { [K in keyof T]: T[K] };

/** The parameters object a pattern produces (optional `$x:T?` parameters may be undefined). */
export type ParamsOf<P extends string> = Flatten<ParamsOfRaw<P>>;
type ParamsOfRaw<P extends string> = P extends `${string}$${infer Rest}`
  ? TakeIdent<Rest> extends [infer Name extends string, infer After extends string]
    ? After extends `:${infer T}`
      ? TakeIdent<T> extends [infer Type extends string, infer After2 extends string]
        ? (SkipArg<After2> extends `?${string}`
            ? { [K in Name]?: ValueOf<Type> }
            : { [K in Name]: ValueOf<Type> }) &
            ParamsOfRaw<After2>
        : unknown
      : ParamsOfRaw<After>
    : unknown
  : unknown;

/** A GPIO pin the board offers to commands and the johnny-five modes it supports. */
export interface BoardPin {
  readonly pin: number;
  /** The protocol's capability names (protocol/ts/names.ts): input, output, analog, pwm, servo. */
  readonly modes: readonly GpioCapName[];
}

/** What a command may know about the board it answers (from the board's HELLO). */
export interface BoardFacts {
  readonly id: string;
  readonly model: string;
  readonly firmware: string;
  /** Spare pins for `ctx.io()`; the board's own button, LED and audio pins are never among them. */
  readonly pins: readonly BoardPin[];
  readonly speaker: SpeakerKindName;
  readonly leds: number;
}

/**
 * The board's spare pins as a johnny-five IO plugin (hark's HarkIO, host/gpio/hark-io.ts):
 * `new five.Board({ io: ctx.io(), repl: false, debug: false, sigint: false })`.
 */
export interface BoardIo {
  readonly name: string;
  readonly boardId: string;
  readonly isReady: boolean;
  readonly closed: boolean;
  /** johnny-five's view of the pins (filled once the plugin is ready): index = pin number. */
  readonly pins: readonly { readonly supportedModes: readonly number[] }[];
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** What the host gives commands for one board (the pipeline provides it; tests may fake it). */
export interface BoardServices {
  readonly board: BoardFacts;
  /** The board's IO plugin: one per board, shared by every command of that board. */
  io(): BoardIo;
}

/** What a handler gets besides its parameters. */
export interface CommandContext {
  /** The board whose user spoke. */
  readonly boardId: string;
  /** The utterance as transcribed. */
  readonly utterance: string;
  /** The command's name. */
  readonly command: string;
  /** Aborted when the command times out or is cancelled: pass it to fetch(), timers, child processes. */
  readonly signal: AbortSignal;
  /** Parameters of the context this command was matched in (from an earlier response). */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** The board the user spoke to: model, firmware, spare pins, speaker. */
  readonly board: BoardFacts;
  /**
   * The board's spare pins as a johnny-five IO plugin, over the board's own serial link. Throws
   * HARK_ERR_COMMANDS_CONTEXT in blocking commands (they run in a worker thread and cannot keep a
   * johnny-five board) and where the host gives no IO (a dispatcher without a board).
   */
  io(): BoardIo;
  /**
   * Sends a response later, from background work (a timer that fires in five minutes). Works after
   * the handler returned. In blocking handlers it adds to the handler's own responses.
   */
  respond(response: Response): void;
}

/** Anything a handler may produce: one response, several, or a stream of them. */
export type HandlerResult =
  | Response
  | readonly Response[]
  | AsyncIterable<Response>
  | Iterable<Response>
  | undefined;
export type Handler<P> = (params: P, ctx: CommandContext) => HandlerResult | Promise<HandlerResult>;

export interface CommandOptions {
  /** Unique name (logs, stats, watchdog reports, follow-up references). Default: the pattern. */
  name?: string;
  /**
   * Run in the command worker pool instead of on the event loop: for synchronous CPU-heavy work or
   * blocking I/O. The definition must be exported (directly or in an exported array) from a module
   * file, which the worker imports. Default false.
   */
  blocking?: boolean;
  /** Cancel (abort `ctx.signal`, terminate a blocking worker) after this long. Default: the dispatcher's. */
  timeoutMs?: number;
  /** Only valid as a follow-up (named in a response's `commands`), never from the root context. Default false. */
  followUpOnly?: boolean;
  /**
   * Receives the utterances the recogniser rejects (out of grammar, low confidence) instead of the
   * "Sorry, I didn't catch that" reply: `ctx.utterance` (and the pattern's match) is what the general
   * language model heard. Use a pattern that takes anything, e.g. `$text:String`. Never matched from
   * speech otherwise, and not part of the recognition grammar. Default false.
   */
  fallback?: boolean;
  /** One line for `hark commands` listings. */
  description?: string;
}

/** A defined command: data the registry checks and compiles. */
export interface CommandDefinition<P = Record<string, unknown>> {
  readonly kind: 'hark.command';
  readonly pattern: string;
  readonly name: string;
  readonly handler: Handler<P>;
  readonly options: Readonly<CommandOptions>;
  /** URL of the module that defined it (from the call stack), so a worker can import it. */
  readonly moduleUrl: string | undefined;
}
// biome-ignore lint/suspicious/noExplicitAny: the registry stores commands of every parameter shape
export type AnyCommand = CommandDefinition<any>;

/**
 * The URL of the module that called `command()`. Reads raw call sites rather than the formatted
 * stack, which `--enable-source-maps` would rewrite to the .ts source a worker cannot import.
 */
function callerModuleUrl(): string | undefined {
  const original = Error.prepareStackTrace;
  try {
    Error.prepareStackTrace = (_e, sites) => sites;
    const sites = new Error().stack as unknown as NodeJS.CallSite[];
    for (const site of sites.slice(1)) {
      const file = site.getFileName();
      if (!file || file.startsWith('node:') || file === import.meta.url) continue;
      return file.startsWith('file:') ? file : pathToFileURL(file).href;
    }
    return undefined;
  } finally {
    Error.prepareStackTrace = original;
  }
}

/**
 * Defines a command. Example:
 * `command('set a timer for $duration:Duration', async ({ duration }) => ({ voice: 'Timer set' }))`.
 */
export function command<const P extends string>(
  pattern: P,
  handler: Handler<ParamsOf<P>>,
  options: CommandOptions = {},
): CommandDefinition<ParamsOf<P>> {
  return Object.freeze({
    kind: 'hark.command' as const,
    pattern,
    name: options.name ?? pattern,
    handler,
    options: Object.freeze({ ...options }),
    moduleUrl: callerModuleUrl(),
  });
}

export const isCommand = (v: unknown): v is AnyCommand =>
  typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'hark.command';
