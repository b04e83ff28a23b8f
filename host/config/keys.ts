/**
 * The builders every configuration key is made with. Each returns a TypeBox schema (JSON schema plus
 * a static TypeScript type) carrying hark's own annotations, so one declaration yields the type,
 * validation, the error text, the `HARK_*` variable, `hark config` and the README's key table.
 */
import { type SchemaOptions, type TLiteral, type TSchema, type TUnion, Type } from '@sinclair/typebox';

/** An RGB colour, 0–255 per channel: what `#rrggbb` in the config becomes once loaded. */
export interface Rgb {
  r: number;
  g: number;
  b: number;
}

/** hark's annotations on a schema node (plain JSON-schema extension keywords). */
export interface HarkAnnotations {
  /** Human form of what the value must be, used in errors and docs (e.g. `#rrggbb`). */
  'x-hark-expect'?: string;
  /** A filesystem path (`file`) or a comma-separated list of them (`list`): relative ones are resolved. */
  'x-hark-path'?: 'file' | 'list';
  /** A group of keys (an object whose properties are keys), not a value. */
  'x-hark-section'?: true;
}

const opts = (description: string, extra: SchemaOptions & HarkAnnotations = {}) => ({
  description,
  ...extra,
});

/** A whole number in [minimum, maximum]. */
export const integer = (def: number, minimum: number, maximum: number, description: string) =>
  Type.Integer(opts(description, { default: def, minimum, maximum }));

/** A number in (exclusiveMinimum, maximum]. */
export const number = (
  def: number,
  range: { exclusiveMinimum?: number; minimum?: number; maximum?: number },
  description: string,
) => Type.Number(opts(description, { default: def, ...range }));

export const boolean = (def: boolean, description: string) =>
  Type.Boolean(opts(description, { default: def }));

type Literals<T extends readonly string[]> = {
  -readonly [K in keyof T]: TLiteral<T[K]>;
} extends infer U extends TSchema[]
  ? U
  : never;

/** One of a fixed list of words. */
export const choice = <const T extends readonly [string, ...string[]]>(
  values: T,
  def: T[number],
  description: string,
): TUnion<Literals<T>> =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    opts(description, { default: def, 'x-hark-expect': `one of ${values.join(', ')}` }),
  ) as unknown as TUnion<Literals<T>>;

/** Free text, optionally constrained by a pattern (explained by `expect`). */
export const text = (def: string, description: string, constraint?: { pattern: string; expect: string }) =>
  Type.String(
    opts(description, {
      default: def,
      ...(constraint ? { pattern: constraint.pattern, 'x-hark-expect': constraint.expect } : {}),
    }),
  );

/** A file or folder path; '' means "not set". Relative paths in the config file are relative to its folder. */
export const path = (def: string, description: string) =>
  Type.String(opts(description, { default: def, 'x-hark-path': 'file', 'x-hark-expect': 'a path' }));

/** Comma-separated paths (each resolved like `path`). */
export const pathList = (def: string, description: string) =>
  Type.String(
    opts(description, { default: def, 'x-hark-path': 'list', 'x-hark-expect': 'comma-separated paths' }),
  );

const hexToRgb = (hex: string): Rgb => {
  const v = Number.parseInt(hex.slice(1), 16);
  return { r: (v >> 16) & 0xff, g: (v >> 8) & 0xff, b: v & 0xff };
};
/** `{ r, g, b }` → `#rrggbb` (what the file and `hark config get` show). */
export const rgbToHex = (c: Rgb): string =>
  `#${[c.r, c.g, c.b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;

/** A colour written `#rrggbb` in the file and environment, an {@link Rgb} once the config is loaded. */
export const color = (def: string, description: string) =>
  Type.Transform(
    Type.String(
      opts(description, { default: def, pattern: '^#[0-9a-fA-F]{6}$', 'x-hark-expect': '#rrggbb' }),
    ),
  )
    .Decode(hexToRgb)
    .Encode(rgbToHex);

/** A map of names to strings, written as a JSON object (e.g. extra decoder arguments). */
export const stringMap = (keyPattern: string, description: string, expect: string) =>
  Type.Record(
    Type.String({ pattern: keyPattern }),
    Type.String(),
    opts(description, {
      default: {},
      additionalProperties: false,
      'x-hark-expect': expect,
    }),
  );

/** A group of keys (`leds`, `transcription.vosk`); unknown keys inside it are refused. */
export const section = <P extends Record<string, TSchema>>(properties: P, description: string) =>
  Type.Object(properties, opts(description, { additionalProperties: false, 'x-hark-section': true }));
