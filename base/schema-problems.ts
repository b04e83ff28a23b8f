/**
 * Schema failures in words. hark validates untrusted JSON (the config file, board profiles) with
 * TypeBox schemas; this turns TypeBox's first error into a sentence that names the field and says what
 * it must be, using hark's `x-hark-expect` annotation where a schema has one. Errors and generated docs
 * share `expectation`, so they never describe a field differently.
 */
import type { TSchema } from '@sinclair/typebox';
import { ValueErrorType } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';

type Node = TSchema & Record<string, unknown>;

/** What a value of `node` must be, in words. */
export function expectation(node: TSchema): string {
  const n = node as Node;
  if (typeof n['x-hark-expect'] === 'string') return n['x-hark-expect'];
  const literals = (n['anyOf'] as Node[] | undefined)?.map((o) => o['const']);
  if (literals?.length && literals.every((l) => typeof l === 'string' || typeof l === 'number'))
    return `one of ${literals.join(', ')}`;
  const type = n['type'];
  if (type === 'boolean') return 'true or false';
  if (type === 'integer' || type === 'number') {
    const what = type === 'integer' ? 'a whole number' : 'a number';
    const lo = n['minimum'] as number | undefined;
    const gt = n['exclusiveMinimum'] as number | undefined;
    const hi = n['maximum'] as number | undefined;
    if (lo !== undefined && hi !== undefined) return `${what} from ${lo} to ${hi}`;
    if (gt !== undefined && hi !== undefined) return `${what} above ${gt}, at most ${hi}`;
    if (lo !== undefined) return `${what} of at least ${lo}`;
    return what;
  }
  if (type === 'string') return typeof n['pattern'] === 'string' ? `text matching ${n['pattern']}` : 'text';
  if (type === 'array') return 'a list';
  if (type === 'object') return 'an object';
  return 'a value';
}

/** `/audio/codecs/0` → `audio.codecs[0]`. */
export function fieldOf(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

/** One failure: the field (dotted) and what is wrong with it. */
export interface SchemaProblem {
  field: string;
  /** "must be a whole number from 1 to 5 (got 9)", "is missing (…)", "is not a known field". */
  text: string;
}

/** The first reason `value` does not fit `schema`, or undefined when it does. */
export function firstProblem(schema: TSchema, value: unknown): SchemaProblem | undefined {
  const e = Value.Errors(schema, value).First();
  if (!e) return undefined;
  const field = fieldOf(e.path) || '(top level)';
  if (e.type === ValueErrorType.ObjectAdditionalProperties) return { field, text: 'is not a known field' };
  if (e.type === ValueErrorType.ObjectRequiredProperty)
    return { field, text: `is missing (it must be ${expectation(e.schema)})` };
  return { field, text: `must be ${expectation(e.schema)} (got ${JSON.stringify(e.value)})` };
}
