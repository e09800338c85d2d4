/**
 * The multi-DC scenario's quorum variant: acking after 1 vs 2 datacenters
 * (Concord's REPLICATION_ACKS), and what losing the EU datacenter costs in each.
 */
import { describe, expect, it } from 'vitest';
import { replayStrategy, type Params } from './model';
import { multiDc } from './multiDc';

function finish(params: Params) {
  const run = replayStrategy(multiDc, params, [{ type: 'end' }]);
  const out = Object.fromEntries(run.model.outcomes().map((o) => [o.label, o.value]));
  return { run, out, verdict: run.model.verdict() ?? '' };
}

describe('multi-dc: ack after 1 vs 2 datacenters', () => {
  it('the default comparison is unchanged: single vs multi-leader, no failure', () => {
    expect(finish({}).out).toEqual({
      'single-leader · US user': '10',
      'single-leader · EU user': '110',
      'single-leader · Asia user': '190',
      'multi-leader · US user': '10',
      'multi-leader · EU user': '10',
      'multi-leader · Asia user': '10',
    });
  });

  it('acking after 2 costs every user the round trip to the nearest other datacenter; nothing fails, nothing is lost', () => {
    const { out, verdict } = finish({ compare: 'quorum' });
    expect(out).toEqual({
      'ack after 1 DC · US user': '10',
      'ack after 1 DC · EU user': '10',
      'ack after 1 DC · Asia user': '10',
      'ack after 2 DCs · US user': '110', // 5 + 50 to EU + 50 back + 5
      'ack after 2 DCs · EU user': '110',
      'ack after 2 DCs · Asia user': '190', // its nearest other DC is the US, 90 ms away
      'ack after 1 DC · acked writes lost': '0',
      'ack after 2 DCs · acked writes lost': '0',
    });
    expect(verdict).toContain('round trip to the nearest other datacenter');
  });

  it('EU lost at 30 ms: after 1 DC, EU’s acknowledged write is lost; after 2, nothing acknowledged is lost, and the US ack waits for Asia', () => {
    const { out, verdict, run } = finish({ compare: 'quorum', failure: 'EU', failAt: 30 });
    expect(out).toMatchObject({
      'ack after 1 DC · EU user': '10', // acked at once…
      'ack after 1 DC · acked writes lost': '1', // …and gone with the datacenter
      'ack after 2 DCs · EU user': 'none', // never acked: the tab still has it
      'ack after 2 DCs · US user': '190', // EU, its nearest copy, died: Asia's confirmation it is
      'ack after 2 DCs · acked writes lost': '0',
    });
    expect(verdict).toContain('EU\'s write was acknowledged and is lost');
    expect(verdict).toContain('nothing acknowledged is lost');
    expect(run.model.replicas().map((card) => card.rows[0].value)).toEqual(['EU', 'none']);
  });

  it('EU lost after its write reached the others (200 ms): nothing is lost either way', () => {
    const { out } = finish({ compare: 'quorum', failure: 'EU', failAt: 200 });
    expect(out['ack after 1 DC · acked writes lost']).toBe('0');
    expect(out['ack after 2 DCs · acked writes lost']).toBe('0');
  });

  it('the single leader in the US is not hurt by losing EU; multi-leader acking after 1 DC is', () => {
    const { out } = finish({ failure: 'EU', failAt: 30 });
    expect(out['single-leader · acked writes lost']).toBe('0');
    expect(out['multi-leader · acked writes lost']).toBe('1');
  });
});
