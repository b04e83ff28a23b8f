/**
 * The configuration file and its resolution: schema defaults ← the file (if it exists) ← `HARK_*`
 * variables. The file is only created by `hark config set`, mode 0600 in a 0700 folder, replaced
 * atomically; reading never writes (`hark demo` and `hark run` leave no trace unless asked). A file
 * other users can change is refused: whoever can write it can point `commands` at their own code.
 * Relative paths in the file are relative to the file's folder; in variables, to the working folder.
 */
import { mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { HarkError } from '../../base/errors.js';
import { rgbToHex } from './keys.js';
import { envNameOf, type HarkConfig, isLeafKey, leafKeys, OTHER_ENV, schemaAt } from './schema.js';
import {
  checkLayer,
  closest,
  decode,
  defaultValues,
  deletePath,
  getPath,
  parseText,
  problemWith,
  setPath,
  unknownKey,
} from './values.js';

export interface ConfigStoreOptions {
  /** Folder of the config file. Default: the per-user config folder (`~/.config/hark` on Linux). */
  cwd?: string;
  /** File name without `.json`. Default: `config`. */
  configName?: string;
  /** Environment to read HARK_* overrides from. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** Where a resolved value came from: the schema default, the file, or the named variable. */
export type ConfigSource = 'default' | 'file' | `HARK_${string}`;

/** A resolution with its provenance and the warnings it raised (unknown HARK_* variables). */
export interface ConfigReport {
  config: HarkConfig;
  sources: Record<string, ConfigSource>;
  warnings: string[];
}

/** Expands `~/` and makes a relative path absolute against `base`. */
function absolutePath(p: string, base: string): string {
  if (p === '') return p;
  if (p === '~' || p.startsWith('~/')) return join(homedir(), p.slice(1));
  return isAbsolute(p) ? p : resolve(base, p);
}

/** Resolves the path(s) of a path key's value against `base`. */
function resolvePaths(key: string, value: unknown, base: string): unknown {
  const kind = schemaAt(key)?.['x-hark-path'];
  if (typeof value !== 'string' || !kind) return value;
  if (kind === 'file') return absolutePath(value, base);
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => absolutePath(s, base))
    .join(',');
}

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;

/** Reads, validates and writes the hark configuration file; resolves environment overrides. */
export class ConfigStore {
  readonly path: string;
  readonly #env: NodeJS.ProcessEnv;

  constructor(opts: ConfigStoreOptions = {}) {
    this.#env = opts.env ?? process.env;
    this.path = join(opts.cwd ?? userConfigDir(this.#env), `${opts.configName ?? 'config'}.json`);
  }

  /** The values stored in the file, checked (not defaults, not env); `{}` when there is no file. */
  fileValues(): Record<string, unknown> {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ENOENT') return {};
      throw this.#fileError('read', err);
    }
    this.#checkOwnership();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new HarkError(
        'HARK_ERR_CONFIG_INVALID',
        `${this.path} is not valid JSON (${(e as Error).message}); fix it, or remove it to start from the defaults`,
        { details: { file: this.path } },
      );
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new HarkError('HARK_ERR_CONFIG_INVALID', `${this.path} must hold a JSON object of keys`, {
        details: { file: this.path },
      });
    }
    checkLayer(json as Record<string, unknown>, this.path);
    return json as Record<string, unknown>;
  }

  /** Defaults ← file ← HARK_* variables, checked and decoded. Throws HarkError naming the bad key. */
  resolve(): HarkConfig {
    return this.report().config;
  }

  /** {@link resolve} plus where each value came from and the warnings (printed by the CLI). */
  report(): ConfigReport {
    const merged = defaultValues();
    const sources: Record<string, ConfigSource> = {};
    const file = this.fileValues();
    const fileDir = dirname(this.path);
    for (const key of leafKeys()) {
      const v = getPath(file, key);
      sources[key] = 'default';
      if (v === undefined) continue;
      setPath(merged, key, resolvePaths(key, v, fileDir));
      sources[key] = 'file';
    }
    const warnings: string[] = [];
    const envNames = new Map(leafKeys().map((k) => [envNameOf(k), k]));
    for (const [name, text] of Object.entries(this.#env)) {
      if (!name.startsWith('HARK_') || text === undefined) continue;
      const key = envNames.get(name);
      if (!key) {
        if (!Object.hasOwn(OTHER_ENV, name)) {
          const near = closest(name, [...envNames.keys(), ...Object.keys(OTHER_ENV)]);
          warnings.push(
            `environment variable ${name} is not a hark setting and is ignored${near ? ` (did you mean ${near}?)` : ''}`,
          );
        }
        continue;
      }
      const value = parseText(schemaAt(key)!, text);
      const why = problemWith(key, value);
      if (why) {
        throw new HarkError('HARK_ERR_CONFIG_INVALID', `environment variable ${name}: ${why}`, {
          details: { key, variable: name },
        });
      }
      setPath(merged, key, resolvePaths(key, value, process.cwd()));
      sources[key] = name as ConfigSource;
    }
    return { config: decode<HarkConfig>(merged), sources, warnings };
  }

  /** One resolved value by dotted key, in the file's form (colours as `#rrggbb`). */
  get(key: string): unknown {
    if (!isLeafKey(key)) throw unknownKey(key);
    return displayValue(getPath(this.resolve(), key));
  }

  /** Parses `text` for `key`, checks it and writes it to the file (creating the file, mode 0600). */
  set(key: string, text: string): unknown {
    if (!isLeafKey(key)) throw unknownKey(key);
    const value = resolvePaths(key, parseText(schemaAt(key)!, text), process.cwd());
    const why = problemWith(key, value);
    if (why) throw new HarkError('HARK_ERR_CONFIG_INVALID', why, { details: { key } });
    const file = this.fileValues();
    setPath(file, key, value);
    this.#write(file);
    return value;
  }

  /** Removes a key from the file so its default (or env override) applies again. */
  unset(key: string): void {
    if (!isLeafKey(key)) throw unknownKey(key);
    const file = this.fileValues();
    if (deletePath(file, key)) this.#write(file);
  }

  #write(values: Record<string, unknown>): void {
    const tmp = `${this.path}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      writeFileSync(tmp, `${JSON.stringify(values, null, 2)}\n`, { mode: 0o600, flag: 'w' });
      renameSync(tmp, this.path);
    } catch (e) {
      try {
        unlinkSync(tmp);
      } catch {
        // nothing was written
      }
      throw this.#fileError('write', e as NodeJS.ErrnoException);
    }
  }

  /** A file other users may change would let them choose the code hark runs (`commands`). */
  #checkOwnership(): void {
    const uid = process.getuid?.();
    if (uid === undefined) return;
    const st = statSync(this.path);
    const othersWrite = (st.mode & 0o022) !== 0;
    const foreign = st.uid !== uid && st.uid !== 0;
    if (!othersWrite && !foreign) return;
    throw new HarkError(
      'HARK_ERR_CONFIG_UNSAFE',
      `${this.path} ${othersWrite ? `can be changed by other users (mode ${octal(st.mode)})` : `belongs to another user (uid ${st.uid}; hark runs as uid ${uid})`}, ` +
        `and whoever can change it chooses the code hark runs; fix: ${othersWrite ? `chmod 600 ${this.path}` : `sudo chown ${uid} ${this.path}`}`,
      { details: { file: this.path, mode: octal(st.mode), owner: st.uid } },
    );
  }

  #fileError(action: 'read' | 'write', e: NodeJS.ErrnoException): HarkError {
    const target = action === 'read' ? this.path : dirname(this.path);
    let why: string;
    switch (e.code) {
      case 'EACCES':
      case 'EPERM': {
        let owner = '';
        try {
          const st = statSync(target);
          owner = ` (owner uid ${st.uid}, mode ${octal(st.mode)}; hark runs as uid ${process.getuid?.() ?? '?'})`;
        } catch {
          // the folder itself is out of reach
        }
        why = `permission denied${owner}: run hark as the user who owns it, or point --config-dir (HARK_CONFIG_DIR) at a folder of your own`;
        break;
      }
      case 'EISDIR':
        why = 'it is a folder, not a file';
        break;
      case 'ENOTDIR':
        why = `a part of ${dirname(this.path)} is a file, not a folder`;
        break;
      case 'EROFS':
        why = 'the file system is read-only';
        break;
      default:
        why = e.message;
    }
    return new HarkError('HARK_ERR_CONFIG_FILE', `cannot ${action} ${this.path}: ${why}`, {
      cause: e,
      details: { file: this.path, errno: e.code },
    });
  }
}

/** A resolved value as the file and `hark config get` show it (RGB colours back to `#rrggbb`). */
export function displayValue(v: unknown): unknown {
  if (v && typeof v === 'object' && 'r' in v && 'g' in v && 'b' in v && Object.keys(v).length === 3)
    return rgbToHex(v as { r: number; g: number; b: number });
  return v;
}

/** The defaults of every key, resolved (for in-memory use: demo, tests). */
export const defaultConfig = (): HarkConfig => decode<HarkConfig>(defaultValues());

/** The per-user config folder for "hark" (XDG rules), computed without creating it. */
export function userConfigDir(env: NodeJS.ProcessEnv): string {
  const home = homedir();
  if (process.platform === 'darwin') return join(home, 'Library', 'Preferences', 'hark');
  if (process.platform === 'win32')
    return join(env['APPDATA'] ?? join(home, 'AppData', 'Roaming'), 'hark', 'Config');
  return join(env['XDG_CONFIG_HOME'] || join(home, '.config'), 'hark');
}
