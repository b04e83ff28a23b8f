/** Every name a doc snippet imports from 'hark-voice' is exported by the package's entry point. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const DOCS = [
  'README.md',
  'host/commands/README.md',
  'examples/typescript-starter/README.md',
  'deploy/README.md',
];
const read = (rel: string) => readFileSync(new URL(`../../../${rel}`, import.meta.url), 'utf8');

test("doc snippets import only what 'hark-voice' exports", async () => {
  const api = (await import('../../host/index.js')) as Record<string, unknown>;
  const problems: string[] = [];
  let names = 0;
  for (const doc of DOCS) {
    for (const m of read(doc).matchAll(/import\s*\{([^}]*)\}\s*from\s*'hark-voice'/g)) {
      for (const raw of m[1]!.split(',')) {
        const name = raw.trim();
        if (!name || name.startsWith('type ')) continue; // types vanish at run time; tsc checks them in the starter
        names++;
        if (!(name in api)) problems.push(`${doc}: ${name}`);
      }
    }
  }
  assert.ok(names >= 4, `found only ${names} imported names`);
  assert.deepEqual(problems, [], `imported in docs but not exported:\n${problems.join('\n')}`);
});

test('the checker notices a name that is not exported', async () => {
  const api = (await import('../../host/index.js')) as Record<string, unknown>;
  assert.equal('NoSuchThing' in api, false);
  assert.equal('HarkMessageParser' in api, true);
});
