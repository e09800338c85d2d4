/**
 * What compaction costs the storage thread per update: a writer's log
 * (one-character updates at random places, as in the fan-out and durability
 * benchmarks, or a word at a time at the end) compacted every 500 entries the
 * way the storage thread plans it (server/storage/storageWorker.ts: the
 * history fold and the new snapshot, each room's Y.Doc kept between
 * compactions), timed per part.
 *
 *   npx tsx bench/compaction.ts                  (UPDATES=10000, EVERY=500, ROUNDS=3)
 *   BEFORE=/path/to/old/checkout npx tsx bench/compaction.ts
 *
 * BEFORE: also runs that checkout's fold.ts (planCompaction with a new Y.Doc
 * per compaction), alternating with this one, for a before/after in one run.
 */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import * as Y from 'yjs';
import { planCompaction as planNow, type FoldInputs, type HistoryRow, type StoredVersion } from '../server/history/fold';
import { KeptDocs } from '../server/storage/keptDocs';
import { UpdateSource } from './lib/loadClient';
import { median } from './lib/report';

const UPDATES = Number(process.env.UPDATES ?? 10_000);
const EVERY = Number(process.env.EVERY ?? 500);
const ROUNDS = Number(process.env.ROUNDS ?? 3);

type Plan = (inputs: FoldInputs, snapshot: Uint8Array | null, doc?: Y.Doc | null) => ReturnType<typeof planNow>;

/** A writer's updates: `random` one character at random places, `words` a word at a time at the end. */
function writerLog(kind: 'random' | 'words'): { client: number; updates: Uint8Array[] } {
  if (kind === 'random') {
    const source = new UpdateSource(11);
    return { client: source.clientId, updates: Array.from({ length: UPDATES }, () => source.next()) };
  }
  const doc = new Y.Doc();
  const text = doc.getText('bench');
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (let i = 0; i < UPDATES; i++) text.insert(text.length, `word${i % 97} `);
  return { client: doc.clientID, updates };
}

/** Compacts the whole log every EVERY entries; returns µs per update spent planning. */
function replay(plan: Plan, log: { client: number; updates: Uint8Array[] }, keep: boolean): number {
  const kept = keep ? new KeptDocs() : null;
  let snapshot: Uint8Array | null = null;
  let last: StoredVersion | null = null;
  let row: HistoryRow | null = null;
  let spent = 0;
  for (let start = 0; start < log.updates.length; start += EVERY) {
    const entries = log.updates.slice(start, start + EVERY).map((update, i) => ({ update, at: 1_000 + start + i, author: log.client, quiet: false }));
    const inputs: FoldInputs = { row, snapshot, last, log: entries, authors: new Map([[log.client, { name: 'A', color: '#000' }]]), now: 0 };
    const began = performance.now();
    const doc = kept?.take('room', snapshot) ?? null;
    const { plan: folded, snapshot: next } = plan(inputs, snapshot, doc);
    if (kept && doc) kept.keep('room', doc, next.slice());
    spent += performance.now() - began;
    snapshot = next;
    last = folded.versions[folded.versions.length - 1]?.version ?? last;
    row = { base: folded.base, baseAt: folded.baseAt, firstVersion: 1, nextVersion: folded.nextVersion };
  }
  kept?.clear();
  return (spent * 1_000) / log.updates.length;
}

const before = process.env.BEFORE
  ? ((await import(pathToFileURL(join(process.env.BEFORE, 'server/history/fold.ts')).href)) as { planCompaction: Plan }).planCompaction
  : null;
for (const kind of ['random', 'words'] as const) {
  const log = writerLog(kind);
  const now: number[] = [];
  const old: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    if (before) old.push(replay(before, log, false));
    now.push(replay(planNow, log, true));
  }
  const figures = [`this checkout ${median(now).toFixed(1)} µs/update (${now.map((v) => v.toFixed(1)).join(' / ')})`];
  if (before) figures.push(`BEFORE ${median(old).toFixed(1)} (${old.map((v) => v.toFixed(1)).join(' / ')}), ratio ${(median(old) / median(now)).toFixed(2)}×`);
  console.log(`${kind}, ${UPDATES} updates compacted every ${EVERY}: ${figures.join('; ')}`);
}
