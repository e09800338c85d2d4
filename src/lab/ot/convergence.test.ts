/**
 * OT convergence, checked on random concurrent edit scripts with random
 * delivery orders (FIFO per link, as the protocol assumes). fast-check prints
 * the seed and path of any failure; set FC_SEED to replay one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { otType } from './ops';
import { OtSide } from './otSide';
import { arbScript, runRandomly, scenarioFor } from '../testing/randomScripts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;

describe('OT side', () => {
  it('all clients and the server converge, to the server log applied in order', () => {
    fc.assert(
      fc.property(arbScript, fc.boolean(), ({ clients, initialText, steps, flush }, flipped) => {
        const side = new OtSide(scenarioFor(clients, initialText), { seed: 1, flipped });
        runRandomly(side, { clients, steps, flush });
        const replay = side.server.log.reduce((doc, e) => otType.apply(doc, e.op), initialText);
        expect(side.server.doc).toBe(replay);
        for (const [, text] of side.texts()) expect(text).toBe(replay);
        for (const c of side.clients.values()) expect(c.state.name).toBe('Synchronized');
      }),
      { numRuns: 300, seed },
    );
  });
});
