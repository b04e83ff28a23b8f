/**
 * The numbered clauses of protocol/SPEC.md (`**2.3.1**` at the start of a list item or paragraph), so
 * tests can check that every clause cited by code (`hark conformance`, comments) exists.
 */

export interface SpecClause {
  /** "2.3.1" */
  id: string;
  /** The clause's text up to the next clause, flattened to one line. */
  text: string;
}

const CLAUSE = /^(?:- )?\*\*(\d+\.\d+\.\d+)\*\* (.*)$/;

/** Every clause of a SPEC text, in document order. */
export function specClauses(spec: string): SpecClause[] {
  const out: SpecClause[] = [];
  let current: SpecClause | undefined;
  for (const line of spec.split('\n')) {
    const m = CLAUSE.exec(line.trim());
    if (m) {
      current = { id: m[1]!, text: m[2]!.trim() };
      out.push(current);
    } else if (current && /^\s+\S/.test(line)) {
      current.text += ` ${line.trim()}`;
    } else {
      current = undefined;
    }
  }
  return out;
}

/** Compares clause ids numerically ("2.10.1" after "2.9.3"). */
export function compareClauseIds(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
