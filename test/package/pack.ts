/** Packs the repository (dist/ must be built) into `dir` the way `npm publish` would; returns the tarball path. */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSync } from '../helpers/child.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export function packInto(dir: string): string {
  if (!existsSync(join(ROOT, 'dist/host/cli/main.js')))
    throw new Error('dist/ is not built: npm test builds it first (npm run build)');
  const packed = runSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, expect: 0 });
  return join(dir, (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename);
}

/** A folder of stand-ins for cc, gcc, g++, make and node-gyp that fail loudly: nothing may compile. */
export function noCompilersEnv(dir: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  mkdirSync(dir, { recursive: true });
  for (const tool of ['cc', 'gcc', 'g++', 'c++', 'make', 'node-gyp']) {
    const p = join(dir, tool);
    writeFileSync(p, `#!/bin/sh\necho "NATIVE BUILD ATTEMPTED: ${tool} $* (in $PWD)" >&2\nexit 97\n`);
    chmodSync(p, 0o755);
  }
  return {
    ...base,
    PATH: `${dir}:${base['PATH']}`,
    npm_config_node_gyp: join(dir, 'node-gyp'),
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_loglevel: 'warn',
  };
}
