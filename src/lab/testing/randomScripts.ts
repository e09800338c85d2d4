/**
 * Random concurrent edit scripts for the convergence properties: 2–4 users
 * editing while messages are delivered in a random order (any link's head
 * may go next), then everything is flushed, still in a random order.
 */
import fc from 'fast-check';
import type { Participant, Scenario, UserAction } from '../scenarios/types';
import type { LabSide } from '../side';

export type RandomStep =
  | { kind: 'edit'; user: number; insert: boolean; at: number; len: number; text: string }
  | { kind: 'deliver'; pick: number };

export interface RandomScript {
  clients: number;
  initialText: string;
  steps: RandomStep[];
  /** Choices for the final flush, reused cyclically. */
  flush: number[];
}

const arbStep = fc.oneof(
  fc.record({
    kind: fc.constant('edit' as const),
    user: fc.nat(3),
    insert: fc.boolean(),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    len: fc.integer({ min: 1, max: 4 }),
    text: fc.stringMatching(/^[a-z]{1,3}$/),
  }),
  fc.record({ kind: fc.constant('deliver' as const), pick: fc.nat(1000) }),
);

export const arbScript: fc.Arbitrary<RandomScript> = fc.record({
  clients: fc.integer({ min: 2, max: 4 }),
  initialText: fc.constantFrom('', 'abc', 'Project Report'),
  steps: fc.array(arbStep, { minLength: 1, maxLength: 40 }),
  flush: fc.array(fc.nat(1000), { minLength: 1, maxLength: 8 }),
});

export function scenarioFor(clients: number, initialText: string): Scenario {
  const participants: Participant[] = Array.from({ length: clients }, (_, i) => ({
    id: `u${i}`,
    name: `u${i}`,
    city: '',
    delayMs: 10 + 20 * i,
    clientId: i + 1,
    color: '#000',
  }));
  return { id: 'random', title: 'random', caption: '', participants, initialText, script: [] };
}

type ActingSide = LabSide & { act(a: UserAction): void };

/** Plays the script on a side, then flushes every message in a random order. */
export function runRandomly(side: ActingSide, { clients, steps, flush }: Pick<RandomScript, 'clients' | 'steps' | 'flush'>) {
  const deliverOne = (pick: number) => {
    const heads = side.sim.heads();
    if (!heads.length) return false;
    side.sim.deliver(heads[pick % heads.length].id);
    return true;
  };
  for (const s of steps) {
    if (s.kind === 'deliver') {
      deliverOne(s.pick);
      continue;
    }
    const user = `u${s.user % clients}`;
    const text = side.texts().get(user)!;
    const pos = Math.floor(s.at * (text.length + 1));
    if (s.insert) side.act({ kind: 'insert', user, pos: Math.min(pos, text.length), text: s.text });
    else if (text.length) side.act({ kind: 'delete', user, pos: Math.min(pos, text.length - 1), len: s.len });
  }
  for (let i = 0; deliverOne(flush[i % flush.length] + i); i++) {
    if (i > 100_000) throw new Error('no quiescence');
  }
}
