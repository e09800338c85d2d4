/**
 * The cast, with the chapter's numbers: the server sits in an EU datacenter,
 * ~10 ms from London and ~100 ms across the Atlantic from New York. So Alice's
 * op reaches the OT server first, and she has the lowest Yjs clientID: both
 * default tie-breaks put her text on the left, as in the chapter.
 */
import type { Participant } from './types';

export const alice: Participant = { id: 'Alice', name: 'Alice', city: 'London', delayMs: 10, clientId: 1, color: '#1f6fd1' };
export const bob: Participant = { id: 'Bob', name: 'Bob', city: 'New York', delayMs: 100, clientId: 2, color: '#c2410c' };
// Tokyo is not in the chapter's latency list; 150 ms is a typical Tokyo–EU one-way delay.
export const carol: Participant = { id: 'Carol', name: 'Carol', city: 'Tokyo', delayMs: 150, clientId: 3, color: '#15803d' };
export const dave: Participant = { id: 'Dave', name: 'Dave', city: 'Paris', delayMs: 20, clientId: 4, color: '#7e22ce', late: true };
