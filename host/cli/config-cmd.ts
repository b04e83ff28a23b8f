/**
 * `hark config get [key] | set <key> <value> | unset <key> | path` — reads and writes the config file.
 * `get` shows resolved values (defaults ← file ← HARK_* env) and where each came from. Keys, types,
 * ranges and variables all come from the one schema (host/config/schema.ts).
 */

import { ExitCode, HarkError } from '../../base/errors.js';
import {
  ConfigStore,
  displayValue,
  envNameOf,
  expectation,
  getPath,
  isLeafKey,
  leafKeys,
  schemaAt,
} from '../config/index.js';
import { configDirOf, parseCommandArgs } from './args.js';
import type { MainIo } from './main.js';
import { CliReporter } from './reporter.js';

const HELP = `usage: hark config get [key]        resolved value(s) and their source
       hark config set <key> <value>  check and store a value (file mode 0600)
       hark config unset <key>        remove a stored value (default applies)
       hark config path               the config file's location
options: --json, --config-dir DIR (use another folder; also HARK_CONFIG_DIR)
environment: every key has a HARK_* override, e.g. ${envNameOf('transcription.engine')}=vosk, ${envNameOf('transcription.vosk.model')}=/path, ${envNameOf('port')}=/dev/ttyUSB0
keys: ${leafKeys().join(', ')}
`;

export async function run(argv: string[], io: MainIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('config', argv, { 'config-dir': { type: 'string' } });
  if (values.help) {
    io.stdout.write(HELP);
    return ExitCode.OK;
  }
  const out = CliReporter.forCommand(io, values);
  const cwd = configDirOf(values);
  const store = new ConfigStore(cwd ? { cwd } : {});
  const [action, key, value] = positionals;
  const plain = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  switch (action) {
    case 'path':
      out.event({ event: 'config', path: store.path }, store.path);
      return ExitCode.OK;
    case 'get': {
      const report = store.report();
      for (const w of report.warnings) out.note(`hark config: ${w}`);
      if (key) {
        if (!isLeafKey(key)) store.get(key); // throws the unknown-key error with its suggestion
        const v = displayValue(getPath(report.config, key));
        out.event({ event: 'config', key, value: v, source: report.sources[key] }, plain(v));
        return ExitCode.OK;
      }
      const keys = leafKeys();
      const width = Math.max(...keys.map((k) => k.length)) + 1;
      for (const k of keys) {
        const v = displayValue(getPath(report.config, k));
        const node = schemaAt(k)!;
        out.event(
          {
            event: 'config',
            key: k,
            value: v,
            source: report.sources[k],
            env: envNameOf(k),
            expect: expectation(node),
            description: node.description ?? '',
          },
          `${k.padEnd(width)} ${JSON.stringify(v).padEnd(16)} (${report.sources[k]})`,
        );
      }
      return ExitCode.OK;
    }
    case 'set': {
      if (!key || value === undefined)
        throw new HarkError('HARK_ERR_CLI_USAGE', 'usage: hark config set <key> <value>');
      const stored = store.set(key, value);
      out.event({ event: 'config', key, value: stored, source: 'file', file: store.path }, plain(stored));
      out.note(`saved to ${store.path}`);
      return ExitCode.OK;
    }
    case 'unset':
      if (!key) throw new HarkError('HARK_ERR_CLI_USAGE', 'usage: hark config unset <key>');
      store.unset(key);
      out.event({ event: 'config', key, source: 'default', file: store.path });
      return ExitCode.OK;
    default:
      io.stderr.write(HELP);
      return ExitCode.USAGE;
  }
}
