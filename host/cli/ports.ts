/**
 * `hark ports [--json]` — lists serial ports and marks the ones whose USB ids match a board profile.
 * Where the system cannot list ports (no udev in a container) it says so and suggests --port.
 */
import { ExitCode } from '../../base/errors.js';
import { listPorts } from '../link/discovery.js';
import { parseCommandArgs } from './args.js';
import type { CliIo } from './io.js';
import { CliReporter } from './reporter.js';

const HELP = `usage: hark ports [--json]

Lists serial ports. Ports whose USB vendor:product id matches a board profile are marked with the
profile(s); open one with \`hark run --port PATH\`. Emulated boards (\`hark emulate\`) are
pseudo-terminals and are not listed: use the path \`hark emulate\` prints.
`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs('ports', argv, {});
  if (values['help']) {
    io.stdout.write(HELP);
    return ExitCode.OK;
  }
  const out = CliReporter.forCommand(io, values);
  const listing = await listPorts();
  if (listing.error) {
    out.event({ event: 'error', code: listing.error.code, message: listing.error.message });
    if (!out.json) io.stderr.write(`hark ports: ${listing.error.message} [${listing.error.code}]\n`);
    return ExitCode.NO_BOARD;
  }
  if (listing.ports.length === 0 && !out.json) {
    io.stdout.write(
      'no serial ports found (is the board plugged in? try another cable: some carry power only)\n',
    );
    return ExitCode.OK;
  }
  for (const p of listing.ports) {
    const id = p.vendorId && p.productId ? `${p.vendorId}:${p.productId}` : '----:----';
    const mark = p.profiles.length > 0 ? `hark? ${p.profiles.join(' | ')}` : '';
    out.event(
      { event: 'port', ...p },
      `${p.path.padEnd(22)} ${id}  ${(p.manufacturer ?? '').padEnd(24)} ${mark}`,
    );
  }
  return ExitCode.OK;
}
