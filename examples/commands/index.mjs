// The example command pack `hark run` loads when no `commands` are configured.
// Copy this folder, edit, and run: hark config set commands /path/to/my-commands/index.mjs
import clock from './clock.mjs';
import lights from './lights.mjs';
import timer from './timer.mjs';
import volume from './volume.mjs';

export default [...lights, ...timer, ...clock, ...volume];
