/**
 * hark's public API (package `hark-voice`) for command packs and programs that embed the host:
 *
 * ```ts
 * import { command, io, loadJohnnyFive } from 'hark-voice';
 * export default [
 *   command('turn the fan $state:OnOff', async ({ state }, ctx) => {
 *     const five = loadJohnnyFive();
 *     const board = new five.Board({ io: io(ctx.boardId), repl: false, debug: false, sigint: false });
 *     ...
 *   }),
 * ];
 * ```
 *
 * Custom parameter types are typed by augmenting `ParamValueTypes` of this module:
 * `declare module 'hark-voice' { interface ParamValueTypes { Room: string } }`.
 */

import { HarkError } from '../base/errors.js';
import { command } from './commands/index.js';
import type { HarkIO } from './gpio/hark-io.js';
import { HarkPipeline } from './pipeline.js';

export { ERRORS, type ErrorCodeName, ExitCode, HarkError, isHarkError } from '../base/errors.js';
export {
  type AnyCommand,
  type CommandContext,
  type CommandDefinition,
  type CommandOptions,
  command,
  type DispatchedResponse,
  defineType,
  type Handler,
  type HandlerResult,
  type LedSpec,
  type LedState,
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
export { HarkPipeline, type PipelineEvent, type PipelineOptions } from './pipeline.js';

const ioCache = new Map<string, HarkIO>();

/**
 * A johnny-five IO plugin for `boardId`'s spare pins, over the board's own serial link, in the
 * running host (`hark run`). One plugin per board is shared by every command.
 */
export function io(boardId: string): HarkIO {
  const pipeline = HarkPipeline.current;
  if (!pipeline) {
    throw new HarkError(
      'HARK_ERR_GPIO_NOT_READY',
      `hark.io("${boardId}"): no hark host is running in this process (start one with "hark run")`,
    );
  }
  if (!pipeline.board(boardId)) {
    throw new HarkError(
      'HARK_ERR_GPIO_NOT_READY',
      `hark.io("${boardId}"): board ${boardId} is not connected (known: ${pipeline.boards.map((b) => b.boardId).join(', ') || 'none'})`,
    );
  }
  let plugin = ioCache.get(boardId);
  if (!plugin || plugin.closed) {
    plugin = pipeline.io(boardId);
    ioCache.set(boardId, plugin);
  }
  return plugin;
}

/** The default export groups the API: `hark.io(boardId)`, `hark.command(...)`. */
const hark = { io, command };
export default hark;
