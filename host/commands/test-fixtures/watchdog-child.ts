/**
 * Test fixture run as a child process: starts a watchdog that reports to stderr, blocks the main
 * thread inside a command for 1.5 s, then prints a marker. The parent checks that the watchdog's
 * line came out first, i.e. while main was still blocked.
 */
import { writeSync } from 'node:fs';
import { Dispatcher } from '../dispatcher.js';
import { CommandRegistry } from '../registry.js';
import { Watchdog } from '../watchdog.js';
import { loopBlockers } from './misbehaving-commands.js';

const watchdog = await Watchdog.start({ thresholdMs: 300 });
const d = new Dispatcher({ registry: new CommandRegistry().add(loopBlockers), tracker: watchdog });
await d.handle('b', 'hog the loop for 1500');
writeSync(2, 'BLOCK ENDED\n');
await watchdog.close();
await d.close();
