/**
 * Reads every production TypeScript file's imports and fails on an edge the layering forbids, naming
 * the rule it broke. The layers (ARCHITECTURE.md, "Who may import whom"): protocol/ is a leaf; base/
 * serves boards/ and host/; boards/ never imports host/; inside host/ imports only point down the data
 * path. Tests (*.test.ts) and test/ may import anything; nothing in production imports test/ or examples/.
 * A new folder must be added to LAYERS below, so its place is decided on purpose.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Each unit and the units it may import directly; what they may import is allowed too (transitive). */
export const LAYERS: Record<string, readonly string[]> = {
  protocol: [],
  base: ['protocol'],
  'boards/profiles': ['base'],
  'boards/emulator': ['boards/profiles'],
  'boards/native': ['boards/emulator'],
  'boards/simavr': ['boards/native'],
  'boards/pin-headers': ['boards/profiles'],
  'boards/conformance': ['base'],
  'boards/index': ['boards/native', 'boards/emulator'],
  'host/events': ['base'],
  'host/grammar': ['base'],
  'host/config': ['boards/profiles'],
  'host/link': ['boards/profiles', 'host/events'],
  'host/tts': ['base'],
  'host/transcription': ['host/grammar', 'host/link', 'host/tts', 'host/config'],
  'host/commands': ['host/grammar', 'host/events', 'host/config'],
  'host/gpio': ['host/link'],
  'host/serialport': ['host/link'],
  'host/responses': ['host/commands', 'host/tts', 'host/link', 'host/config', 'host/events'],
  'host/sessions': ['host/responses', 'host/transcription', 'host/gpio'],
  // Beyond one host (issue 16): each stands on the sessions (and what they stand on) and is assembled
  // by the pipeline; none imports another, so MQTT, the dashboard, Wyoming and rooms stay separable.
  'host/wyoming': ['host/sessions'],
  'host/mqtt': ['host/sessions'],
  'host/dashboard': ['host/sessions'],
  'host/rooms': ['host/sessions'],
  'host/pipeline': ['host/sessions', 'host/wyoming', 'host/mqtt', 'host/dashboard', 'host/rooms'],
  'host/index': ['host/pipeline', 'host/serialport'],
  'host/cli': ['host/index', 'boards/index', 'boards/conformance'],
};

/** The unit a repository path belongs to, or undefined for scaffolding (tests, test/, examples/). */
export function unitOf(path: string): string | undefined {
  if (path.endsWith('.test.ts') || path.startsWith('test/') || path.startsWith('examples/')) return undefined;
  const parts = path.split('/');
  const top = parts[0]!;
  if (top === 'protocol' || top === 'base') return top;
  const second = (parts.length > 2 ? parts[1] : parts[1]?.replace(/\.ts$/, '')) ?? '';
  if (top === 'boards' || top === 'host') return `${top}/${second}`;
  return undefined; // data beside the code (firmware sources, profiles JSON, docs): not a layer
}

function closure(unit: string, seen = new Set<string>()): Set<string> {
  for (const dep of LAYERS[unit] ?? []) {
    if (seen.has(dep)) continue;
    seen.add(dep);
    closure(dep, seen);
  }
  return seen;
}

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(join(ROOT, dir))) {
    const rel = join(dir, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(join(ROOT, rel)).isDirectory()) sources(rel, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

const IMPORT =
  /(?:^|[\s;])(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
const URL_REF = /new URL\(\s*['"](\.[^'"]*)['"]\s*,\s*import\.meta\.url\)/g;

export interface Edge {
  from: string;
  to: string;
  line: number;
}

/** Every relative import (and `new URL('./…', import.meta.url)` reference) of a file, as repo paths. */
export function edgesOf(file: string): Edge[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const edges: Edge[] = [];
  const add = (spec: string, index: number) => {
    if (!spec.startsWith('.')) return;
    // Imports name the compiled .js; the source is the .ts beside it (or a folder / other file).
    const to = normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts');
    edges.push({ from: file, to, line: text.slice(0, index).split('\n').length });
  };
  for (const m of text.matchAll(IMPORT)) add((m[1] ?? m[2])!, m.index ?? 0);
  // URLs resolve against dist/<same path>, so one more ../ reaches the repository root.
  for (const m of text.matchAll(URL_REF)) {
    const spec = m[1]!;
    const fromDist = normalize(join('dist', dirname(file), spec));
    const to = (fromDist.startsWith('dist/') ? fromDist.slice(5) : fromDist).replace(/\.js$/, '.ts');
    edges.push({ from: file, to, line: text.slice(0, m.index ?? 0).split('\n').length });
  }
  return edges;
}

/** The broken rule for an edge, or undefined when it is allowed. */
export function violation(edge: Edge): string | undefined {
  const a = unitOf(edge.from);
  if (a === undefined) return undefined;
  // The CLI is the application: it may run the bundled example pack when none is configured.
  if (a === 'host/cli' && edge.to.startsWith('examples/')) return undefined;
  if (edge.to.startsWith('test/') || edge.to.startsWith('examples/'))
    return `production code must not reach into ${edge.to.split('/')[0]}/ (scaffolding and examples sit above everything)`;
  const b = unitOf(edge.to);
  if (b === undefined || b === a) return undefined;
  if (!(a in LAYERS))
    return `${a} is not in LAYERS (test/architecture/import-graph.test.ts): decide its layer`;
  if (!(b in LAYERS))
    return `${b} is not in LAYERS (test/architecture/import-graph.test.ts): decide its layer`;
  if (closure(a).has(b)) return undefined;
  if (a === 'protocol') return 'protocol/ is a leaf: it imports nothing outside itself';
  if (a.startsWith('boards/') && b.startsWith('host/'))
    return 'boards/ never imports host/ (both stand on base/)';
  if (a === 'base') return 'base/ is the shared leaf under boards/ and host/: it imports only protocol/';
  return `${a} may import only ${[...closure(a)].sort().join(', ')}; ${b} is not below it on the data path`;
}

test('imports only point down the layers (protocol → base → boards, host; host down the data path)', () => {
  const files = ['protocol', 'base', 'boards', 'host'].flatMap((d) => sources(d));
  assert.ok(files.length > 100, `found only ${files.length} source files under ${ROOT}`);
  const bad = files
    .flatMap(edgesOf)
    .map((e) => ({ e, why: violation(e) }))
    .filter((x) => x.why !== undefined)
    .map(({ e, why }) => `${e.from}:${e.line} → ${e.to}: ${why}`);
  assert.deepEqual(bad, [], `forbidden imports:\n${bad.join('\n')}`);
});

test('the checker itself catches each kind of forbidden edge', () => {
  const cases: [string, string, RegExp][] = [
    ['protocol/ts/cobs.ts', 'base/errors.ts', /protocol\/ is a leaf/],
    ['boards/emulator/emulated-board.ts', 'host/link/board-link.ts', /boards\/ never imports host\//],
    ['base/errors.ts', 'host/link/index.ts', /base\/ is the shared leaf/],
    ['host/responses/speech.ts', 'host/sessions/board-session.ts', /host\/responses may import only/],
    ['host/pipeline.ts', 'examples/typescript-starter/src/index.ts', /must not reach into examples/],
    ['host/link/board-link.ts', 'test/mocks/mock-port.ts', /must not reach into test/],
    ['host/newthing/x.ts', 'base/errors.ts', /not in LAYERS/],
  ];
  for (const [from, to, why] of cases)
    assert.match(violation({ from, to, line: 1 }) ?? 'allowed', why, `${from} → ${to}`);
  assert.equal(
    violation({ from: 'host/sessions/board-runtime.ts', to: 'protocol/ts/messages.ts', line: 1 }),
    undefined,
  );
  assert.equal(
    violation({ from: 'host/cli/emulate.ts', to: 'boards/emulator/index.ts', line: 1 }),
    undefined,
  );
  assert.equal(violation({ from: 'host/link/x.test.ts', to: 'test/mocks/mock-port.ts', line: 1 }), undefined);
});

test('relative paths resolve to repository files', () => {
  const e = edgesOf(relative(ROOT, join(ROOT, 'host/link/link-manager.ts')));
  assert.ok(
    e.some((x) => x.to === 'host/link/worker.ts'),
    JSON.stringify(e),
  );
});
