/**
 * Last write wins (§5, Strategy 1). Each write carries the timestamp of the
 * leader's own clock; the larger (timestamp, node) pair wins everywhere. The
 * node id (then the leader's write counter) only breaks exact ties, so the rule is deterministic: every replica
 * keeps the same winner whatever order writes arrive in. It is also lossy:
 * the other write is silently dropped, and a fast clock wins against a later
 * write on a correct one.
 */
export interface LwwRegister<T> {
  value: T;
  /** The writing leader's clock reading, in ms (skew included). */
  ts: number;
  node: string;
  /**
   * The leader's own write counter. Two writes of one leader can carry the
   * same clock reading; without this the winner would depend on arrival
   * order (found by LWW-1, see lww.test.ts).
   */
  seq: number;
}

/** True when `a` beats `b` under last-write-wins. */
export function lwwBeats<T>(a: LwwRegister<T>, b: LwwRegister<T>): boolean {
  if (a.ts !== b.ts) return a.ts > b.ts;
  if (a.node !== b.node) return a.node > b.node;
  return a.seq > b.seq;
}

/** The register after seeing both writes. Commutative, associative, idempotent. */
export function lwwMerge<T>(a: LwwRegister<T>, b: LwwRegister<T>): LwwRegister<T> {
  return lwwBeats(b, a) ? b : a;
}

/** "10:00:01.000" for a clock reading in ms after 10:00:00 (negative goes back). */
export function formatClock(ms: number, base = { h: 10, m: 0, s: 0 }): string {
  const total = ((base.h * 60 + base.m) * 60 + base.s) * 1000 + Math.round(ms);
  const day = 24 * 3600 * 1000;
  const t = ((total % day) + day) % day;
  const h = Math.floor(t / 3_600_000);
  const m = Math.floor((t / 60_000) % 60);
  const s = Math.floor((t / 1000) % 60);
  const msPart = t % 1000;
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(h)}:${p(m)}:${p(s)}.${p(msPart, 3)}`;
}
