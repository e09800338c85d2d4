/**
 * Rule LWW-1: whatever the clock skews and whatever the delivery order
 * (duplicates included), every replica keeps the same winner: the write with
 * the largest (skewed timestamp, node id).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatClock, lwwBeats, lwwMerge, type LwwRegister } from './lww';

const NODES = ['A', 'B', 'C'];

describe('last write wins', () => {
  it('LWW-1: the same winner on every replica for any skew and delivery order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -5000, max: 5000 }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.record({ node: fc.nat(2), at: fc.nat(3000) }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 50 }),
        (skews, writes, shuffle) => {
          const regs: LwwRegister<string>[] = writes.map((w, i) => ({ value: `w${i}`, ts: w.at + skews[w.node], node: NODES[w.node], seq: i }));
          const expected = regs.reduce((a, b) => (lwwBeats(b, a) ? b : a));
          for (let r = 0; r < NODES.length; r++) {
            // Each replica receives every write, in its own order, some twice.
            const order = regs.map((_, i) => i).sort((x, y) => (shuffle[(x + r * 7) % shuffle.length] % 97) - (shuffle[(y + r * 7) % shuffle.length] % 97) || x - y);
            const deliveries = [...order, ...order.filter((i) => shuffle[(i + r) % shuffle.length] % 2)];
            const final = deliveries.map((i) => regs[i]).reduce(lwwMerge);
            expect(final).toEqual(expected);
          }
        },
      ),
      // Pinned: two writes of one leader with one clock reading (fixed by `seq`).
      { examples: [[[0, 0, 0], [{ node: 1, at: 2990 }, { node: 1, at: 2990 }], [0, 1]]] },
    );
  });

  it("the chapter's case: 10:00:01 beats 10:00:00, unless London's clock is over a second fast", () => {
    const alice = (skew: number): LwwRegister<string> => ({ value: 'Q1 Report', ts: 0 + skew, node: 'London', seq: 1 });
    const bob: LwwRegister<string> = { value: 'Annual Report', ts: 1000, node: 'New York', seq: 1 };
    expect(lwwMerge(alice(0), bob).value).toBe('Annual Report');
    expect(lwwMerge(alice(1500), bob).value).toBe('Q1 Report');
    // Exact tie: the node id decides, the same way everywhere.
    expect(lwwMerge(alice(1000), bob)).toEqual(lwwMerge(bob, alice(1000)));
    expect(formatClock(1000)).toBe('10:00:01.000');
    expect(formatClock(-250)).toBe('09:59:59.750');
  });
});
