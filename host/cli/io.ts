/** The streams a CLI subcommand writes to; tests pass in-memory ones. */
import type { Writable } from 'node:stream';

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
}
