/**
 * What the CLI prints while it serves boards: human lines on stdout, or with `--json` one JSON object
 * per line (`{"event":"transcript","boardId":...}`) for scripts. Progress and diagnostics go to stderr
 * in both modes, so stdout stays machine-readable.
 */
import type { Writable } from 'node:stream';
import type { HarkLogger } from '../../base/log/logger.js';
import { repeatedText, StormGate } from '../../base/log/storm-gate.js';

/**
 * Kinds a misbehaving board can repeat without limit (a HELLO storm is a `board` and `link` event per
 * HELLO): identical ones are summarised. Transcripts and commands follow speech, which paces itself.
 */
const STORM_KINDS: ReadonlySet<string> = new Set(['board', 'link', 'error']);

/** Every event kind `--json` can print (documented in host/cli/README.md). */
export type CliEventKind =
  | 'link'
  | 'board'
  | 'listening'
  | 'wake'
  | 'transcript'
  | 'explain'
  | 'command'
  | 'response'
  | 'led'
  | 'tone'
  | 'speech'
  | 'volume'
  | 'gpio'
  | 'session'
  | 'error'
  | 'asr-wait'
  | 'net'
  | 'demo'
  | 'config'
  | 'check'
  | 'port'
  | 'emulate'
  | 'log'
  | 'command-def'
  | 'grammar';

export interface CliEvent {
  event: CliEventKind;
  boardId?: string;
  [field: string]: unknown;
}

export interface CliReporterOptions {
  stdout: Writable;
  stderr: Writable;
  /** JSON lines on stdout instead of human text. Default false. */
  json?: boolean;
  /** Print session transitions and other debug lines on stderr. Default false. */
  verbose?: boolean;
  /** Clock for the `t` field (ms); default Date.now. */
  now?: () => number;
  /** The command's logger: debug lines go there (its level decides). Default: verbose lines on stderr. */
  logger?: HarkLogger;
  /** Storm window and allowance for repeated identical board/link/error events. Default 3 per 60 s. */
  storm?: { windowMs?: number; allow?: number };
}

export class CliReporter {
  readonly json: boolean;
  readonly #o: CliReporterOptions;
  readonly #gate: StormGate;
  #progressShown = false;

  constructor(opts: CliReporterOptions) {
    this.#o = opts;
    this.json = opts.json ?? false;
    this.#gate = new StormGate({
      ...opts.storm,
      onSummary: ({ sample, suppressed, windowMs }) => {
        const { e, human } = sample as { e: CliEvent; human?: string };
        const text = repeatedText({ suppressed, windowMs });
        this.#write(
          {
            event: 'log',
            level: 'warn',
            boardId: e.boardId,
            msg: `${e.event} event ${text}`,
            repeated: suppressed,
            windowMs: Math.round(windowMs),
            sample: e,
          },
          human === undefined ? undefined : `${human} ${text}`,
        );
      },
    });
  }

  /** The reporter of a command, from its parsed `--json` / `--verbose` flags. */
  static forCommand(
    io: Pick<CliReporterOptions, 'stdout' | 'stderr'>,
    flags: { json?: unknown; verbose?: unknown },
    logger?: HarkLogger,
  ): CliReporter {
    return new CliReporter({
      stdout: io.stdout,
      stderr: io.stderr,
      json: flags.json === true,
      verbose: flags.verbose === true,
      ...(logger ? { logger } : {}),
    });
  }

  /** Emits one event: a JSON line, or a human line built by `human`. Storms of identical ones are summarised. */
  event(e: CliEvent, human?: string): void {
    if (STORM_KINDS.has(e.event) && !this.#gate.admit(JSON.stringify(e), { e, human })) return;
    this.#write(e, human);
  }

  /** Writes the summaries of storms still being counted (on shutdown). */
  flush(): void {
    this.#gate.flush();
  }

  #write(e: CliEvent, human: string | undefined): void {
    this.#endProgress();
    if (this.json) this.#o.stdout.write(`${JSON.stringify({ t: (this.#o.now ?? Date.now)(), ...e })}\n`);
    else if (human !== undefined) this.#o.stdout.write(`${human}\n`);
  }

  /** A diagnostic line on stderr. */
  note(line: string): void {
    this.#endProgress();
    this.#o.stderr.write(`${line}\n`);
  }

  /** Debug lines (session transitions): to the logger at debug level, or with --verbose on stderr. */
  debug(line: string): void {
    if (this.#o.logger) this.#o.logger.log.debug(line);
    else if (this.#o.verbose) this.note(line);
  }

  /** A progress line on stderr, rewritten in place on a terminal. */
  progress(line: string): void {
    const tty = (this.#o.stderr as { isTTY?: boolean }).isTTY === true;
    if (tty) {
      this.#o.stderr.write(`\r\x1b[K${line}`);
      this.#progressShown = true;
    } else {
      this.#o.stderr.write(`${line}\n`);
    }
  }

  #endProgress(): void {
    if (this.#progressShown) {
      this.#o.stderr.write('\n');
      this.#progressShown = false;
    }
  }
}
