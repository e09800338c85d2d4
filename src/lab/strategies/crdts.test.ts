/**
 * Rule CRDT-1: every merge is commutative, associative and idempotent.
 * Rule CRDT-2: replicas that exchange states in any order, with messages
 * duplicated and reordered, converge to the value the operations imply.
 * fast-check prints the seed and the shrunk counterexample on failure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { G_EMPTY, gIncrement, gMerge, gValue, PN_EMPTY, pnDecrement, pnIncrement, pnMerge, pnValue, type GCounter, type PNCounter } from './counters';
import {
  GSET_EMPTY,
  gsetAdd,
  gsetMerge,
  orAdd,
  orMerge,
  orRemove,
  orValue,
  ORSET_EMPTY,
  TWOP_EMPTY,
  twoPAdd,
  twoPMerge,
  twoPRemove,
  twoPValue,
  type GSet,
  type ORSet,
  type TwoPSet,
} from './sets';

const NODES = ['A', 'B', 'C'] as const;
const ELEMENTS = ['apple', 'banana', 'cherry', 'laptop'] as const;

/** One CRDT as the properties see it: an empty state, a random local op, a merge. */
interface Crdt<S> {
  name: string;
  empty: S;
  /** Applies op number `k` (drawn at random) at `node`; `uid` makes OR-Set tags unique. */
  op: (s: S, node: string, k: number, uid: number) => S;
  merge: (a: S, b: S) => S;
}

const opArb = fc.record({ node: fc.constantFrom(...NODES), k: fc.nat(99) });

const crdts: Crdt<unknown>[] = [
  { name: 'G-Counter', empty: G_EMPTY, op: (s, n, k) => gIncrement(s as GCounter, n, 1 + (k % 3)), merge: (a, b) => gMerge(a as GCounter, b as GCounter) },
  {
    name: 'PN-Counter',
    empty: PN_EMPTY,
    op: (s, n, k) => (k % 2 ? pnIncrement(s as PNCounter, n, 1 + (k % 3)) : pnDecrement(s as PNCounter, n, 1 + (k % 3))),
    merge: (a, b) => pnMerge(a as PNCounter, b as PNCounter),
  },
  { name: 'G-Set', empty: GSET_EMPTY, op: (s, _n, k) => gsetAdd(s as GSet, ELEMENTS[k % 4]), merge: (a, b) => gsetMerge(a as GSet, b as GSet) },
  {
    name: '2P-Set',
    empty: TWOP_EMPTY,
    op: (s, _n, k) => (k % 3 === 0 ? twoPRemove(s as TwoPSet, ELEMENTS[k % 4]) : twoPAdd(s as TwoPSet, ELEMENTS[k % 4])),
    merge: (a, b) => twoPMerge(a as TwoPSet, b as TwoPSet),
  },
  {
    name: 'OR-Set',
    empty: ORSET_EMPTY,
    op: (s, n, k, uid) => (k % 3 === 0 ? orRemove(s as ORSet, ELEMENTS[k % 4]) : orAdd(s as ORSet, ELEMENTS[k % 4], `${n}:${uid}`)),
    merge: (a, b) => orMerge(a as ORSet, b as ORSet),
  },
];

/** A reachable state: random ops at random nodes, with random merges of earlier states between them. */
function stateArb<S>(c: Crdt<S>) {
  return fc.array(fc.tuple(opArb, fc.boolean(), fc.nat()), { maxLength: 12 }).map((steps) => {
    const seen: S[] = [c.empty];
    let s = c.empty;
    steps.forEach(([o, mergeOld, pick], i) => {
      s = c.op(s, o.node, o.k, i);
      if (mergeOld) s = c.merge(s, seen[pick % seen.length]);
      seen.push(s);
    });
    return s;
  });
}

describe.each(crdts)('$name', (c) => {
  it('CRDT-1: merge is commutative', () => {
    fc.assert(fc.property(stateArb(c), stateArb(c), (a, b) => {
      expect(c.merge(a, b)).toEqual(c.merge(b, a));
    }));
  });

  it('CRDT-1: merge is associative', () => {
    fc.assert(
      fc.property(stateArb(c), stateArb(c), stateArb(c), (a, b, d) => {
        expect(c.merge(c.merge(a, b), d)).toEqual(c.merge(a, c.merge(b, d)));
      }),
    );
  });

  it('CRDT-1: merge is idempotent', () => {
    fc.assert(fc.property(stateArb(c), stateArb(c), (a, b) => {
      expect(c.merge(a, a)).toEqual(a);
      // Receiving the same state twice changes nothing the second time.
      expect(c.merge(c.merge(a, b), b)).toEqual(c.merge(a, b));
    }));
  });

  it('CRDT-2: replicas converge under reordered and duplicated delivery', () => {
    // A script interleaves local ops, sends of a state snapshot to a random
    // replica, and deliveries of a random message from the bag (kept in the
    // bag half the time, so it can arrive again, late).
    const stepArb = fc.oneof(
      fc.record({ t: fc.constant('op' as const), o: opArb }),
      fc.record({ t: fc.constant('send' as const), from: fc.constantFrom(...NODES), to: fc.constantFrom(...NODES) }),
      fc.record({ t: fc.constant('deliver' as const), pick: fc.nat(), keep: fc.boolean() }),
    );
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 40 }), fc.array(fc.nat(), { minLength: 1, maxLength: 30 }), (steps, finalOrder) => {
        const state = new Map<string, unknown>(NODES.map((n) => [n, c.empty]));
        const bag: { to: string; s: unknown }[] = [];
        steps.forEach((st, i) => {
          if (st.t === 'op') state.set(st.o.node, c.op(state.get(st.o.node), st.o.node, st.o.k, i));
          else if (st.t === 'send') bag.push({ to: st.to, s: state.get(st.from) });
          else if (bag.length) {
            const j = st.pick % bag.length;
            const m = bag[j];
            if (!st.keep) bag.splice(j, 1);
            state.set(m.to, c.merge(state.get(m.to), m.s));
          }
        });
        // Anti-entropy: everyone sends its final state to everyone; the bag
        // (old messages included) is delivered in a random order, some twice.
        for (const from of NODES) for (const to of NODES) bag.push({ to, s: state.get(from) });
        const order = bag.map((_, i) => i).sort((x, y) => finalOrder[x % finalOrder.length] - finalOrder[y % finalOrder.length] || x - y);
        for (const j of [...order, ...order.filter((_, i) => finalOrder[i % finalOrder.length] % 2)]) {
          state.set(bag[j].to, c.merge(state.get(bag[j].to), bag[j].s));
        }
        const finals = NODES.map((n) => state.get(n));
        for (const f of finals) expect(f).toEqual(finals[0]);
      }),
    );
  });
});

describe('what the values mean', () => {
  it('G-Counter: the value is the number of increments, wherever they happened', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...NODES), { maxLength: 30 }), (incs) => {
      const per = new Map<string, GCounter>(NODES.map((n) => [n, G_EMPTY]));
      for (const n of incs) per.set(n, gIncrement(per.get(n)!, n));
      const merged = NODES.map((n) => per.get(n)!).reduce(gMerge, G_EMPTY);
      expect(gValue(merged)).toBe(incs.length);
    }));
  });

  it('PN-Counter: the value is increments minus decrements', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom(...NODES), fc.boolean()), { maxLength: 30 }), (ops) => {
      const per = new Map<string, PNCounter>(NODES.map((n) => [n, PN_EMPTY]));
      for (const [n, up] of ops) per.set(n, up ? pnIncrement(per.get(n)!, n) : pnDecrement(per.get(n)!, n));
      const merged = NODES.map((n) => per.get(n)!).reduce(pnMerge, PN_EMPTY);
      expect(pnValue(merged)).toBe(ops.filter(([, up]) => up).length - ops.filter(([, up]) => !up).length);
    }));
  });

  it("the chapter's numbers: 5 + {A:1} ∪ {B:1} = 7; {apple, banana} ∪ {banana, cherry}", () => {
    expect(5 + gValue(gMerge(gIncrement(G_EMPTY, 'A'), gIncrement(G_EMPTY, 'B')))).toBe(7);
    const s1 = gsetAdd(gsetAdd(GSET_EMPTY, 'apple'), 'banana');
    const s2 = gsetAdd(gsetAdd(GSET_EMPTY, 'banana'), 'cherry');
    expect(gsetMerge(s1, s2)).toEqual(['apple', 'banana', 'cherry']);
  });

  it('2P-Set: a removed element can never come back; OR-Set: a concurrent re-add wins', () => {
    let two = twoPAdd(TWOP_EMPTY, 'laptop');
    two = twoPRemove(two, 'laptop');
    expect(twoPValue(twoPAdd(two, 'laptop'))).toEqual([]);

    const base = orAdd(ORSET_EMPTY, 'laptop', 'phone:1');
    const browser = orRemove(base, 'laptop');
    const phone = orAdd(orRemove(base, 'laptop'), 'laptop', 'phone:2');
    expect(orValue(orMerge(browser, phone))).toEqual(['laptop']);
    expect(orValue(orMerge(phone, browser))).toEqual(['laptop']);
  });
});
