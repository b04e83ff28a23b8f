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

export { ERRORS, type ErrorCodeName, ExitCode, HarkError, isHarkError } from '../base/errors.js';
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
export { HarkIO, type HarkIoOptions, type IoPin, MODES } from './gpio/hark-io.js';
export {
  type FiveBoard,
  type FiveButton,
  type FiveLed,
  type FiveModule,
  type FiveServo,
  loadJohnnyFive,
} from './gpio/johnny-five.js';
export { HarkPipeline, type PipelineEvent, type PipelineOptions, type PipelineProgress } from './pipeline.js';

/** The default export groups the API: `hark.command(...)`, `hark.defineType(...)`. */
const hark = { command, defineType };
export default hark;
