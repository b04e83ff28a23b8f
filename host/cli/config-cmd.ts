/**
 * `hark config get [key] | set <key> <value> | unset <key> | path` — reads and writes the conf file.
 * `get` shows resolved values (defaults ← file ← HARK_* env) and where each came from.
 */

import { ExitCode, HarkError } from '../../base/errors.js';
import { ConfigStore, envNameOf, getPath, leafKeys, schemaAt } from '../config/index.js';
import { configDirOf, parseCommandArgs } from './args.js';
import type { MainIo } from './main.js';

const HELP = `usage: hark config get [key]        resolved value(s) and their source
       hark config set <key> <value>  validate and store a value
       hark config unset <key>        remove a stored value (default applies)
       hark config path               the config file's location
options: --json, --config-dir DIR (use another folder; also HARK_CONFIG_DIR)
environment: every key can be overridden, e.g. HARK_ENGINE=vosk, HARK_VOSK_MODEL=/path, HARK_PORT=/dev/ttyUSB0
`;

export async function run(argv: string[], io: MainIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('config', argv, { 'config-dir': { type: 'string' } });
  if (values.help) {
    io.stdout.write(HELP);
    return ExitCode.OK;
  }
  const cwd = configDirOf(values);
  const store = new ConfigStore(cwd ? { cwd } : {});
  const [action, key, value] = positionals;
  const out = (v: unknown) =>
    io.stdout.write(`${typeof v === 'string' && !values.json ? v : JSON.stringify(v)}\n`);
  switch (action) {
    case 'path':
      out(store.path);
      return ExitCode.OK;
    case 'get': {
      if (key) {
        const v = store.get(key);
        out(v);
        return ExitCode.OK;
      }
      const resolved = store.resolve() as unknown as Record<string, unknown>;
      const file = store.fileValues();
      const rows = leafKeys().map((k) => {
        const v = getPath(resolved, k);
        const inFile = getPath(file, k);
        const source =
          process.env[envNameOf(k)] !== undefined ? envNameOf(k) : inFile !== undefined ? 'file' : 'default';
        return { key: k, value: v, source, description: schemaAt(k)?.description ?? '' };
      });
      if (values.json) for (const r of rows) out(r);
      else
        for (const r of rows)
          io.stdout.write(`${r.key.padEnd(28)} ${JSON.stringify(r.value).padEnd(16)} (${r.source})\n`);
      return ExitCode.OK;
    }
    case 'set':
      if (!key || value === undefined)
        throw new HarkError('HARK_ERR_CLI_USAGE', 'usage: hark config set <key> <value>');
      out(store.set(key, value));
      if (!values.json) io.stderr.write(`saved to ${store.path}\n`);
      return ExitCode.OK;
    case 'unset':
      if (!key) throw new HarkError('HARK_ERR_CLI_USAGE', 'usage: hark config unset <key>');
      store.unset(key);
      return ExitCode.OK;
    default:
      io.stderr.write(HELP);
      return ExitCode.USAGE;
  }
}
