/**
 * `hark conformance --port PATH [--json] [--baud N] [--only 2.3,4.6] [--no-prompt]` — checks a board's
 * firmware against protocol/SPEC.md and prints pass, fail or skip per clause (boards/conformance/).
 * Exit 0 when nothing failed, 1 when a clause failed, 4 when the board could not be reached.
 */
import { createInterface } from 'node:readline/promises';
import { ExitCode, HarkError } from '../../base/errors.js';
import type { Prompter } from '../../boards/conformance/check.js';
import { formatResult, formatSummary, runConformance } from '../../boards/conformance/suite.js';
import { intFlag, parseCommandArgs } from './args.js';
import type { CliIo } from './io.js';

const HELP = `usage: hark conformance --port PATH [--baud N] [--json] [--only CLAUSES] [--no-prompt]

Acts as a host towards the board on PATH and checks its firmware against protocol/SPEC.md: handshake,
host sessions, PING, malformed and oversized frames, max_rx_payload and rx_window_bytes, audio capture
and its pacing, chunk_ms, speaker credits, reset and re-handshake, button gestures. Prints PASS, FAIL or
SKIP (with the reason) per check, each with its SPEC clause number (§2.3.2 …).

  --port PATH      the board's serial device (required)
  --baud N         line rate for a real serial port (default 921600; the Uno profile uses 250000)
  --json           one JSON object per check on stdout, then a summary object
  --only CLAUSES   comma-separated clause prefixes to run, e.g. 2.3,4.6
  --no-prompt      never ask for a button press (those checks are skipped)

On a terminal, the gesture checks ask you to press the board's button; elsewhere they are skipped.
Exit codes: 0 every check passed or was skipped, 1 a check failed, 4 no board on PATH.
`;

/** Asks on the terminal and waits for Enter. */
function terminalPrompter(io: CliIo): Prompter {
  return {
    async ask(instruction) {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        await rl.question(`\n  → ${instruction} Press Enter, then do it within 10 s. `);
      } finally {
        rl.close();
      }
      io.stderr.write('    waiting for the board…\n');
    },
  };
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs('conformance', argv, {
    port: { type: 'string' },
    baud: { type: 'string' },
    only: { type: 'string' },
    'no-prompt': { type: 'boolean' },
  });
  if (values['help']) {
    io.stdout.write(HELP);
    return ExitCode.OK;
  }
  const port = values['port'] as string | undefined;
  if (!port)
    throw new HarkError('HARK_ERR_CLI_USAGE', '--port PATH is required (see hark conformance --help)');
  const json = values['json'] === true;
  const only = (values['only'] as string | undefined)
    ?.split(',')
    .map((s) => s.trim().replace(/^§/, ''))
    .filter(Boolean);
  const interactive = !json && values['no-prompt'] !== true && process.stdin.isTTY === true;
  const rep = await runConformance({
    port,
    baudRate: intFlag('baud', values['baud'] as string | undefined, 921600),
    ...(interactive ? { prompter: terminalPrompter(io) } : {}),
    ...(only ? { only } : {}),
    onResult: (r) => {
      if (json) io.stdout.write(`${JSON.stringify({ event: 'conformance', t: Date.now(), ...r })}\n`);
      else io.stdout.write(`${formatResult(r)}\n`);
    },
  });
  if (json) {
    const { results: _r, ...summary } = rep;
    io.stdout.write(`${JSON.stringify({ event: 'conformance-summary', t: Date.now(), ...summary })}\n`);
  } else {
    io.stdout.write(`\n${formatSummary(rep)}\n`);
  }
  if (rep.failed > 0) {
    if (!json) {
      io.stderr.write(
        `hark conformance: ${rep.failed} check(s) failed: ${rep.results
          .filter((r) => r.status === 'fail')
          .map((r) => `§${r.clause}`)
          .join(', ')} [HARK_ERR_CONFORMANCE_FAILED]\n`,
      );
    }
    return ExitCode.FAILURE;
  }
  return ExitCode.OK;
}
