/**
 * Name ↔ id tables for the protocol's enums and bit sets, derived from the id tables in messages.ts so a
 * name is spelled once. Names are the ids' keys in lower case with `-` for `_` (`IMA_ADPCM` →
 * `'ima-adpcm'`, `BUTTON_RELEASED` → `'button-released'`): the spelling board profiles, the config
 * file, JSON events and logs use. Ids a newer minor version may add have no name here: `name()` returns
 * undefined for them rather than throwing, because decoders accept unknown enum values (SPEC §1.2).
 *
 *     AudioCodecNames.id('ima-adpcm')        // 2
 *     LedEffectNames.name(3)                 // 'pulse'
 *     LedEffectNames.all                     // ['off', 'solid', 'blink', 'pulse', 'spin']
 *     GpioCapNames.names(0b1011)             // ['input', 'output', 'pwm']
 *     FeatureNames.mask(['led', 'gpio'])     // Feature.LED | Feature.GPIO
 */

type Dashed<S extends string> = S extends `${infer A}_${infer B}` ? `${A}-${Dashed<B>}` : S;
/** The wire name of an id key: lower case, `_` → `-`. */
export type WireName<K extends string> = Dashed<Lowercase<K>>;

const wireName = (key: string): string => key.toLowerCase().replace(/_/g, '-');

/** What any table offers without knowing its names (field specs, generators). */
export interface AnyNameTable {
  readonly ids: Readonly<Record<string, number>>;
  readonly all: readonly string[];
  readonly max: number;
  /** Set on bit tables: every bit defined. */
  readonly allBits?: number;
  name(id: number): string | undefined;
}

/** An enum (each key one id). */
export interface NameTable<T extends Readonly<Record<string, number>>> {
  /** The id table itself (`{ OFF: 0, … }`). */
  readonly ids: T;
  /** Every name, in ascending id order. */
  readonly all: readonly WireName<keyof T & string>[];
  /** The name of an id, or undefined for an id this version does not know. */
  name(id: number): WireName<keyof T & string> | undefined;
  /** The id of a name; undefined for a string that is not one of the names. */
  id(name: string): T[keyof T] | undefined;
  /** True when `name` is one of the names (narrows it). */
  has(name: string): name is WireName<keyof T & string>;
  /** Largest id (the encoders' bound). */
  readonly max: number;
}

/** A bit set (each key one bit). */
export interface BitTable<T extends Readonly<Record<string, number>>> extends NameTable<T> {
  /** The names of the bits set in `mask`, in bit order (bits without a name are left out). */
  names(mask: number): WireName<keyof T & string>[];
  /** The mask of some names. */
  mask(names: Iterable<WireName<keyof T & string>>): number;
  /** Every bit this version defines. */
  readonly allBits: number;
}

function table<T extends Readonly<Record<string, number>>>(ids: T): NameTable<T> {
  type N = WireName<keyof T & string>;
  const entries = Object.entries(ids).sort((a, b) => a[1] - b[1]);
  const byId = new Map<number, N>(entries.map(([k, v]) => [v, wireName(k) as N]));
  const byName = new Map<string, number>(entries.map(([k, v]) => [wireName(k), v]));
  return {
    ids,
    all: Object.freeze(entries.map(([k]) => wireName(k) as N)),
    name: (id) => byId.get(id),
    id: (name) => byName.get(name) as T[keyof T] | undefined,
    has: (name): name is N => byName.has(name),
    max: Math.max(...entries.map(([, v]) => v)),
  };
}

/** The name table of an enum id table. */
export const nameTable = <const T extends Readonly<Record<string, number>>>(ids: T): NameTable<T> =>
  Object.freeze(table(ids));

/** The name table of a bit-set table (every value a single bit). */
export function bitTable<const T extends Readonly<Record<string, number>>>(bits: T): BitTable<T> {
  type N = WireName<keyof T & string>;
  for (const [k, v] of Object.entries(bits)) {
    if (v <= 0 || (v & (v - 1)) !== 0) throw new Error(`bit table: ${k} = ${v} is not a single bit`);
  }
  const t = table(bits);
  const allBits = Object.values(bits).reduce((m, v) => m | v, 0) >>> 0;
  return Object.freeze({
    ...t,
    allBits,
    names: (mask: number) => t.all.filter((n) => (mask & t.id(n)!) !== 0),
    mask: (names: Iterable<N>) => {
      let m = 0;
      for (const n of names) m |= t.id(n) ?? 0;
      return m >>> 0;
    },
  });
}
