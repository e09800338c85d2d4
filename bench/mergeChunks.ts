/**
 * Y.mergeUpdates of 500 single-character updates (as a compaction folds a
 * burst of typing into a version) in chunks of different sizes, then the
 * chunks' results: why server/history/fold.ts merges in chunks of 16.
 *
 *   npx tsx bench/mergeChunks.ts
 */
import * as Y from 'yjs';
import { UpdateSource } from './lib/loadClient';
import { median } from './lib/report';

function mergeInChunks(updates: Uint8Array[], chunk: number): Uint8Array {
  if (updates.length === 1) return updates[0];
  if (updates.length <= chunk) return Y.mergeUpdates(updates);
  const merged: Uint8Array[] = [];
  for (let i = 0; i < updates.length; i += chunk) merged.push(Y.mergeUpdates(updates.slice(i, i + chunk)));
  return mergeInChunks(merged, chunk);
}

const random = new UpdateSource(3);
const atRandom = Array.from({ length: 2_000 }, () => random.next());
const typed: Uint8Array[] = [];
const doc = new Y.Doc();
doc.on('update', (update: Uint8Array) => typed.push(update));
for (let i = 0; i < 2_000; i++) doc.getText('t').insert(i, 'x');

for (const [name, updates] of [['one character at random places', atRandom], ['typed in order', typed]] as const) {
  const results: string[] = [];
  for (const chunk of [500, 256, 64, 16, 8, 4]) {
    const times: number[] = [];
    for (let round = 0; round < 7; round++) {
      const began = performance.now();
      for (let i = 0; i < updates.length; i += 500) mergeInChunks(updates.slice(i, i + 500), chunk);
      times.push(performance.now() - began);
    }
    results.push(`${chunk}: ${((median(times) / updates.length) * 1_000).toFixed(1)}`);
  }
  console.log(`${name}, µs per update by chunk size: ${results.join(', ')}`);
}
