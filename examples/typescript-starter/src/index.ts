/**
 * The hark example pack: lights (on-board LED, and a light on a spare pin through johnny-five), a
 * timer with a follow-up question, the time, volume (with a custom parameter type) and a blocking
 * command. `hark run` loads it when no `commands` are configured; `hark demo`, the tests and the
 * benchmark use it too. Copy this folder to start your own (see README.md).
 */
import clock from './clock.js';
import lights from './lights.js';
import primes from './primes.js';
import timer from './timer.js';
import volume from './volume.js';

export default [...lights, ...timer, ...clock, ...volume, ...primes];
