/**
 * hark's public API (package `hark-voice`) for command packs and programs that embed the host:
 *
 * ```ts
 * import { command, loadJohnnyFive } from 'hark-voice';
 * export default [
 *   command('turn the fan $state:OnOff', async ({ state }, ctx) => {
 *     const five = loadJohnnyFive();
 *     const board = new five.Board({ io: ctx.io(), repl: false, debug: false, sigint: false });
 *     ...
 *   }),
 * ];
 * ```
 *
 * Custom parameter types are typed by augmenting `ParamValueTypes` of this module:
 * `declare module 'hark-voice' { interface ParamValueTypes { Room: string } }`.
 *
 * A command reaches its board through its context (`ctx.io()`, `ctx.board`), never through a
 * process-wide "current host": two pipelines in one process each serve their own boards.
 */

import { command, defineType } from './commands/index.js';

export type { PcmAudio } from '../base/audio/wav.js';
export { ERRORS, type ErrorCodeName, ExitCode, HarkError, isHarkError } from '../base/errors.js';
export { ProtocolError, type ProtocolErrorCode } from '../protocol/ts/errors.js';
export type { FrameStats } from '../protocol/ts/frame-decoder.js';
export type { MessageStats } from '../protocol/ts/message-decoder.js';
// The wire protocol's message types and names, for programs that talk to boards themselves (HarkMessageParser).
export type * from '../protocol/ts/messages.js';
export type { WireName } from '../protocol/ts/names.js';
export {
  type AnyCommand,
  type BoardFacts,
  type BoardIo,
  type BoardPin,
  type CommandContext,
  type CommandDefinition,
  type CommandOptions,
  command,
  type DispatchedResponse,
  defineType,
  type Handler,
  type HandlerResult,
  type LedSpec,
  type NamedLed,
  type ParamsOf,
  type ParamValueTypes,
  type PatternTypeSpec,
  type Response,
  type ResponseStatus,
  type Rgb as ColorValue,
  type ToneStepSpec,
  type TypeDefinition,
  type ValuesTypeSpec,
} from './commands/index.js';
export type { Definition } from './commands/registry.js';
export type { BuiltinValueTypes } from './commands/types/builtin-types.js';
export {
  type ConfigReport,
  type ConfigSource,
  ConfigStore,
  type ConfigStoreOptions,
  defaultConfig,
  type HarkConfig,
  type HarkConfigFile,
  type LedEffectConfig,
  type Rgb,
} from './config/index.js';
export type { DashboardOptions } from './dashboard/server.js';
export type { ErrorEvent, NetService } from './events.js';
export type { GpioTransport } from './gpio/hark-io.js';
export { HarkIO, type HarkIoOptions, type IoPin, MODES } from './gpio/hark-io.js';
export {
  type FiveBoard,
  type FiveButton,
  type FiveLed,
  type FiveModule,
  type FiveServo,
  loadJohnnyFive,
} from './gpio/johnny-five.js';
export type { BackoffOptions } from './link/backoff.js';
export type { BoardInfo, LinkManagerOptions } from './link/types.js';
export type { MqttOptions } from './mqtt/bridge.js';
export { HarkPipeline, type PipelineEvent, type PipelineOptions, type PipelineProgress } from './pipeline.js';
export type { RoomOptions } from './rooms/arbiter.js';
export {
  HarkMessageParser,
  type HarkMessageParserOptions,
  type HarkMessageParserStats,
  HarkMessageSerializer,
  type HarkSerialMessage,
  type HelloAckOptions,
  helloAckFor,
} from './serialport/hark-serial-stream.js';
export type { GrammarReport, LoadProgress } from './transcription/types.js';
export type { RemoteAsrOptions, RemoteTtsOptions, WyomingOptions } from './wyoming/index.js';

/** The default export groups the API: `hark.command(...)`, `hark.defineType(...)`. */
const hark = { command, defineType };
export default hark;
