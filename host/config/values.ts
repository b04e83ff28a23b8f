/**
 * Values against the schema: text (a `HARK_*` variable, `hark config set`) parsed into the type a key
 * wants, one value checked with TypeBox and the failure put in words, a whole layer (the file's JSON)
 * walked so each error names its key, and the defaults.
 */
import { Value } from '@sinclair/typebox/value';
import { HarkError } from '../../base/errors.js';
import { CONFIG_SCHEMA, expectation, leafKeys, type SchemaNode, schemaAt } from './schema.js';

/** Keys that were renamed: an old name in a file or `hark config` says where it went. */
export const RENAMED_KEYS: Readonly<Record<string, string>> = {
  engine: 'transcription.engine',
  voskModel: 'transcription.vosk.model',
};

/** Parses text into the type `node` wants; text that does not parse is returned as is (and fails the check). */
export function parseText(node: SchemaNode, text: string): unknown {
  switch (node['type']) {
    case 'boolean':
      if (/^(true|1|yes|on)$/i.test(text)) return true;
      if (/^(false|0|no|off)$/i.test(text)) return false;
      return text;
    case 'integer':
    case 'number':
      return text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
    case 'object':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    default:
      return text;
  }
}

/** Why `value` does not fit `key`, in words; undefined when it does. */
export function problemWith(key: string, value: unknown): string | undefined {
  const node = schemaAt(key);
  if (!node) return `${key} is not a configuration key`;
  return Value.Check(node, value)
    ? undefined
    : `${key} must be ${expectation(node)} (got ${JSON.stringify(value)})`;
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length]!;
}

/** The closest of `candidates` to `name` when it is close enough to be a typo. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const dist = norm(c) === norm(name) ? 0 : distance(name.toLowerCase(), c.toLowerCase());
    if (dist < bestD) [best, bestD] = [c, dist];
  }
  return bestD <= Math.max(2, Math.floor(name.length / 4)) ? best : undefined;
}

/** The error for a key that does not exist, with the renamed or nearest key when there is one. */
export function unknownKey(key: string, where = ''): HarkError {
  const renamed = RENAMED_KEYS[key];
  const near = renamed ?? closest(key, leafKeys());
  const hint = renamed
    ? `; it is now "${renamed}"`
    : near
      ? `; did you mean "${near}"?`
      : '; "hark config get" lists every key';
  return new HarkError('HARK_ERR_CONFIG_UNKNOWN_KEY', `${where}unknown config key "${key}"${hint}`, {
    details: { key, ...(near ? { suggestion: near } : {}) },
  });
}

/**
 * Checks one layer (the file's JSON): every key must exist and every value fit. Throws the first
 * problem, naming `where` (the file) and the key.
 */
export function checkLayer(layer: Record<string, unknown>, where: string, prefix = ''): void {
  for (const [k, v] of Object.entries(layer)) {
    const key = `${prefix}${k}`;
    const node = schemaAt(key);
    if (!node) throw unknownKey(key, `${where}: `);
    if (node['x-hark-section'] === true) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        throw new HarkError('HARK_ERR_CONFIG_INVALID', `${where}: ${key} must be an object of keys`, {
          details: { key },
        });
      }
      checkLayer(v as Record<string, unknown>, where, `${key}.`);
      continue;
    }
    const why = problemWith(key, v);
    if (why) throw new HarkError('HARK_ERR_CONFIG_INVALID', `${where}: ${why}`, { details: { key } });
  }
}

/** The value at dotted `key` in `obj` (undefined when any part is missing). */
export function getPath(obj: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
}

/** Sets dotted `key` in `obj`, creating sections on the way. */
export function setPath(obj: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let o = obj;
  for (const p of parts.slice(0, -1)) {
    if (typeof o[p] !== 'object' || o[p] === null) o[p] = {};
    o = o[p] as Record<string, unknown>;
  }
  o[parts.at(-1)!] = value;
}

/** Removes dotted `key`, and sections left empty. Returns whether it was there. */
export function deletePath(obj: Record<string, unknown>, key: string): boolean {
  const [head, ...rest] = key.split('.');
  if (!head || !Object.hasOwn(obj, head)) return false;
  if (rest.length === 0) return delete obj[head];
  const child = obj[head];
  if (typeof child !== 'object' || child === null) return false;
  const gone = deletePath(child as Record<string, unknown>, rest.join('.'));
  if (gone && Object.keys(child).length === 0) delete obj[head];
  return gone;
}

/** The defaults of every key, in the file's form (colours as `#rrggbb`). */
export function defaultValues(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of leafKeys()) setPath(out, key, structuredClone(schemaAt(key)!['default']));
  return out;
}

/** Decodes a complete, checked file-form object into the resolved form (colours → RGB). */
export function decode<T>(complete: Record<string, unknown>): T {
  return Value.Decode(CONFIG_SCHEMA, complete) as T;
}
