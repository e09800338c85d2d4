/**
 * Version vectors (§5, Strategy 2): one counter per leader, bumped on each
 * write there. Comparing two vectors tells whether one write saw the other
 * (before / after), both are the same version (equal), or neither saw the
 * other (concurrent): a true conflict.
 */
export type VersionVector = Readonly<Record<string, number>>;

/** How `a` relates to `b`: `before` means a happened before b (b has seen a). */
export type Order = 'before' | 'after' | 'equal' | 'concurrent';

export const EMPTY_VV: VersionVector = {};

export function increment(v: VersionVector, node: string): VersionVector {
  return { ...v, [node]: (v[node] ?? 0) + 1 };
}

/** Pointwise maximum: the vector of someone who has seen both. */
export function mergeVV(a: VersionVector, b: VersionVector): VersionVector {
  const out: Record<string, number> = { ...a };
  for (const [n, c] of Object.entries(b)) out[n] = Math.max(out[n] ?? 0, c);
  return out;
}

export function compare(a: VersionVector, b: VersionVector): Order {
  let aAhead = false;
  let bAhead = false;
  for (const n of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[n] ?? 0;
    const y = b[n] ?? 0;
    if (x > y) aAhead = true;
    if (y > x) bAhead = true;
  }
  if (aAhead && bAhead) return 'concurrent';
  if (aAhead) return 'after';
  if (bAhead) return 'before';
  return 'equal';
}

/** True when `a` has seen everything `b` has (after or equal). */
export function dominates(a: VersionVector, b: VersionVector): boolean {
  const o = compare(a, b);
  return o === 'after' || o === 'equal';
}

/** "[A:1, B:0]", in the chapter's notation, listing every node given (zeros too). */
export function formatVV(v: VersionVector, nodes: readonly string[]): string {
  return `[${nodes.map((n) => `${n}:${v[n] ?? 0}`).join(', ')}]`;
}
