/**
 * Every public type is exported: a type that an exported function, class, interface or type of the
 * package's entry point (dist/host/index.d.ts) names — directly or through other such types — must be
 * exported from the entry point too, so users can name it (`FiveLed`, `FiveBoard` were not). Read with
 * the TypeScript compiler API from the declarations tsc emitted.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { ROOT } from './pack.js';

const DIST = join(ROOT, 'dist');

/** Names of hark's own types reachable from the entry point's exports that the entry point does not export. */
export function unexportedPublicTypes(entry: string, opaque: ReadonlySet<string> = new Set()): string[] {
  const program = ts.createProgram([entry], { skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry)!;
  const moduleSymbol = checker.getSymbolAtLocation(source)!;
  const resolve = (s: ts.Symbol) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  const exported = new Set(checker.getExportsOfModule(moduleSymbol).map(resolve));
  const ours = (d: ts.Declaration) => d.getSourceFile().fileName.startsWith(DIST);
  const missing = new Map<ts.Symbol, string>();
  const seen = new Set<ts.Symbol>();
  const visitSymbol = (sym: ts.Symbol) => {
    if (seen.has(sym) || opaque.has(sym.getName())) return;
    seen.add(sym);
    for (const d of sym.declarations ?? []) if (ours(d)) visitNode(d);
  };
  const visitNode = (node: ts.Node) => {
    if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node)) {
      const name = ts.isTypeReferenceNode(node) ? node.typeName : node.expression;
      const at = checker.getSymbolAtLocation(name);
      const sym = at && resolve(at);
      if (sym?.declarations?.some(ours) && !(sym.flags & ts.SymbolFlags.TypeParameter)) {
        if (!exported.has(sym))
          missing.set(
            sym,
            `${sym.getName()} (${sym.declarations[0]!.getSourceFile().fileName.slice(DIST.length + 1)})`,
          );
        visitSymbol(sym);
      }
    }
    // Bodies of private members are not part of the public surface.
    if (ts.isPropertyDeclaration(node) || ts.isMethodDeclaration(node) || ts.isGetAccessor(node)) {
      const mods = ts.getCombinedModifierFlags(node as ts.Declaration);
      if (mods & ts.ModifierFlags.Private || (node.name && ts.isPrivateIdentifier(node.name))) return;
    }
    ts.forEachChild(node, visitNode);
  };
  for (const sym of exported) visitSymbol(sym);
  return [...missing.values()].sort();
}

test('every type the public API names is exported from hark-voice', () => {
  // HarkPipeline's members (link, asr, registry, dispatcher) are the assembled parts for embedding; their
  // own APIs are not promised, so the walk does not go into them.
  const missing = unexportedPublicTypes(join(DIST, 'host/index.d.ts'), new Set(['HarkPipeline']));
  // Type-level machinery behind ParamsOf<'…$x:Type…'>: nobody names these, they only compute a type.
  const machinery = [
    'Dashed',
    'Digit',
    'Flatten',
    'IsIdentChar',
    'ParamsOfRaw',
    'SkipArg',
    'TakeIdent',
    'ValueOf',
  ];
  const named = missing.filter((m) => !machinery.includes(m.split(' ')[0]!));
  assert.deepEqual(named, [], `public types not exported from host/index.ts:\n${named.join('\n')}`);
  assert.ok(missing.length >= machinery.length - 1, 'the walk reaches the ParamsOf machinery (it works)');
});

test('the check names a type that an export uses but does not export', () => {
  const dir = mkdtempSync(join(DIST, 'public-types-fixture-'));
  try {
    writeFileSync(
      join(dir, 'inner.d.ts'),
      'export interface Hidden { x: number }\nexport interface Shown { h: Hidden }\n',
    );
    writeFileSync(
      join(dir, 'index.d.ts'),
      "import type { Shown } from './inner.js';\nexport declare function f(): Shown;\n",
    );
    assert.deepEqual(
      unexportedPublicTypes(join(dir, 'index.d.ts')).map((m) => m.split(' ')[0]),
      ['Hidden', 'Shown'],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
