/**
 * A multi-value register (CouchDB / Dynamo style): the versions of one value
 * that no other version has seen, each with its version vector. A write that
 * has seen every sibling replaces them; concurrent writes are all kept until
 * someone resolves them with a write that has seen them all.
 */
import { compare, mergeVV, type VersionVector } from './versionVector';

export interface Version<T> {
  value: T;
  vv: VersionVector;
  /** Who wrote it (for the view). */
  by: string;
}

export type Siblings<T> = readonly Version<T>[];

export type Received = 'new' | 'replaces' | 'concurrent' | 'stale' | 'duplicate';

/**
 * Adds a version to a register. Returns the new siblings and what happened:
 * `replaces` it saw every sibling, `concurrent` kept beside others, `stale`
 * an existing sibling has already seen it, `duplicate` it is already here.
 */
export function receive<T>(sibs: Siblings<T>, v: Version<T>): { siblings: Siblings<T>; result: Received } {
  if (sibs.length === 0) return { siblings: [v], result: 'new' };
  const orders = sibs.map((s) => compare(v.vv, s.vv));
  if (orders.includes('equal')) return { siblings: sibs, result: 'duplicate' };
  if (orders.includes('before')) return { siblings: sibs, result: 'stale' };
  const kept = sibs.filter((_, i) => orders[i] === 'concurrent');
  return { siblings: sortSiblings([...kept, v]), result: kept.length ? 'concurrent' : 'replaces' };
}

/** The vector a resolving write starts from: it has seen every sibling. */
export function joinVV<T>(sibs: Siblings<T>): VersionVector {
  return sibs.reduce<VersionVector>((acc, s) => mergeVV(acc, s.vv), {});
}

/** A stable order (by writer) so every replica lists siblings the same way. */
function sortSiblings<T>(sibs: Version<T>[]): Version<T>[] {
  return sibs.sort((a, b) => (a.by < b.by ? -1 : a.by > b.by ? 1 : 0));
}
