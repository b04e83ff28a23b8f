/**
 * The one hark configuration schema (TypeBox: JSON schema with its TypeScript type). Everything about
 * a key is declared once, in its area's file under `sections/`; the type (`HarkConfig`), validation,
 * error text, the `HARK_*` variable, `hark config` and the key table in host/cli/README.md all derive
 * from it. Adding a key = adding one line to a section (then `npm run docs:config`, which the tests check).
 */
import type { Static, StaticDecode, TSchema } from '@sinclair/typebox';
import { type HarkAnnotations, section } from './keys.js';
import { COMMAND_KEYS } from './sections/commands.js';
import { LINK_KEYS } from './sections/link.js';
import { LISTENING_KEYS } from './sections/listening.js';
import { NET_KEYS } from './sections/net.js';
import { RESPONSE_KEYS } from './sections/responses.js';
import { TRANSCRIPTION_KEYS } from './sections/transcription.js';

export const CONFIG_SCHEMA = section(
  {
    ...LINK_KEYS,
    ...LISTENING_KEYS,
    ...RESPONSE_KEYS,
    ...COMMAND_KEYS,
    ...TRANSCRIPTION_KEYS,
    ...NET_KEYS,
  },
  'hark configuration',
);

/** The resolved configuration: every key present, colours as RGB, paths absolute. */
export type HarkConfig = StaticDecode<typeof CONFIG_SCHEMA>;
/** The configuration as written in the file (colours `#rrggbb`). */
export type HarkConfigFile = Static<typeof CONFIG_SCHEMA>;
/** An LED effect as resolved. */
export type LedEffectConfig = HarkConfig['leds']['idle'];

/** A schema node with hark's annotations readable. */
export type SchemaNode = TSchema & HarkAnnotations & Record<string, unknown>;

const isSection = (n: SchemaNode): n is SchemaNode & { properties: Record<string, SchemaNode> } =>
  n['x-hark-section'] === true;
const ROOT = CONFIG_SCHEMA as TSchema as SchemaNode;

/** The node of a dotted key (`leds.listening.color`), section or leaf; undefined when none. */
export function schemaAt(key: string): SchemaNode | undefined {
  let node: SchemaNode | undefined = ROOT;
  for (const part of key.split('.')) {
    if (!node || !isSection(node) || !Object.hasOwn(node.properties, part)) return undefined;
    node = node.properties[part] as SchemaNode;
  }
  return node;
}

/** True when `key` names a value (not a section). */
export const isLeafKey = (key: string): boolean => {
  const n = schemaAt(key);
  return n !== undefined && !isSection(n);
};

/** Every leaf key, dotted, in declaration order. */
export function leafKeys(node: SchemaNode = ROOT, prefix = ''): string[] {
  if (!isSection(node)) return [prefix.slice(0, -1)];
  return Object.entries(node.properties).flatMap(([k, child]) =>
    leafKeys(child as SchemaNode, `${prefix}${k}.`),
  );
}

/** `leds.listening.color` → `HARK_LEDS_LISTENING_COLOR`, `transcription.vosk.model` → `HARK_TRANSCRIPTION_VOSK_MODEL`. */
export const envNameOf = (key: string): string =>
  `HARK_${key
    .replace(/\./g, '_')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()}`;

/** What a value of a key must be, in words (errors and the README table use the same text). */
export { expectation } from '../../base/schema-problems.js';

/** Known `HARK_*` variables that are not configuration keys (the unknown-variable warning skips them). */
export const OTHER_ENV = {
  HARK_CONFIG_DIR: 'folder of config.json (same as --config-dir)',
  HARK_LOG_LEVEL: 'log level: fatal, error, warn, info, debug, trace (same as --log-level)',
  HARK_TEST_CONCURRENCY: "test runner only: test files run at once (npm test's default 2)",
} as const;
