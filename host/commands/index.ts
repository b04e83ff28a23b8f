/** The command framework: define commands, register and match them, dispatch without blocking. */
export { BlockingPool, type BlockingPoolOptions, type BlockingPoolStats } from './blocking-pool.js';
export {
  type AnyCommand,
  type BoardFacts,
  type BoardIo,
  type BoardPin,
  type BoardServices,
  type CommandContext,
  type CommandDefinition,
  type CommandOptions,
  command,
  type Handler,
  type HandlerResult,
  isCommand,
  type ParamsOf,
  type ParamValueTypes,
} from './command.js';
export { type ContextLayer, ContextStack, type ContextStackOptions } from './context-stack.js';
export {
  Dispatcher,
  type DispatcherOptions,
  type DispatcherStats,
  type DispatchOptions,
} from './dispatcher.js';
export { type ExportGrammarOptions, exportGrammar } from './grammar-export.js';
export { type CommandFault, CommandIsolation, type CommandScope } from './isolation.js';
export { type LoadOptions, loadCommandModule, loadCommandsDir } from './loader.js';
export type { MatchScore } from './pattern/compile.js';
export { tokenize } from './pattern/tokenize.js';
export {
  type CommandMatch,
  CommandRegistry,
  type CommandSummary,
  type Definition,
  type RegisteredCommand,
} from './registry.js';
export {
  type DispatchedResponse,
  type LedSpec,
  NAMED_LEDS,
  type NamedLed,
  RESPONSE_STATUSES,
  type Response,
  type ResponseStatus,
  type ToneStepSpec,
  validateResponse,
} from './response.js';
export type { Rgb } from './types/color.js';
export {
  defineType,
  type PatternTypeSpec,
  type TypeDefinition,
  type ValuesTypeSpec,
} from './types/define-type.js';
export type { ParamType, TypeSpan } from './types/param-type.js';
export { parseSpokenNumber, spellNumber } from './types/spoken-numbers.js';
export {
  type BlockageReport,
  type CommandTracker,
  Watchdog,
  type WatchdogOptions,
  type WatchdogStats,
} from './watchdog.js';
