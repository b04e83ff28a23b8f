/** Keys of the command packs (host/commands). */
import { integer, pathList } from '../keys.js';

export const COMMAND_KEYS = {
  commands: pathList('', 'command modules to load, comma-separated (empty: the bundled example pack)'),
  commandLoadTimeoutMs: integer(
    30_000,
    100,
    600_000,
    'a commands module that takes longer to load (a top-level await) stops the start, ms',
  ),
  commandWorkerHeapMb: integer(
    256,
    16,
    16_384,
    'JavaScript heap limit of each blocking-command worker, MB: a command over it fails alone',
  ),
};
