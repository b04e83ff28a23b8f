/**
 * Resolved hark configuration: schema defaults ← the conf file (if it exists) ← HARK_* environment
 * variables. The file is only created by `hark config set`; reading never writes (so `hark demo` and
 * `hark run` leave no trace in the user's home unless asked).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import Conf from 'conf';
import { HarkError } from '../../base/errors.js';
import {
  CONFIG_SCHEMA,
  defaultsOf,
  parseValue,
  type SchemaNode,
  schemaAt,
  validateValue,
  withoutDefaults,
} from './schema.js';

/** An LED effect as configured. */
export interface LedEffectConfig {
  effect: 'off' | 'solid' | 'blink' | 'pulse' | 'spin';
  color: string;
  periodMs: number;
}

/** The shape of a fully resolved configuration (every key present). */
export interface HarkConfig {
  engine: 'pocketsphinx' | 'vosk';
  voskModel: string;
  port: string;
  baudRate: number;
  listenMode: 'button' | 'wake';
  wakePhrase: string;
  silenceMs: number;
  minSpeechMs: number;
  maxUtteranceMs: number;
  noSpeechTimeoutMs: number;
  followUpMs: number;
  volume: number;
  voice: string;
  voiceWpm: number;
  earcons: boolean;
  commands: string;
  leds: Record<
    'disconnected' | 'error' | 'listening' | 'thinking' | 'replying' | 'muted' | 'idle',
    LedEffectConfig
  >;
}

export interface ConfigStoreOptions {
  /** Folder of the config file. Default: the per-user config folder of "hark" (env-paths). */
  cwd?: string;
  /** File name without `.json`. Default: `config`. */
  configName?: string;
  /** Environment to read HARK_* overrides from. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** `leds.listening.color` → `HARK_LEDS_LISTENING_COLOR`, `voskModel` → `HARK_VOSK_MODEL`. */
export const envNameOf = (key: string): string =>
  `HARK_${key
    .replace(/\./g, '_')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()}`;

/** Every leaf key, dotted. */
export function leafKeys(props: Record<string, SchemaNode> = CONFIG_SCHEMA, prefix = ''): string[] {
  return Object.entries(props).flatMap(([k, node]) =>
    node.type === 'object' && node.properties
      ? leafKeys(node.properties, `${prefix}${k}.`)
      : [`${prefix}${k}`],
  );
}

/** The value at dotted `key` in `obj` (undefined when any part is missing). */
export function getPath(obj: Record<string, unknown>, key: string): unknown {
  return key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
}

function setPath(obj: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let o = obj;
  for (const p of parts.slice(0, -1)) {
    o[p] ??= {};
    o = o[p] as Record<string, unknown>;
  }
  o[parts.at(-1)!] = value;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object'
        ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

/** The configuration defaults, for in-memory use (demo, tests). */
export const defaultConfig = (): HarkConfig => defaultsOf(CONFIG_SCHEMA) as unknown as HarkConfig;

/** Reads, validates and writes the hark configuration file; resolves environment overrides. */
export class ConfigStore {
  readonly path: string;
  readonly #opts: ConfigStoreOptions;
  #conf: Conf<Record<string, unknown>> | undefined;

  constructor(opts: ConfigStoreOptions = {}) {
    this.#opts = opts;
    this.path = join(
      opts.cwd ?? userConfigDir(opts.env ?? process.env),
      `${opts.configName ?? 'config'}.json`,
    );
  }

  /** Conf is only constructed when the file exists or a value is set: it creates folders on read. */
  #open(): Conf<Record<string, unknown>> {
    if (this.#conf) return this.#conf;
    try {
      this.#conf = new Conf<Record<string, unknown>>({
        projectName: 'hark',
        cwd: dirname(this.path),
        configName: this.#opts.configName ?? 'config',
        // biome-ignore lint/suspicious/noExplicitAny: conf's Schema type is a generic JSON-schema map.
        schema: withoutDefaults(CONFIG_SCHEMA) as any,
      });
    } catch (e) {
      throw new HarkError('HARK_ERR_CONFIG_INVALID', `${this.path} is invalid: ${(e as Error).message}`, {
        cause: e,
        details: { file: this.path },
      });
    }
    return this.#conf;
  }

  /** The values stored in the file (not defaults, not env). */
  fileValues(): Record<string, unknown> {
    if (!existsSync(this.path)) return {};
    return { ...this.#open().store };
  }

  /** Defaults ← file ← HARK_* environment variables, validated. Throws HarkError naming the bad key. */
  resolve(): HarkConfig {
    const merged = deepMerge(defaultsOf(CONFIG_SCHEMA), this.fileValues());
    const env = this.#opts.env ?? process.env;
    for (const key of leafKeys()) {
      const text = env[envNameOf(key)];
      if (text === undefined) continue;
      const node = schemaAt(key)!;
      const value = parseValue(node, text);
      const why = validateValue(node, value, key);
      if (why) {
        throw new HarkError('HARK_ERR_CONFIG_INVALID', `environment variable ${envNameOf(key)}: ${why}`, {
          details: { key },
        });
      }
      setPath(merged, key, value);
    }
    const why = validateValue(
      { type: 'object', properties: CONFIG_SCHEMA, additionalProperties: false },
      merged,
      'config',
    );
    if (why) {
      throw new HarkError('HARK_ERR_CONFIG_INVALID', `${this.path}: ${why.replace(/^config\./, '')}`, {
        details: { file: this.path },
      });
    }
    return merged as unknown as HarkConfig;
  }

  /** One resolved value by dotted key. */
  get(key: string): unknown {
    if (!schemaAt(key)) throw unknownKey(key);
    return getPath(this.resolve() as unknown as Record<string, unknown>, key);
  }

  /** Parses `text` for `key`, validates it and writes it to the file (creating the file). */
  set(key: string, text: string): unknown {
    const node = schemaAt(key);
    if (!node) throw unknownKey(key);
    const value = parseValue(node, text);
    const why = validateValue(node, value, key);
    if (why)
      throw new HarkError('HARK_ERR_CONFIG_INVALID', `${why} (got ${JSON.stringify(text)})`, {
        details: { key },
      });
    const conf = this.#open();
    try {
      conf.set(key, value);
    } catch (e) {
      throw new HarkError(
        'HARK_ERR_CONFIG_FILE',
        `could not write ${key} to ${this.path}: ${(e as Error).message}`,
        {
          cause: e,
        },
      );
    }
    return value;
  }

  /** Removes a key from the file so its default (or env override) applies again. */
  unset(key: string): void {
    if (!schemaAt(key)) throw unknownKey(key);
    if (existsSync(this.path)) this.#open().delete(key);
  }
}

const unknownKey = (key: string) =>
  new HarkError(
    'HARK_ERR_CONFIG_UNKNOWN_KEY',
    `unknown config key "${key}"; known keys: ${leafKeys().join(', ')}`,
    { details: { key } },
  );

/** The per-user config folder conf would use for "hark" (env-paths rules), computed without creating it. */
export function userConfigDir(env: NodeJS.ProcessEnv): string {
  const home = homedir();
  if (process.platform === 'darwin') return join(home, 'Library', 'Preferences', 'hark');
  if (process.platform === 'win32')
    return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'hark', 'Config');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'hark');
}
