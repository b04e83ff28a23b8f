/**
 * The one error registry of the hark host (house style: fastify's FST_ERR_*, nanopb's status codes).
 * Every error a user can see has a stable code `HARK_ERR_<AREA>_<WHAT>`, a one-line description and
 * the CLI exit code it maps to. A code that is no longer raised moves to RETIRED and is never reused.
 * base/ERRORS.md is generated from this file: after any change here run `npm run errors:doc`
 * (base/errors-doc.ts); test/errors-registry.test.ts fails when the page is stale or a code vanished.
 *
 * Each area keeps its entries together under its own heading comment, so areas can grow independently.
 */

import { ProtocolError } from '../protocol/ts/errors.js';

export { ProtocolError };

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
  HARK_ERR_AUDIO_RATE: {
    description: 'A sample rate is out of range (resampling needs integer rates in 1000..192000 Hz).',
    exitCode: ExitCode.FAILURE,
  },
  // ---- link (serial ports, handshake, heartbeat) -----------------------------------------------
  HARK_ERR_LINK_OPEN: {
    description: 'A serial port could not be opened (missing, busy, or no permission).',
    exitCode: ExitCode.NO_BOARD,
  },
  HARK_ERR_LINK_HANDSHAKE: {
    description:
      'No valid HELLO arrived in time (wrong baud rate, not a hark board, or the board is held in reset).',
    exitCode: ExitCode.NO_BOARD,
  },
  HARK_ERR_LINK_VERSION: {
    description: 'The board speaks another major protocol version; flash matching firmware.',
    exitCode: ExitCode.NO_BOARD,
  },
  HARK_ERR_LINK_LOST: {
    description: 'A board stopped answering PING or its port went away; the link reconnects on its own.',
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_LINK_NOT_READY: {
    description: 'A message was sent to a board that is unknown or not connected right now.',
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_LINK_BACKPRESSURE: {
    description: "A board's write queue is full (the port is stalled); the message was not queued.",
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_LINK_PLAYBACK: {
    description: 'Speaker playback was refused (no PCM speaker, codec not offered, or the link dropped).',
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_LINK_LIST: {
    description: 'Serial ports could not be listed (no udev, e.g. in a container); pass --port PATH instead.',
    exitCode: ExitCode.NO_BOARD,
  },
  HARK_ERR_LINK_WORKER: {
    description: 'The link worker thread failed or the link manager was used after close().',
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_LINK_STALLED: {
    description:
      'A board stopped reading: bytes for it were not taken for the stall time; its queue was dropped and the link reconnects (other boards are not affected).',
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_LINK_CLOSED: {
    description: 'The host closed the link (shutdown or forget) before the request could complete.',
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_LINK_WATCH: {
    description:
      'Serial devices cannot be watched for hot-plug (the device folder cannot be watched); pass --port PATH for each board.',
    exitCode: ExitCode.NO_BOARD,
  },
  HARK_ERR_LINK_SPEAKER_STALLED: {
    description:
      "A board's speaker granted no credit for max(2 s, 2 × its buffer's play time); the playback was stopped and failed.",
    exitCode: ExitCode.FAILURE,
  },
  // ---- boards (profiles, emulator) --------------------------------------------------------------
  HARK_ERR_BOARD_PROFILE_INVALID: {
    description: 'A board profile JSON file is malformed; the message names the file and field.',
    exitCode: ExitCode.CONFIG,
  },
  HARK_ERR_BOARD_PROFILE_UNKNOWN: {
    description: 'No board profile has that id; the message lists the known ones.',
    exitCode: ExitCode.CONFIG,
  },
  HARK_ERR_BOARD_EMULATOR: {
    description: 'The emulated board could not start (socat missing, pty not created, or a bad audio file).',
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_BOARD_EMULATOR_TRANSPORT: {
    description:
      'The emulated board cannot do that on its transport: unplug/replug need a pty (not binding-mock), or the mock device path already has a board.',
    exitCode: ExitCode.FAILURE,
  },
  // ---- conformance (hark conformance: a board's firmware against protocol/SPEC.md) ----------------
  HARK_ERR_CONFORMANCE_PORT: {
    description: 'hark conformance could not open the board port, or the port closed during the run.',
    exitCode: ExitCode.NO_BOARD,
  },
  HARK_ERR_CONFORMANCE_TIMEOUT: {
    description: 'The board under test did not send an expected frame in time (named in the message).',
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_CONFORMANCE_FAILED: {
    description:
      'The board failed one or more SPEC clauses (each failure is printed with its clause number).',
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_BOARD_REPORTED: {
    description:
      "A board sent an ERROR frame; `details` carry the board's code (`boardCode`, a number) and its protocol name (`boardError`).",
    exitCode: ExitCode.FAILURE,
  },
  // ---- firmware (host builds of the C firmware, native board, simulated Uno, their build cache) ---
  HARK_ERR_FIRMWARE_BUILD: {
    description:
      'Building the firmware with make/cc (firmware/Makefile) failed; the message carries the compiler output.',
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_FIRMWARE_NATIVE_BOARD: {
    description:
      'The native emulated board (firmware/native) did not start, exited, or did not report a state in time.',
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_FIRMWARE_SIMAVR: {
    description:
      'The simulated Uno (boards/simavr: the Uno image in libsimavr) did not start, exited, or did not report in time.',
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_FIRMWARE_CACHE_UNSAFE: {
    description:
      'A build cache folder is not private (a symlink, not ours, or writable by others): hark will not run binaries from it.',
    exitCode: ExitCode.FAILURE,
  },
  // ---- transcription ----------------------------------------------------------------------------
  HARK_ERR_TRANSCRIPTION_NO_ENGINE: {
    description:
      'No speech engine is available: neither a vosk model is configured nor the pocketsphinx model installed.',
    exitCode: ExitCode.ENGINE,
  },
  HARK_ERR_TRANSCRIPTION_CONFIG: {
    description: 'A transcription option is invalid (engine name, pool size, model path, library path).',
    exitCode: ExitCode.CONFIG,
  },
  HARK_ERR_TRANSCRIPTION_POCKETSPHINX: {
    description:
      'The pocketsphinx library or its model could not be loaded (or an unsupported pocketsphinx version).',
    exitCode: ExitCode.ENGINE,
  },
  HARK_ERR_TRANSCRIPTION_VOSK_LIBRARY: {
    description: 'libvosk.so could not be loaded from the configured or bundled path.',
    exitCode: ExitCode.ENGINE,
  },
  HARK_ERR_TRANSCRIPTION_VOSK_MODEL: {
    description: 'The vosk model directory is missing, empty or not a valid model.',
    exitCode: ExitCode.ENGINE,
  },
  HARK_ERR_TRANSCRIPTION_GRAMMAR: {
    description: 'A grammar is invalid, unknown to the service, or the engine could not compile it.',
    exitCode: ExitCode.COMMANDS,
  },
  HARK_ERR_TRANSCRIPTION_AUDIO: {
    description: 'A stream has an unsupported codec or sample rate, or a chunk could not be decoded.',
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_TRANSCRIPTION_WORKER: {
    description:
      'An ASR worker thread crashed; the utterance it was decoding is lost (the pool replaces the worker).',
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_TRANSCRIPTION_ABORTED: {
    description: 'A stream was cancelled or its board disconnected before the utterance ended.',
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_TRANSCRIPTION_CLOSED: {
    description: 'The transcription service was closed while the request was pending.',
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_TRANSCRIPTION_LOAD_TIMEOUT: {
    description:
      'The speech model did not finish loading in every ASR worker within transcription.loadTimeoutMs.',
    exitCode: ExitCode.ENGINE,
  },
  HARK_ERR_TTS_ESPEAK: {
    description: 'espeak-ng is not installed or failed to synthesise the text.',
    exitCode: ExitCode.ENGINE,
  },
  // ---- commands ---------------------------------------------------------------------------------
  HARK_ERR_COMMANDS_PATTERN: {
    description:
      'A command pattern does not compile (unbalanced group, bad parameter, unknown type or range).',
    exitCode: ExitCode.COMMANDS,
  },
  HARK_ERR_COMMANDS_DEFINITION: {
    description:
      'A command definition is invalid (duplicate name, handler parameters that the pattern lacks, bad options).',
    exitCode: ExitCode.COMMANDS,
  },
  HARK_ERR_COMMANDS_TYPE: {
    description: 'A parameter type definition is invalid or registered twice.',
    exitCode: ExitCode.COMMANDS,
  },
  HARK_ERR_COMMANDS_LOAD: {
    description:
      'A commands directory or module could not be loaded (missing, syntax error, no definitions).',
    exitCode: ExitCode.COMMANDS,
  },
  HARK_ERR_COMMANDS_RESPONSE: {
    description:
      'A command handler produced an invalid response (unknown field, wrong type, bad LED or tone).',
    exitCode: ExitCode.COMMANDS,
  },
  HARK_ERR_COMMANDS_HANDLER: {
    description: 'A command handler threw an error or rejected.',
    exitCode: ExitCode.COMMANDS,
  },
  HARK_ERR_COMMANDS_TIMEOUT: {
    description: 'A command handler ran longer than its timeout and was cancelled.',
    exitCode: ExitCode.COMMANDS,
  },
  HARK_ERR_COMMANDS_CANCELLED: {
    description: 'A running command was cancelled by its caller (a new utterance, a button press, shutdown).',
    exitCode: ExitCode.COMMANDS,
  },
  HARK_ERR_COMMANDS_WORKER: {
    description: 'The worker running a blocking command crashed or exited; the pool replaced it.',
    exitCode: ExitCode.COMMANDS,
  },
  HARK_ERR_COMMANDS_RESOURCE_LIMIT: {
    description:
      "A blocking command went over its worker's memory limit (commandWorkerHeapMb) and was stopped; only that call failed and the pool replaced the worker.",
    exitCode: ExitCode.COMMANDS,
  },
  HARK_ERR_COMMANDS_BUSY: {
    description: 'A blocking command was not run: every command worker was busy and the queue was full.',
    exitCode: ExitCode.COMMANDS,
  },
  HARK_ERR_COMMANDS_BLOCKED: {
    description:
      'The main event loop was blocked longer than the watchdog threshold (names the running command).',
    exitCode: ExitCode.COMMANDS,
  },
  HARK_ERR_COMMANDS_UNCAUGHT: {
    description:
      'Command code threw from a callback (a timer, an event listener, a johnny-five callback); the message names the command or its module, and the host keeps serving.',
    exitCode: ExitCode.COMMANDS,
  },
  HARK_ERR_COMMANDS_UNHANDLED: {
    description:
      'Command code left a promise rejected with nothing to handle it (a floating promise); the message names the command or its module, and the host keeps serving.',
    exitCode: ExitCode.COMMANDS,
  },
  HARK_ERR_COMMANDS_LOAD_TIMEOUT: {
    description:
      'A commands module did not finish loading in time (a top-level await that never settles); the message names the module.',
    exitCode: ExitCode.COMMANDS,
  },
  HARK_ERR_COMMANDS_CONTEXT: {
    description:
      'A command used a context feature it cannot have: ctx.io() in a blocking command (a worker thread) or without a board.',
    exitCode: ExitCode.COMMANDS,
  },
  // ---- host (the process as a whole) ------------------------------------------------------------
  HARK_ERR_HOST_FAULT: {
    description:
      "An unexpected error outside command code (a bug in hark or in the program embedding it): the host stops, exit 1; the error event's details carry the stack.",
    exitCode: ExitCode.FAILURE,
  },
  // ---- sessions, responses, config, cli ---------------------------------------------------------
  HARK_ERR_CONFIG_INVALID: {
    description: 'A configuration value (file, environment variable or `hark config set`) is invalid.',
    exitCode: ExitCode.CONFIG,
  },
  HARK_ERR_CONFIG_UNKNOWN_KEY: {
    description: 'A configuration key does not exist (see `hark config get`).',
    exitCode: ExitCode.CONFIG,
  },
  HARK_ERR_CONFIG_FILE: {
    description:
      'The configuration file could not be read or written (permission denied, a folder, a read-only file system).',
    exitCode: ExitCode.CONFIG,
  },
  HARK_ERR_CONFIG_UNSAFE: {
    description:
      'The configuration file can be changed by other users (group/world-writable or owned by someone else): chmod 600 it.',
    exitCode: ExitCode.CONFIG,
  },
  HARK_ERR_CLI_USAGE: {
    description: 'The command line was not understood (unknown command or flag, missing value).',
    exitCode: ExitCode.USAGE,
  },
  HARK_ERR_CLI_FILE: {
    description: 'A file named on the command line (--wav, --script) is missing, a folder, or unreadable.',
    exitCode: ExitCode.USAGE,
  },
  HARK_ERR_CLI_SCRIPT: {
    description:
      'An emulate script is malformed (the message names the file and line, exit 2), or a step failed when run (exit 1: a wait timed out, an utterance was cut off).',
    exitCode: ExitCode.USAGE,
  },
  HARK_ERR_CLI_NO_BOARD: {
    description: 'No board was found or none could be opened (plug one in or pass --port PATH).',
    exitCode: ExitCode.NO_BOARD,
  },
  HARK_ERR_SESSION_UNEXPECTED: {
    description:
      "An unexpected error inside a board's session (a bug): the message carries the original error.",
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_SESSION_DISCARDED: {
    description:
      'An utterance was not run: too many already waited for the running command, or its transcription failed while it waited (the board plays the error tone).',
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_RESPONSE_SPEECH: {
    description: 'Speech could not be synthesised (espeak-ng missing or failed).',
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_GPIO_PIN: {
    description: 'A johnny-five pin or mode the board does not offer (see its HELLO gpio list).',
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_GPIO_NOT_READY: {
    description: 'The johnny-five IO plugin was used for a board that is not connected.',
    exitCode: ExitCode.NO_BOARD,
  },
  HARK_ERR_DEMO_STEP: {
    description: 'A step of `hark demo` did not produce what it expected.',
    exitCode: ExitCode.FAILURE,
  },
  // ---- net (Wyoming satellites and remote engines, MQTT, dashboard, rooms) -----------------------
  HARK_ERR_WYOMING_FRAME: {
    description:
      'Malformed Wyoming input (header line not JSON, too long or without a type; a length that is negative, too large or lies); the connection is closed.',
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_WYOMING_CONNECT: {
    description:
      'A Wyoming server could not be reached (refused, unresolvable, or no connection within the connect timeout).',
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_WYOMING_TIMEOUT: {
    description: 'A Wyoming server took the request but did not answer within the response timeout.',
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_WYOMING_PROTOCOL: {
    description:
      'A Wyoming peer sent an event that does not fit the conversation (wrong order, missing field, unsupported audio format).',
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_WYOMING_UNAVAILABLE: {
    description:
      'A remote Wyoming speech server is gone: local pocketsphinx / espeak-ng answer until it is back (reported once, not per utterance).',
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_WYOMING_LISTEN: {
    description:
      "A board's Wyoming satellite server could not listen on its TCP port (in use or not permitted).",
    exitCode: ExitCode.CONFIG,
  },
  HARK_ERR_WYOMING_CONFIG: {
    description:
      'A Wyoming option is invalid (a server address that is not tcp://HOST:PORT, a port out of range, a timeout out of range).',
    exitCode: ExitCode.CONFIG,
  },
  HARK_ERR_WYOMING_REMOTE: {
    description:
      'Home Assistant (or another Wyoming peer) reported an error for an utterance; its text and code are in the message.',
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_WYOMING_WORKER: {
    description:
      'The Wyoming worker thread (satellite sockets, remote speech streams) failed; its streams fall back to local recognition.',
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_MQTT_CONNECT: {
    description:
      'The MQTT broker is unreachable or refused the connection (bad credentials, not authorised, TLS failure); hark keeps retrying with backoff.',
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_MQTT_QUEUE: {
    description:
      'Events were dropped because the bounded MQTT offline queue was full while the broker was unreachable (the message gives the count).',
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_MQTT_COMMAND: {
    description:
      'A message on a hark MQTT command topic could not be carried out (unknown board, bad payload).',
    exitCode: ExitCode.FAILURE,
  },
  HARK_ERR_MQTT_CONFIG: {
    description: 'An MQTT option is invalid (URL scheme, topic prefix, an unreadable TLS file).',
    exitCode: ExitCode.CONFIG,
  },
  HARK_ERR_DASHBOARD_LISTEN: {
    description:
      'The dashboard could not listen on its address and port (in use, not permitted, or not an address of this host).',
    exitCode: ExitCode.CONFIG,
  },
  HARK_ERR_DASHBOARD_TOKEN: {
    description:
      'The dashboard token is too short (at least 16 characters), or a request beyond loopback came without the right token.',
    exitCode: ExitCode.CONFIG,
  },
  HARK_ERR_ROOMS_CONFIG: {
    description:
      'The rooms configuration is invalid (a board in two rooms, an empty room name, a window out of range).',
    exitCode: ExitCode.CONFIG,
  },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCodeName = keyof typeof ERRORS;

/** A code that is no longer raised: when, and what replaced it. */
export interface RetiredCode {
  /** The version (or change) that retired it. */
  readonly since: string;
  readonly reason: string;
}

/**
 * Codes no longer raised. Never delete an entry and never register one of these again: logs, scripts
 * and users' notes may still name them. base/ERRORS.md lists them; the registry test checks both lists.
 */
export const RETIRED: Readonly<Record<string, RetiredCode>> = {};

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

/** True for a HarkError, or a ProtocolError from protocol/ (same shape), optionally with `code`. */
export const isHarkError = (e: unknown, code?: ErrorCodeName): e is HarkError | ProtocolError =>
  (e instanceof HarkError || e instanceof ProtocolError) && (code === undefined || e.code === code);
