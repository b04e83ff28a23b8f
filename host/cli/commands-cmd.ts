/**
 * `hark commands [--commands FILE]... [--json]` — what a command pack defines, without starting a host:
 * each command's name, pattern and options (blocking, follow-up only, timeout, description), and the size
 * of the grammar the speech engine will be given. Loading the pack is the health check: a bad pattern or
 * a module that fails to load exits 6 with the reason.
 */
import { ExitCode } from '../../base/errors.js';
import { CommandRegistry, exportGrammar, loadCommandModule } from '../commands/index.js';
import { ConfigStore } from '../config/index.js';
import { configDirOf, parseCommandArgs } from './args.js';
import { commandModulesOf } from './example-pack.js';
import type { CliIo } from './io.js';
import { CliReporter } from './reporter.js';

const HELP = `usage: hark commands [--commands FILE]... [--json] [--config-dir DIR]

Lists the commands a pack defines (default: config "commands", else the example pack): name, pattern and
options, then how many words the recognition grammar has. Exit 6 when the pack does not load.
`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs('commands', argv, {
    commands: { type: 'string', multiple: true },
    'config-dir': { type: 'string' },
  });
  if (values['help']) {
    io.stdout.write(HELP);
    return ExitCode.OK;
  }
  const out = CliReporter.forCommand(io, values);
  const dir = configDirOf(values);
  const config = new ConfigStore(dir ? { cwd: dir } : {}).resolve();
  const registry = new CommandRegistry();
  const modules = commandModulesOf(values['commands'] as string[] | undefined, config.commands);
  for (const m of modules) await loadCommandModule(registry, m);
  const width = Math.max(...registry.commands.map((c) => c.name.length));
  for (const c of registry.commands) {
    const o = c.def.options;
    const flags = [
      o.blocking ? 'blocking' : '',
      o.followUpOnly ? 'follow-up only' : '',
      o.timeoutMs ? `timeout ${o.timeoutMs} ms` : '',
    ]
      .filter(Boolean)
      .join(', ');
    out.event(
      {
        event: 'command-def',
        name: c.name,
        pattern: c.def.pattern,
        blocking: o.blocking === true,
        followUpOnly: o.followUpOnly === true,
        ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
        ...(o.description ? { description: o.description } : {}),
      },
      `${c.name.padEnd(width)}  ${c.def.pattern}${flags ? `  [${flags}]` : ''}${o.description ? `  — ${o.description}` : ''}`,
    );
  }
  const grammar = exportGrammar(registry);
  out.event(
    { event: 'grammar', commands: registry.commands.length, words: grammar.vocabulary.length, modules },
    `${registry.commands.length} commands from ${modules.join(', ')}; ${grammar.vocabulary.length} words in the grammar`,
  );
  return ExitCode.OK;
}
