/**
 * CRDT convergence on the same random scripts as the OT property: after all
 * messages are delivered, every replica (and the relay) has the same text and
 * the same state vector. FC_SEED replays a failure.
 */
import fc from 'fast-check';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { arbScript, runRandomly, scenarioFor } from '../testing/randomScripts';
import { CrdtSide } from './crdtSide';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;

describe('CRDT side', () => {
  it('all replicas and the relay end equal: same text, same state vector', () => {
    fc.assert(
      fc.property(arbScript, fc.boolean(), ({ clients, initialText, steps, flush }, flipped) => {
        const side = new CrdtSide(scenarioFor(clients, initialText), { seed: 1, flipped });
        runRandomly(side, { clients, steps, flush });
        const relaySv = Y.encodeStateVector(side.relay.doc);
        for (const [, replica] of side.replicas) {
          expect(replica.toString()).toBe(side.relay.toString());
          expect(Y.encodeStateVector(replica.doc)).toEqual(relaySv);
        }
      }),
      { numRuns: 300, seed },
    );
  });

  it('uses the fixed clientIDs, and flipping reverses them', () => {
    const s = scenarioFor(3, '');
    expect([...new CrdtSide(s, { seed: 1, flipped: false }).ids.values()]).toEqual([1, 2, 3]);
    expect([...new CrdtSide(s, { seed: 1, flipped: true }).ids.values()]).toEqual([3, 2, 1]);
  });
});
