/**
 * Errors across a thread boundary. `postMessage` clones an Error into a bare `Error` (its class, `code`
 * and `details` are lost), so every worker in hark sends `toWire(e)` and the receiving side rebuilds it
 * with `fromWire(w)`: a registered `HARK_ERR_*` code comes back as a `HarkError` with that code and its
 * details; anything else comes back as a plain `Error` that keeps its `name`, `code` and message, so a
 * caller can switch on `code` instead of matching message text.
 *
 * ```ts
 * // worker:  port.postMessage({ ok: false, error: toWire(e) })
 * // main:    if (!m.ok) reject(fromWire(m.error, { boardId }))
 * ```
 */
import { ERRORS, type ErrorCodeName, HarkError } from './errors.js';

/** A structured-cloneable description of an error. */
export interface WireError {
  /** The error's class name ('HarkError', 'TypeError', …). */
  name: string;
  message: string;
  /** `HARK_ERR_*` for hark errors; a system error's code (`ENOENT`) otherwise, when it has one. */
  code?: string;
  /** HarkError details (cloneable values only). */
  details?: Record<string, unknown>;
  /** The stack where the error was thrown, for diagnostics (not shown to users). */
  stack?: string;
}

/** True when `code` is a registered hark error code. */
export const isRegisteredCode = (code: unknown): code is ErrorCodeName =>
  typeof code === 'string' && Object.hasOwn(ERRORS, code);

/** Drops what structured cloning would refuse (functions, class instances with handles). */
function cloneable(details: unknown): Record<string, unknown> | undefined {
  if (!details || typeof details !== 'object') return undefined;
  try {
    return structuredClone(details) as Record<string, unknown>;
  } catch {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(details)) {
      try {
        out[k] = structuredClone(v);
      } catch {
        out[k] = String(v);
      }
    }
    return out;
  }
}

/** Describes any thrown value (Error, HarkError, string, …) for postMessage. Never throws. */
export function toWire(e: unknown): WireError {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    const details = cloneable((e as { details?: unknown }).details);
    return {
      name: e.name,
      message: e.message,
      ...(typeof code === 'string' ? { code } : {}),
      ...(details ? { details } : {}),
      ...(e.stack ? { stack: e.stack } : {}),
    };
  }
  return { name: 'Error', message: typeof e === 'string' ? e : String(e) };
}

/**
 * Rebuilds an error sent with toWire. `extraDetails` are merged into a HarkError's details (e.g. the
 * board the error concerns). The remote stack is kept as `remoteStack` (the local one says where the
 * error arrived).
 */
export function fromWire(w: WireError, extraDetails?: Record<string, unknown>): Error {
  let e: Error;
  if (isRegisteredCode(w.code)) {
    const details = w.details || extraDetails ? { ...(w.details ?? {}), ...(extraDetails ?? {}) } : undefined;
    e = new HarkError(w.code, w.message, details ? { details } : undefined);
  } else {
    e = new Error(w.message);
    e.name = w.name;
    if (w.code !== undefined) (e as { code?: string }).code = w.code;
  }
  if (w.stack) Object.defineProperty(e, 'remoteStack', { value: w.stack, enumerable: false });
  return e;
}
