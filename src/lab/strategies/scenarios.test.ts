/**
 * Every strategy scenario, run to the end: the chapter's numbers (the same
 * ones e2e/strategies.spec.ts reads off the page), the effect of each
 * teacher's control, and determinism.
 */
import { describe, expect, it } from 'vitest';
import { allScenarios } from '../scenarios/registry';
import { findStrategyScenario, STRATEGY_SCENARIOS } from '../scenarios/strategyScenarios';
import { replayStrategy, type HistoryEntry, type Params } from './model';
import { TopologyModel } from './topologyScenario';

function finish(id: string, params: Params = {}, history: HistoryEntry[] = [{ type: 'end' }]) {
  const s = findStrategyScenario(id)!;
  const run = replayStrategy(s, params, history);
  expect(run.done).toBe(true);
  const out = Object.fromEntries(run.model.outcomes().map((o) => [o.label, o.value]));
  return { run, out, verdict: run.model.verdict() ?? '' };
}

describe('strategy scenarios', () => {
  it('are named as in the issue, and no id clashes with an OT-vs-CRDT scenario', () => {
    expect(STRATEGY_SCENARIOS.map((s) => s.id)).toEqual([
      'title-lww',
      'title-version-vectors',
      'title-crdt',
      'title-app-merge',
      'counter',
      'set',
      'cart',
      'topology-mesh',
      'topology-star',
      'topology-ring',
      'multi-dc',
    ]);
    const ot = new Set(allScenarios().map((s) => s.id));
    for (const s of STRATEGY_SCENARIOS) expect(ot.has(s.id)).toBe(false);
  });

  it('every scenario reaches an outcome per label, deterministically', () => {
    for (const s of STRATEGY_SCENARIOS) {
      const a = replayStrategy(s, {}, [{ type: 'end' }]);
      const b = replayStrategy(s, {}, [{ type: 'end' }]);
      expect(a.model.outcomes().map((o) => o.label)).toEqual(a.model.outcomeLabels());
      expect(a.model.outcomes()).toEqual(b.model.outcomes());
      expect(a.model.panes.map((p) => p.sim.log)).toEqual(b.model.panes.map((p) => p.sim.log));
    }
  });

  it('title-lww: "Annual Report" without skew; the earlier write wins with London 1.5 s fast', () => {
    expect(finish('title-lww').out).toEqual({ London: 'Annual Report', 'New York': 'Annual Report' });
    const skewed = finish('title-lww', { skewA: 1500 });
    expect(skewed.out).toEqual({ London: 'Q1 Report', 'New York': 'Q1 Report' });
    expect(skewed.verdict).toContain('EARLIER write won');
    // New York's clock 1.25 s slow does the same.
    expect(finish('title-lww', { skewB: -1250 }).out.London).toBe('Q1 Report');
  });

  it('title-version-vectors: both siblings; a pick resolves everywhere; a causal write replaces', () => {
    expect(finish('title-version-vectors').out).toEqual({ London: 'Q1 Report | Annual Report', 'New York': 'Q1 Report | Annual Report' });
    const picked = finish('title-version-vectors', {}, [{ type: 'end' }, { type: 'act', id: 'pick:Q1 Annual Report' }, { type: 'end' }]);
    expect(picked.out).toEqual({ London: 'Q1 Annual Report', 'New York': 'Q1 Annual Report' });
    const causal = finish('title-version-vectors', { bob: 'causal' });
    expect(causal.out).toEqual({ London: 'Annual Report', 'New York': 'Annual Report' });
    expect(causal.run.model.panes[0].trace.some((t) => t.kind === 'conflict')).toBe(false);
  });

  it('title-crdt: a character-level merge of both renames in real Y.Texts', () => {
    expect(finish('title-crdt').out).toEqual({ London: 'Q1Annual Report', 'New York': 'Q1Annual Report' });
  });

  it('title-app-merge: "Q1 Report / Annual Report" on both leaders', () => {
    const { out, run } = finish('title-app-merge');
    expect(out).toEqual({ London: 'Q1 Report / Annual Report', 'New York': 'Q1 Report / Annual Report' });
    const extra = run.model.extra();
    expect(extra?.kind === 'markers' && extra.text).toContain('<<<<<<< Alice');
  });

  it('counter: naive 6, G-Counter 7; PN-Counter with a decrement: naive 5, PN 6', () => {
    expect(finish('counter').out).toEqual({ 'naive integer': '6', 'G-Counter': '7' });
    expect(finish('counter', { variant: 'pn' }).out).toEqual({ 'naive integer': '5', 'PN-Counter': '6' });
  });

  it('set: {apple, banana, cherry}; a local remove is undone by the next merge', () => {
    expect(finish('set').out).toEqual({ set1: 'apple, banana, cherry', set2: 'apple, banana, cherry' });
    const rm = finish('set', { remove: 'on' });
    expect(rm.out).toEqual({ set1: 'apple, banana, cherry', set2: 'apple, banana, cherry' });
    expect(rm.verdict).toContain('did not stick');
  });

  it('cart: the naive list diverges, the 2P-Set loses the re-added laptop, the OR-Set keeps laptop and mouse', () => {
    expect(finish('cart').out).toEqual({ 'naive list': 'diverged', '2P-Set': 'mouse', 'OR-Set': 'laptop, mouse' });
  });

  it('topology-mesh: the update overtakes the insert at the last leader; causal delivery fixes it', () => {
    const plain = finish('topology-mesh');
    expect(plain.out['Leader D']).toBe('w2 w1');
    expect(plain.verdict).toContain('overtook');
    const causal = finish('topology-mesh', { causal: 'on' });
    for (const n of ['A', 'B', 'C', 'D']) expect(causal.out[`Leader ${n}`]).toBe('w1 w2');
  });

  it('topology-mesh survives a failed leader; the ring and the star (hub) do not', () => {
    const fail = (id: string, node: string) => finish(id, {}, [{ type: 'act', id: `fail:${node}` }, { type: 'end' }]);
    const mesh = fail('topology-mesh', 'A');
    expect(mesh.out['Leader D']).toBe('w2 w1');
    expect(mesh.out['Leader C']).toBe('w1 w2');
    const ring = fail('topology-ring', 'C');
    expect(ring.out).toEqual({ 'Leader A': 'none', 'Leader B': 'w1', 'Leader C': 'none', 'Leader D': 'none' });
    expect(ring.verdict).toContain('stops the ring');
    const star = fail('topology-star', 'A');
    expect(star.out).toEqual({ 'Leader A': 'none', 'Leader B': 'w1', 'Leader C': 'none', 'Leader D': 'none' });
    expect(star.verdict).toContain('single point of failure');
  });

  it('topologies: n−1 messages per write; propagation 1 hop (mesh), 2 (star), n−1 (ring)', () => {
    for (const [shape, hops] of [
      ['mesh', 1],
      ['star', 2],
      ['ring', 4],
    ] as const) {
      const m = new TopologyModel({ shape, n: 5, baseDelayMs: 40, slowDelayMs: 40, causal: false, script: 'none' });
      m.act('write:B');
      const run = replayStrategy({ ...findStrategyScenario('topology-mesh')!, build: () => m }, {}, [{ type: 'end' }]);
      const [w] = (run.model as TopologyModel).stats();
      expect(w.messages).toBe(4);
      expect(w.propagationMs).toBe(40 * hops);
    }
  });

  it('multi-dc: single-leader latencies 10 / 110 / 190 ms, multi-leader 10 ms each', () => {
    const { out } = finish('multi-dc');
    expect(out).toEqual({
      'single-leader · US user': '10',
      'single-leader · EU user': '110',
      'single-leader · Asia user': '190',
      'multi-leader · US user': '10',
      'multi-leader · EU user': '10',
      'multi-leader · Asia user': '10',
    });
  });
});
