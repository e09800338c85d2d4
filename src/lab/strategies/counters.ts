/**
 * Counter CRDTs (§5, Strategy 3). A G-Counter keeps one entry per replica,
 * each only ever incremented by its own replica; merge is the pointwise
 * maximum, and the value is the sum. A PN-Counter is two G-Counters, one for
 * increments and one for decrements. States are plain immutable objects.
 */
export type GCounter = Readonly<Record<string, number>>;

export interface PNCounter {
  readonly p: GCounter;
  readonly n: GCounter;
}

export const G_EMPTY: GCounter = {};
export const PN_EMPTY: PNCounter = { p: {}, n: {} };

export function gIncrement(c: GCounter, node: string, by = 1): GCounter {
  if (by < 0) throw new Error('a G-Counter only grows');
  return { ...c, [node]: (c[node] ?? 0) + by };
}

export function gValue(c: GCounter): number {
  return Object.values(c).reduce((s, x) => s + x, 0);
}

export function gMerge(a: GCounter, b: GCounter): GCounter {
  const out: Record<string, number> = { ...a };
  for (const [n, x] of Object.entries(b)) out[n] = Math.max(out[n] ?? 0, x);
  return sortKeys(out);
}

export function pnIncrement(c: PNCounter, node: string, by = 1): PNCounter {
  return { p: gIncrement(c.p, node, by), n: c.n };
}

export function pnDecrement(c: PNCounter, node: string, by = 1): PNCounter {
  return { p: c.p, n: gIncrement(c.n, node, by) };
}

export function pnValue(c: PNCounter): number {
  return gValue(c.p) - gValue(c.n);
}

export function pnMerge(a: PNCounter, b: PNCounter): PNCounter {
  return { p: gMerge(a.p, b.p), n: gMerge(a.n, b.n) };
}

/** "{A:1, B:1}" */
export function formatG(c: GCounter): string {
  return `{${Object.keys(c)
    .sort()
    .map((k) => `${k}:${c[k]}`)
    .join(', ')}}`;
}

function sortKeys(o: Record<string, number>): GCounter {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}
