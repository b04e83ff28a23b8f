/**
 * Reads the parameter names a handler destructures from its first argument
 * (`async ({ duration, label }, ctx) => ...`), so the start-up health check can tell a JavaScript
 * author that `$duraton` in the pattern and `duration` in the handler disagree. Best effort: returns
 * undefined when the first parameter is not a plain object pattern.
 */
export function destructuredParamNames(fn: (...args: never[]) => unknown): string[] | undefined {
  const src = Function.prototype.toString.call(fn);
  const m = /^\s*(?:async\s*)?(?:function\s*\*?\s*[\w$]*\s*)?\(\s*\{([^{}()]*)\}/.exec(src);
  if (!m) return undefined;
  const names: string[] = [];
  for (const part of m[1]!.split(',')) {
    const t = part.trim();
    if (t === '') continue;
    if (t.startsWith('...')) return undefined; // a rest element takes anything
    const name = /^([A-Za-z_$][\w$]*)/.exec(t)?.[1];
    if (!name) return undefined;
    names.push(name);
  }
  return names;
}
