/**
 * Replication topologies (§6): n leaders and one replication protocol, routed
 * three ways. A write is sent
 * - mesh: by its origin straight to every other leader;
 * - star: by a leaf to the hub (A), which forwards it to every other leaf;
 * - ring: to the next leader, each forwarding it on until it comes round.
 *
 * With causal delivery on, each write carries a version vector of what its
 * origin had applied, and a leader holds back a write until it has applied
 * everything that one depends on. Without it, a leader applies what arrives,
 * and notes when a write overtook one it depends on.
 *
 * This is the model only: the messages travel through whatever `Link` it is
 * given, and it reports what happens through `TopologyEvents`.
 * topologyScenario.ts plays it on the lab's simulator and narrates it.
 */
import type { VersionVector } from './versionVector';
import type { LinkSpec } from '../sim/types';

export type Shape = 'mesh' | 'star' | 'ring';

/** Leader ids, in order; a network has the first 3 to 6. */
export const LEADER_IDS = ['A', 'B', 'C', 'D', 'E', 'F'];
/** The star's hub. */
export const HUB = 'A';

export interface Write {
  id: string;
  origin: string;
  label: string;
  at: number;
  /** The origin's applied-writes vector including this write. */
  vv: VersionVector;
}

export interface Leader {
  /** Write ids in the order they were applied. */
  applied: string[];
  /** How many writes of each origin this leader has applied. */
  counts: Record<string, number>;
  seen: Set<string>;
  /** Writes received but held back (causal delivery) until their causes are applied. */
  held: Write[];
  /** "w2 before w1": writes applied before a write they depend on. */
  anomalies: string[];
}

/** How writes travel between leaders. */
export interface Link {
  now(): number;
  send(from: string, to: string, write: Write): void;
}

/** What happens at each leader, in order. */
export interface TopologyEvents {
  /** `node` made write `w` (before applying and sending it). */
  created(node: string, w: Write): void;
  /** `node` passed on someone else's write `w` to `to`. */
  forwarded(node: string, w: Write, to: string[]): void;
  /** Causal delivery: `node` holds `w` back; it has applied only `counts`. */
  held(node: string, w: Write, counts: Readonly<Record<string, number>>): void;
  /**
   * `node` applied `w` (its own write too, right after `created`): `overtook`
   * is the write it depends on that `node` had not applied yet (the causality
   * anomaly), `released` says it had been held.
   */
  applied(node: string, w: Write, how: { released: boolean; overtook: Write | null }): void;
}

export class TopologyNetwork {
  readonly leaders = new Map<string, Leader>();
  readonly writes: Write[] = [];
  /** When each write reached each leader. */
  readonly arrived = new Map<string, Map<string, number>>();

  constructor(
    readonly shape: Shape,
    readonly nodes: string[],
    readonly causal: boolean,
    private readonly link: Link,
    private readonly events: TopologyEvents,
  ) {
    for (const id of nodes) this.leaders.set(id, { applied: [], counts: {}, seen: new Set(), held: [], anomalies: [] });
  }

  /** The leader after `id` in the ring. */
  next(id: string): string {
    return this.nodes[(this.nodes.indexOf(id) + 1) % this.nodes.length];
  }

  /** Where a leader sends a write it has just made or received (from `from`). */
  targets(node: string, w: Write, from?: string): string[] {
    switch (this.shape) {
      case 'mesh':
        return node === w.origin ? this.nodes.filter((x) => x !== node) : [];
      case 'star':
        if (node === HUB) return this.nodes.filter((x) => x !== HUB && x !== from && x !== w.origin);
        return node === w.origin ? [HUB] : [];
      case 'ring': {
        const nx = this.next(node);
        return nx === w.origin ? [] : [nx];
      }
    }
  }

  /** A new write at `node`: applied there at once, then sent on. */
  write(node: string, label: string): Write {
    const l = this.leaders.get(node)!;
    const id = `w${this.writes.length + 1}`;
    const vv = { ...l.counts, [node]: (l.counts[node] ?? 0) + 1 };
    const w: Write = { id, origin: node, label, at: this.link.now(), vv };
    this.writes.push(w);
    this.arrived.set(id, new Map([[node, this.link.now()]]));
    l.seen.add(id);
    this.events.created(node, w);
    this.apply(node, w);
    this.forward(node, w);
    return w;
  }

  /** Write `w` arrives at `node` from `from`: passed on, then applied or (causal delivery) held. */
  receive(node: string, from: string, w: Write): void {
    const l = this.leaders.get(node)!;
    if (l.seen.has(w.id)) return;
    l.seen.add(w.id);
    this.arrived.get(w.id)!.set(node, this.link.now());
    this.forward(node, w, from);
    if (this.causal && !this.ready(l, w)) {
      l.held.push(w);
      this.events.held(node, w, l.counts);
      return;
    }
    this.apply(node, w);
    // Applying one write may release others that waited for it.
    for (let again = true; again; ) {
      again = false;
      for (const h of [...l.held]) {
        if (this.ready(l, h)) {
          l.held.splice(l.held.indexOf(h), 1);
          this.apply(node, h, true);
          again = true;
        }
      }
    }
  }

  private forward(node: string, w: Write, from?: string) {
    const to = this.targets(node, w, from);
    for (const t of to) this.link.send(node, t, w);
    if (to.length && node !== w.origin) this.events.forwarded(node, w, to);
  }

  /** Causal delivery: everything w's origin had applied is applied here, and w is its origin's next write. */
  private ready(l: Leader, w: Write): boolean {
    return Object.entries(w.vv).every(([k, c]) => (k === w.origin ? (l.counts[k] ?? 0) === c - 1 : (l.counts[k] ?? 0) >= c));
  }

  private apply(node: string, w: Write, released = false) {
    const l = this.leaders.get(node)!;
    const missing = Object.entries(w.vv).filter(([k, c]) => (l.counts[k] ?? 0) < (k === w.origin ? c - 1 : c));
    l.applied.push(w.id);
    l.counts[w.origin] = (l.counts[w.origin] ?? 0) + 1;
    let overtook: Write | null = null;
    if (node !== w.origin && missing.length) {
      overtook = this.writes.find((x) => x.origin === missing[0][0] && x.vv[x.origin] === missing[0][1]) ?? this.writes[0];
      l.anomalies.push(`${w.id} before ${overtook.id}`);
    }
    this.events.applied(node, w, { released, overtook });
  }
}

/** The links of a shape: the mesh's link between B and the last leader has its own (slow) delay. */
export function linksOf(shape: Shape, nodes: string[], base: number, slow: number): LinkSpec[] {
  const links: LinkSpec[] = [];
  const last = nodes[nodes.length - 1];
  if (shape === 'mesh') {
    for (let i = 0; i < nodes.length; i++)
      for (let j = i + 1; j < nodes.length; j++) {
        const [a, b] = [nodes[i], nodes[j]];
        links.push({ a, b, delayMs: (a === 'B' && b === last) || (b === 'B' && a === last) ? slow : base });
      }
  } else if (shape === 'star') {
    for (const n of nodes) if (n !== HUB) links.push({ a: HUB, b: n, delayMs: base });
  } else {
    nodes.forEach((n, i) => links.push({ a: n, b: nodes[(i + 1) % nodes.length], delayMs: base }));
  }
  return links;
}
