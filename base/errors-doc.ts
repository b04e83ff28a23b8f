/**
 * base/ERRORS.md is generated from the registry in base/errors.ts: one table of the codes in use,
 * grouped by area, and one of the retired codes. After adding, changing or retiring a code run
 *
 *     npm run errors:doc
 *
 * test/errors-registry.test.ts regenerates the page and fails on any difference, and fails when a
 * code the committed page documents has left the registry without being moved to RETIRED (the page
 * is the ledger of every code ever issued, so a retired code can never be reused unnoticed).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERRORS, type ErrorDefinition, RETIRED, type RetiredCode } from './errors.js';

const HEADER = `# hark error codes

<!-- Generated from base/errors.ts by \`npm run errors:doc\`; do not edit by hand. -->

Every error the host reports carries one of these codes, defined once in \`base/errors.ts\`. The message
itself names the port, file, key or command at fault; \`exit\` is the \`hark\` CLI's exit code when the
error ends it (host/cli/README.md). A code is never reused: a code that is no longer raised moves to
the retired table at the end.
`;

/** The area of a code: the word after HARK_ERR_ (HARK_ERR_LINK_OPEN → LINK). */
export const areaOf = (code: string): string => code.split('_')[2] ?? '';

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** The whole of base/ERRORS.md for the given registry (defaults: the real one). */
export function renderErrorsDoc(
  errors: Readonly<Record<string, ErrorDefinition>> = ERRORS,
  retired: Readonly<Record<string, RetiredCode>> = RETIRED,
): string {
  const areas = new Map<string, string[]>();
  for (const code of Object.keys(errors)) {
    const a = areaOf(code);
    areas.set(a, [...(areas.get(a) ?? []), code]);
  }
  let out = HEADER;
  for (const [area, codes] of areas) {
    out += `\n## ${area}\n\n| code | exit | meaning |\n|---|---:|---|\n`;
    for (const code of codes) {
      const d = errors[code]!;
      out += `| ${code} | ${d.exitCode} | ${cell(d.description)} |\n`;
    }
  }
  out += '\n## Retired codes\n\nNever raised any more and never to be reused.\n\n';
  const gone = Object.entries(retired);
  if (gone.length === 0) out += '(none yet)\n';
  else {
    out += '| code | retired | why |\n|---|---|---|\n';
    for (const [code, r] of gone) out += `| ${code} | ${cell(r.since)} | ${cell(r.reason)} |\n`;
  }
  return out;
}

/** Every code a page documents (in use or retired). */
export const documentedCodes = (doc: string): string[] =>
  [...doc.matchAll(/^\| (HARK_ERR_[A-Z0-9_]+) \|/gm)].map((m) => m[1]!);

/**
 * What is wrong with the registry against the previous page: codes both in use and retired, and codes
 * the page listed that are now in neither list (removed instead of retired). Empty when all is well.
 */
export function ledgerProblems(
  previousDoc: string,
  errors: Readonly<Record<string, ErrorDefinition>> = ERRORS,
  retired: Readonly<Record<string, RetiredCode>> = RETIRED,
): string[] {
  const problems: string[] = [];
  for (const code of Object.keys(retired))
    if (code in errors) problems.push(`${code} is retired (RETIRED in base/errors.ts) and in use again`);
  for (const code of documentedCodes(previousDoc))
    if (!(code in errors) && !(code in retired))
      problems.push(
        `${code} was removed from the registry: add it to RETIRED in base/errors.ts (a code is never reused)`,
      );
  return problems;
}

export const ERRORS_DOC_URL = new URL('../../base/ERRORS.md', import.meta.url);

function isEntryPoint(): boolean {
  return process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1]);
}

if (isEntryPoint()) {
  const path = fileURLToPath(ERRORS_DOC_URL);
  let previous = '';
  try {
    previous = readFileSync(path, 'utf8');
  } catch {
    // first generation
  }
  const problems = ledgerProblems(previous);
  if (problems.length > 0) {
    process.stderr.write(`base/ERRORS.md not written:\n  ${problems.join('\n  ')}\n`);
    process.exit(1);
  }
  const next = renderErrorsDoc();
  if (next !== previous) writeFileSync(path, next);
  process.stdout.write(`base/ERRORS.md ${next === previous ? 'is up to date' : 'written'}\n`);
}
