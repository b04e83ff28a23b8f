/**
 * Errors the protocol codec throws. protocol/ is a leaf (it imports nothing outside itself), so it
 * cannot use the host's registry in base/errors.ts; instead the registry lists every code here and
 * test/errors-registry.test.ts checks that it does. The class has the same shape as HarkError
 * (`code`, `exitCode`, `details`) and base's `isHarkError` accepts it.
 */

/** Every code protocol/ throws. */
export const PROTOCOL_ERROR_CODES = ['HARK_ERR_PROTOCOL_ENCODE'] as const;
export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];

export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;
  /** A protocol error that ends the CLI is a failure (exit 1), as the registry says. */
  readonly exitCode = 1;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ProtocolErrorCode, message: string, options?: { details?: Record<string, unknown> }) {
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
    this.details = options?.details;
  }
}
