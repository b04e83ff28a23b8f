/** Generated files are committed; this fails when one differs from what the generator produces now. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { generatedFiles, repoPath } from './vectors-generate.js';

test('vectors.json, C vectors.h, hark_protocol.h and the SPEC §8 bandwidth table are up to date', () => {
  for (const [rel, expected] of Object.entries(generatedFiles())) {
    const current = readFileSync(repoPath(rel), 'utf8');
    assert.ok(
      current === expected,
      `${rel} is stale: run \`npx tsc -p . && node dist/protocol/ts/vectors-generate.js\` and review the diff`,
    );
  }
});
