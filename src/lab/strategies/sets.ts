/**
 * Set CRDTs (§5, Strategy 3; §8's shopping cart). States are canonical
 * (sorted, without duplicates) so two equal states are deeply equal.
 *
 * - G-Set: add only; merge is union. It cannot remove: a removed element
 *   comes back with the next merge.
 * - 2P-Set: a G-Set of adds and a G-Set of removes (tombstones). Remove wins
 *   for ever: once removed, an element can never be added again.
 * - OR-Set (observed-remove, add wins): each add gets a unique tag; a remove
 *   tombstones only the tags it has seen, so a concurrent (unseen) add survives.
 */
export type GSet = readonly string[];

export interface TwoPSet {
  readonly added: GSet;
  readonly removed: GSet;
}

/** One add: the element and its unique tag ("phone:1"). */
export type OrTag = readonly [element: string, tag: string];

export interface ORSet {
  readonly adds: readonly OrTag[];
  /** Tags whose add has been removed. */
  readonly tombstones: readonly string[];
}

export const GSET_EMPTY: GSet = [];
export const TWOP_EMPTY: TwoPSet = { added: [], removed: [] };
export const ORSET_EMPTY: ORSet = { adds: [], tombstones: [] };

const canon = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

export function gsetAdd(s: GSet, x: string): GSet {
  return canon([...s, x]);
}

export function gsetMerge(a: GSet, b: GSet): GSet {
  return canon([...a, ...b]);
}

export function twoPAdd(s: TwoPSet, x: string): TwoPSet {
  return { added: gsetAdd(s.added, x), removed: s.removed };
}

/** Removes x if it is present; returns the set unchanged otherwise. */
export function twoPRemove(s: TwoPSet, x: string): TwoPSet {
  if (!twoPValue(s).includes(x)) return s;
  return { added: s.added, removed: gsetAdd(s.removed, x) };
}

export function twoPValue(s: TwoPSet): string[] {
  return s.added.filter((x) => !s.removed.includes(x));
}

export function twoPMerge(a: TwoPSet, b: TwoPSet): TwoPSet {
  return { added: gsetMerge(a.added, b.added), removed: gsetMerge(a.removed, b.removed) };
}

/** Adds x with a fresh tag; the caller makes tags unique (node id + counter). */
export function orAdd(s: ORSet, x: string, tag: string): ORSet {
  return { adds: canonTags([...s.adds, [x, tag]]), tombstones: s.tombstones };
}

/** Removes x as observed here: tombstones every live tag of x this replica has. */
export function orRemove(s: ORSet, x: string): ORSet {
  const seen = s.adds.filter(([e, t]) => e === x && !s.tombstones.includes(t)).map(([, t]) => t);
  return { adds: s.adds, tombstones: canon([...s.tombstones, ...seen]) };
}

export function orValue(s: ORSet): string[] {
  return canon(s.adds.filter(([, t]) => !s.tombstones.includes(t)).map(([e]) => e));
}

/** Live tags of x (what a remove here would tombstone). */
export function orLiveTags(s: ORSet, x: string): string[] {
  return s.adds.filter(([e, t]) => e === x && !s.tombstones.includes(t)).map(([, t]) => t);
}

export function orMerge(a: ORSet, b: ORSet): ORSet {
  return { adds: canonTags([...a.adds, ...b.adds]), tombstones: canon([...a.tombstones, ...b.tombstones]) };
}

function canonTags(tags: readonly OrTag[]): OrTag[] {
  const byKey = new Map(tags.map((t) => [`${t[1]}\u0000${t[0]}`, t] as const));
  return [...byKey.keys()].sort().map((k) => byKey.get(k)!);
}

/** "{apple, banana}" */
export function formatSet(xs: readonly string[]): string {
  return `{${xs.join(', ')}}`;
}
