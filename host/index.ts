/**
 * hark's public API for command packs and embedding:
 *
 * ```ts
 * import { command, io } from 'hark';           // (from a checkout: '<repo>/dist/host/index.js')
 * export default [
 *   command('turn the fan $state:OnOff', async ({ state }, ctx) => {
 *     const board = new five.Board({ io: io(ctx.boardId), repl: false, debug: false, sigint: false });
 *     ...
 *   }),
 * ];
 * ```
 */

import { HarkError } from '../base/errors.js';
import { command } from './commands/index.js';
import type { HarkIO } from './gpio/hark-io.js';
import { HarkPipeline } from './pipeline.js';

export { ExitCode, HarkError, isHarkError } from '../base/errors.js';
export {
  type CommandContext,
  type CommandOptions,
  command,
  type DispatchedResponse,
  defineType,
  type Response,
} from './commands/index.js';
export { ConfigStore, defaultConfig, type HarkConfig } from './config/index.js';
export { HarkIO, MODES } from './gpio/hark-io.js';
export { type FiveModule, loadJohnnyFive } from './gpio/johnny-five.js';
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
