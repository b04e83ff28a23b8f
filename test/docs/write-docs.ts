/** `npm run docs`: rewrites the generated parts of the docs (the config key table in host/cli/README.md). */
import { readFileSync, writeFileSync } from 'node:fs';
import { withKeyTable } from '../../host/config/docs.js';

const readme = new URL('../../../host/cli/README.md', import.meta.url);
const before = readFileSync(readme, 'utf8');
const after = withKeyTable(before);
if (after !== before) writeFileSync(readme, after);
console.log(after === before ? 'host/cli/README.md: up to date' : 'host/cli/README.md: key table rewritten');
