/**
 * `npm run docs`: rewrites the generated files — the config key table in host/cli/README.md and the udev
 * rules in deploy/99-hark.rules (from the board profiles). Tests fail when either is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadProfiles } from '../../boards/profiles/profile-loader.js';
import { renderUdevRules } from '../../host/cli/udev-rules.js';
import { withKeyTable } from '../../host/config/docs.js';

const write = (rel: string, make: (before: string) => string) => {
  const file = new URL(`../../../${rel}`, import.meta.url);
  const before = readFileSync(file, 'utf8');
  const after = make(before);
  if (after !== before) writeFileSync(file, after);
  console.log(`${rel}: ${after === before ? 'up to date' : 'rewritten'}`);
};

write('host/cli/README.md', withKeyTable);
write('deploy/99-hark.rules', () => renderUdevRules(loadProfiles().values()));
