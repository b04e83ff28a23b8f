/**
 * Writes the generated protocol files: protocol/vectors.json, protocol/c/tests/vectors.h,
 * protocol/c/hark_protocol.h, protocol/c/hark_layout.h and the bandwidth (§8) and chunk_ms (§4.3) tables in protocol/SPEC.md.
 * `--check` writes nothing and exits 1 if any committed file differs.
 * Run: `npx tsc -p . && node dist/protocol/ts/vectors-generate.js [--check]`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withGeneratedTables } from './bandwidth.js';
import { renderProtocolHeader } from './c-header.js';
import { renderLayoutHeader } from './c-layout.js';
import { buildVectors, renderVectorsHeader, renderVectorsJson } from './vectors.js';

/** Repo-relative path → expected content of every generated file. */
export function generatedFiles(): Record<string, string> {
  const vectors = buildVectors();
  return {
    'protocol/SPEC.md': withGeneratedTables(readFileSync(repoPath('protocol/SPEC.md'), 'utf8')),
    'protocol/vectors.json': renderVectorsJson(vectors),
    'protocol/c/tests/vectors.h': renderVectorsHeader(vectors),
    'protocol/c/hark_protocol.h': renderProtocolHeader(),
    'protocol/c/hark_layout.h': renderLayoutHeader(),
  };
}

/** Absolute path of a repo-relative path (this file runs from dist/protocol/ts/). */
export const repoPath = (rel: string): string => fileURLToPath(new URL(`../../../${rel}`, import.meta.url));

function main(): number {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [rel, text] of Object.entries(generatedFiles())) {
    let current: string | undefined;
    try {
      current = readFileSync(repoPath(rel), 'utf8');
    } catch {
      current = undefined;
    }
    if (current === text) continue;
    if (check) {
      stale++;
      process.stderr.write(`${rel} is stale: run node dist/protocol/ts/vectors-generate.js\n`);
    } else {
      writeFileSync(repoPath(rel), text);
      process.stdout.write(`wrote ${rel}\n`);
    }
  }
  return stale === 0 ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main();
