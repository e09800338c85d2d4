/**
 * Rule VV-1: comparing two events' version vectors gives the same answer
 * (before / after / equal / concurrent) as comparing their causal histories,
 * the sets of events each one could have seen, built by brute force.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compare, formatVV, increment, mergeVV, type Order, type VersionVector } from './versionVector';
import { receive, type Siblings } from './siblings';

const NODES = ['A', 'B', 'C', 'D'];

/** A random execution: local writes, and messages carrying a node's whole history. */
const stepArb = fc.oneof(
  fc.record({ t: fc.constant('write' as const), node: fc.nat(3) }),
  fc.record({ t: fc.constant('sync' as const), from: fc.nat(3), to: fc.nat(3) }),
);

function historyOrder(a: ReadonlySet<string>, b: ReadonlySet<string>): Order {
  const aInB = [...a].every((e) => b.has(e));
  const bInA = [...b].every((e) => a.has(e));
  if (aInB && bInA) return 'equal';
  if (aInB) return 'before';
  if (bInA) return 'after';
  return 'concurrent';
}

describe('version vectors', () => {
  it('VV-1: compare agrees with a brute-force causal-history model', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 40 }), (steps) => {
        const vv = NODES.map((): VersionVector => ({}));
        const hist = NODES.map(() => new Set<string>());
        const snapshots: { vv: VersionVector; hist: Set<string> }[] = [];
        let id = 0;
        for (const s of steps) {
          if (s.t === 'write') {
            vv[s.node] = increment(vv[s.node], NODES[s.node]);
            hist[s.node].add(`e${id++}`);
          } else {
            vv[s.to] = mergeVV(vv[s.to], vv[s.from]);
            for (const e of hist[s.from]) hist[s.to].add(e);
          }
          snapshots.push({ vv: vv[s.t === 'write' ? s.node : s.to], hist: new Set(hist[s.t === 'write' ? s.node : s.to]) });
        }
        for (const x of snapshots) for (const y of snapshots) expect(compare(x.vv, y.vv)).toBe(historyOrder(x.hist, y.hist));
      }),
    );
  });

  it("the chapter's vectors: [A:1,B:0] vs [A:0,B:1] are concurrent", () => {
    const alice = increment({}, 'A');
    const bob = increment({}, 'B');
    expect(formatVV(alice, ['A', 'B'])).toBe('[A:1, B:0]');
    expect(compare(alice, bob)).toBe('concurrent');
    expect(compare(alice, increment(alice, 'B'))).toBe('before');
    expect(compare(mergeVV(alice, bob), bob)).toBe('after');
  });

  it('siblings: concurrent writes are both kept, a write that saw them replaces them, in any arrival order', () => {
    const q1 = { value: 'Q1 Report', vv: { A: 1 }, by: 'Alice' };
    const annual = { value: 'Annual Report', vv: { B: 1 }, by: 'Bob' };
    const fix = { value: 'Q1 Annual Report', vv: { A: 2, B: 1 }, by: 'Alice' };
    const orders = [
      [q1, annual, fix],
      [annual, q1, fix],
      [fix, q1, annual],
      [annual, fix, q1, q1],
    ];
    for (const order of orders) {
      let s: Siblings<string> = [];
      for (const v of order) s = receive(s, v).siblings;
      expect(s.map((v) => v.value)).toEqual(['Q1 Annual Report']);
    }
    const both = receive(receive([], q1).siblings, annual);
    expect(both.result).toBe('concurrent');
    expect(both.siblings.map((v) => v.value)).toEqual(['Q1 Report', 'Annual Report']);
  });
});
