/** The syntax tree of a command pattern (see host/commands/README.md for the language). */
export type PatternNode =
  | { kind: 'word'; word: string }
  | { kind: 'seq'; items: PatternNode[] }
  | { kind: 'alt'; options: PatternNode[] }
  | { kind: 'opt'; node: PatternNode }
  | { kind: 'repeat'; node: PatternNode }
  /** `*` one word, `**` one or more words. */
  | { kind: 'wildcard'; many: boolean }
  | { kind: 'param'; name: string; type: string; arg: string | undefined; optional: boolean };

/** A parameter as declared in a pattern. */
export interface ParamDecl {
  name: string;
  type: string;
  arg: string | undefined;
  /** Declared with a trailing `?`: may be missing from a match. */
  optional: boolean;
  /** Sits inside an optional group or only some alternatives, so a match may lack it. */
  conditional: boolean;
}

/** Lists a pattern's parameters; `conditional` marks those a match may lack. */
export function collectParams(node: PatternNode): ParamDecl[] {
  const out: ParamDecl[] = [];
  const walk = (n: PatternNode, conditional: boolean) => {
    switch (n.kind) {
      case 'param':
        out.push({ name: n.name, type: n.type, arg: n.arg, optional: n.optional, conditional });
        break;
      case 'seq':
        for (const i of n.items) walk(i, conditional);
        break;
      case 'alt': {
        // Listed once per group; conditional unless every alternative declares it.
        const per = n.options.map((o) => collectParams(o));
        const byName = new Map<string, ParamDecl>();
        for (const list of per) for (const p of list) if (!byName.has(p.name)) byName.set(p.name, p);
        for (const p of byName.values()) {
          const everywhere = per.every((list) => list.some((q) => q.name === p.name && !q.conditional));
          out.push({ ...p, conditional: conditional || !everywhere });
        }
        break;
      }
      case 'opt':
        walk(n.node, true);
        break;
      case 'repeat':
        walk(n.node, conditional);
        break;
      default:
        break;
    }
  };
  walk(node, false);
  return out;
}
