/**
 * What the CLI prints while it serves boards: human lines on stdout, or with `--json` one JSON object
 * per line (`{"event":"transcript","boardId":...}`) for scripts. Progress and diagnostics go to stderr
 * in both modes, so stdout stays machine-readable.
 */
import type { Writable } from 'node:stream';

/** Every event kind `--json` can print (documented in host/cli/README.md). */
export type CliEventKind =
  | 'link'
  | 'board'
  | 'listening'
  | 'transcript'
  | 'command'
  | 'response'
  | 'led'
  | 'tone'
  | 'speech'
  | 'volume'
  | 'gpio'
  | 'session'
  | 'error'
  | 'net'
  | 'demo'
  | 'config'
  | 'check'
  | 'port'
  | 'emulate'
  | 'log';

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
}

export class CliReporter {
  readonly json: boolean;
  readonly #o: CliReporterOptions;
  #progressShown = false;

  constructor(opts: CliReporterOptions) {
    this.#o = opts;
    this.json = opts.json ?? false;
  }

  /** The reporter of a command, from its parsed `--json` / `--verbose` flags. */
  static forCommand(
    io: Pick<CliReporterOptions, 'stdout' | 'stderr'>,
    flags: { json?: unknown; verbose?: unknown },
  ): CliReporter {
    return new CliReporter({
      stdout: io.stdout,
      stderr: io.stderr,
      json: flags.json === true,
      verbose: flags.verbose === true,
    });
  }

  /** Emits one event: a JSON line, or a human line built by `human`. */
  event(e: CliEvent, human?: string): void {
    this.#endProgress();
    if (this.json) this.#o.stdout.write(`${JSON.stringify({ t: (this.#o.now ?? Date.now)(), ...e })}\n`);
    else if (human !== undefined) this.#o.stdout.write(`${human}\n`);
  }

  /** A diagnostic line on stderr. */
  note(line: string): void {
    this.#endProgress();
    this.#o.stderr.write(`${line}\n`);
  }

  /** Debug lines (session transitions): only with --verbose. */
  debug(line: string): void {
    if (this.#o.verbose) this.note(line);
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
