/**
 * The one error registry of the hark host (house style: fastify's FST_ERR_*, nanopb's status codes).
 * Every error a user can see has a stable code `HARK_ERR_<AREA>_<WHAT>`, a one-line description and
 * the CLI exit code it maps to. Codes are never reused once retired. host/ERRORS.md documents every
 * code; test/errors-registry.test.ts fails when the two drift apart.
 *
 * Each area keeps its entries together under its own heading comment, so areas can grow independently.
 */

export interface ErrorDefinition {
  readonly description: string;
  /** Process exit code when this error ends the `hark` CLI (see README "Exit codes"). */
  readonly exitCode: number;
}

/** CLI exit codes (documented in README). */
export const ExitCode = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  CONFIG: 3,
  NO_BOARD: 4,
  ENGINE: 5,
  COMMANDS: 6,
} as const;

export const ERRORS = {
  // ---- protocol -------------------------------------------------------------------------------
  HARK_ERR_PROTOCOL_ENCODE: {
    description: 'A message could not be encoded (a field is out of range or the payload is too large).',
    exitCode: ExitCode.FAILURE,
  },
  // ---- audio (WAV files, format conversion) ----------------------------------------------------
  HARK_ERR_AUDIO_WAV: {
    description: 'A WAV file could not be read (not RIFF/WAVE, no data, or an unsupported sample format).',
    exitCode: ExitCode.FAILURE,
  },
  // ---- link (serial ports, handshake, heartbeat) -----------------------------------------------
  // ---- boards (profiles, emulator) --------------------------------------------------------------
  // ---- transcription ----------------------------------------------------------------------------
  // ---- commands ---------------------------------------------------------------------------------
  // ---- sessions, responses, config, cli ---------------------------------------------------------
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCodeName = keyof typeof ERRORS;

/** An error with a stable code. `message` names the port, file, key or command at fault. */
export class HarkError extends Error {
  readonly code: ErrorCodeName;
  readonly exitCode: number;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ErrorCodeName,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HarkError';
    this.code = code;
    this.exitCode = ERRORS[code].exitCode;
    this.details = options?.details;
  }
}

export const isHarkError = (e: unknown, code?: ErrorCodeName): e is HarkError =>
  e instanceof HarkError && (code === undefined || e.code === code);
