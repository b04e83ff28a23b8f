#!/usr/bin/env node
/**
 * `hark` — the command line. Subcommand modules are imported lazily so `hark --help` and
 * `hark config` start instantly and never load serial or speech native code. Every subcommand
 * module exports `run(argv, io): Promise<number>` returning its exit code (see ExitCode).
 */
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ExitCode, isHarkError } from '../../base/errors.js';
import type { CliIo } from './io.js';

/** Where a subcommand writes. */
export type MainIo = CliIo;

type CommandModule = { run(argv: string[], io: MainIo): Promise<number> };

/** The subcommands, their one-line help, and the module that implements each. */
export const SUBCOMMANDS: Record<string, { summary: string; module: string }> = {
  demo: { summary: 'speak to an emulated board: no hardware, no setup (start here)', module: './demo.js' },
  run: {
    summary: 'serve every connected board (or --port PATH): listen, recognise, answer',
    module: './run.js',
  },
  emulate: { summary: 'run an emulated board on a pseudo-terminal', module: './emulate.js' },
  say: {
    summary: 'run a command by its text on a board (emulated unless --port): no audio',
    module: './say.js',
  },
  commands: {
    summary: 'list the commands a pack defines: names, patterns, options',
    module: './commands-cmd.js',
  },
  explain: {
    summary: 'explain what hark hears in a WAV: alternatives, confidence, verdict, patterns, timing',
    module: './explain.js',
  },
  ports: { summary: 'list serial ports and which look like hark boards', module: './ports.js' },
  doctor: {
    summary: 'check engines, models, espeak-ng, socat, serial permissions and udev',
    module: './doctor.js',
  },
  config: { summary: 'show or change settings: hark config get|set|unset|path', module: './config-cmd.js' },
  conformance: {
    summary: "check a board's firmware against protocol/SPEC.md, clause by clause",
    module: './conformance.js',
  },
};

export const USAGE = `hark — give a microcontroller board a voice

usage: hark <command> [options]

commands:
${Object.entries(SUBCOMMANDS)
  .map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`)
  .join('\n')}

common options: --json (events as JSON lines on stdout), --verbose, --help
exit codes: 0 ok, 1 failure, 2 usage, 3 config, 4 no board, 5 speech engine, 6 commands
run "hark <command> --help" for a command's options.
`;

/** The version in hark-voice's package.json (one source: the tarball's, or the checkout's). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: string[], io: MainIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(USAGE);
    return name === undefined ? ExitCode.USAGE : ExitCode.OK;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`hark ${packageVersion()}\n`);
    return ExitCode.OK;
  }
  const sub = SUBCOMMANDS[name];
  if (!sub) {
    io.stderr.write(`hark: unknown command "${name}"\n\n${USAGE}`);
    return ExitCode.USAGE;
  }
  try {
    // A computed specifier: modules load on demand (emulate/ports come from the link area).
    const mod = (await import(new URL(sub.module, import.meta.url).href)) as CommandModule;
    return await mod.run(rest, io);
  } catch (e) {
    if (isHarkError(e)) {
      io.stderr.write(`hark ${name}: ${e.message} [${e.code}]\n`);
      return e.exitCode;
    }
    io.stderr.write(`hark ${name}: unexpected failure: ${(e as Error)?.stack ?? String(e)}\n`);
    return ExitCode.FAILURE;
  }
}

function isEntryPoint(): boolean {
  try {
    return realpathSync(process.argv[1] ?? '') === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // `hark ... | head` closes stdout early: that is not an error worth a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
  process.exitCode = code;
  // Everything was closed by the subcommand; if a stray handle keeps the loop alive, do not hang.
  setTimeout(() => {
    process.stderr.write('hark: exiting (a handle stayed open after shutdown)\n');
    process.exit(code);
  }, 3000).unref();
}
