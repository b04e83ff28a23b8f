/** Normalises what a handler returns (one response, an array, an iterable, an async generator). */
import type { HandlerResult } from './command.js';
import type { Response } from './response.js';

/** Iterates a handler's result as individual responses (values are validated by the caller). */
export async function* responsesOf(result: HandlerResult | Promise<HandlerResult>): AsyncGenerator<unknown> {
  const value: unknown = await result;
  if (value === undefined) return;
  if (Array.isArray(value)) {
    yield* value;
    return;
  }
  if (typeof value === 'object' && value !== null) {
    const v = value as Partial<AsyncIterable<unknown> & Iterable<unknown>>;
    if (typeof v[Symbol.asyncIterator] === 'function' || typeof v[Symbol.iterator] === 'function') {
      yield* v as AsyncIterable<unknown>;
      return;
    }
  }
  yield value;
}

/** Collects every response of a result (used in command workers, which return them all at once). */
export async function collectResponses(result: HandlerResult | Promise<HandlerResult>): Promise<Response[]> {
  const out: Response[] = [];
  for await (const r of responsesOf(result)) out.push(r as Response);
  return out;
}
