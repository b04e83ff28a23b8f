import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const read = (rel: string) => readFileSync(new URL(`../../${rel}`, import.meta.url), 'utf8');

/** The two fenced commands under "## Quick start", in order. */
function quickStartCommands(): string[] {
  const readme = read('README.md');
  const section = readme.split(/^## Quick start$/m)[1]?.split(/^## /m)[0] ?? '';
  return [...section.matchAll(/```sh\n([^\n]+)\n```/g)].map((m) => m[1]!);
}

test('README Quick start has exactly two commands: set up + demo, set up + test', () => {
  const cmds = quickStartCommands();
  assert.equal(cmds.length, 2, 'expected exactly two fenced sh commands in Quick start');
  // `npm run demo` builds first: a fresh clone has no dist/, and `npx hark` there would fetch npm's `hark`.
  assert.match(cmds[0]!, /npm ci .*&& npm run demo$/);
  assert.match(cmds[1]!, /npm ci .*&& npm test$/);
  const setup = (c: string) => c.slice(0, c.lastIndexOf('&&'));
  assert.equal(setup(cmds[0]!), setup(cmds[1]!), 'both commands install the same things');
});

test('.ci/run runs the README test command verbatim', () => {
  const ci = read('.ci/run');
  const lines = ci.split('\n').map((l) => l.trim());
  assert.ok(lines.includes(quickStartCommands()[1]!), '.ci/run does not contain the README test command');
});

test("README's command example loads and matches what it promises", async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const { CommandRegistry, loadCommandModule } = await import('../host/commands/index.js');
  const example = [...read('README.md').matchAll(/```js\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .find((block) => block.includes('my-commands.mjs'));
  assert.ok(example, 'README has a js command example');
  // Inside the package folder, so `import ... from 'hark'` resolves through package.json "exports".
  const dir = mkdtempSync(join(fileURLToPath(new URL('../../dist/', import.meta.url)), 'readme-example-'));
  try {
    const file = join(dir, 'my-commands.mjs');
    writeFileSync(file, example);
    const registry = new CommandRegistry();
    assert.equal(await loadCommandModule(registry, file), 2);
    assert.deepEqual(registry.match('turn the light off')?.params, { on: false });
    assert.deepEqual(registry.match('set a timer for five minutes')?.params, { duration: 300_000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
