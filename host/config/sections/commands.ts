/** Keys of the command packs (host/commands). */
import { pathList } from '../keys.js';

export const COMMAND_KEYS = {
  commands: pathList('', 'command modules to load, comma-separated (empty: the bundled example pack)'),
};
