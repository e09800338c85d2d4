/**
 * The storage thread's kept documents (keptDocs.ts):
 * KD1 a room's next compaction from the snapshot its kept doc encoded gets that doc back,
 *     and the snapshot it encodes with the log applied is the one a new doc would give;
 * KD2 any other starting snapshot (a compaction in place, another relay's) gets a new doc built from it;
 * KD3 bounded: at most 64 rooms; one that does not fit is not kept (no thrashing when rooms compact in turn);
 * KD4 a doc not kept again within a minute is destroyed.
 */
import { expect, it } from 'vitest';
import * as Y from 'yjs';
import { planCompaction, type FoldInputs } from '../history/fold';
import { KeptDocs } from './keptDocs';

/** A writer typing a word per update. */
function writer(clientID: number) {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  const text = doc.getText('t');
  return (words: number): Uint8Array[] => {
    const updates: Uint8Array[] = [];
    const listener = (update: Uint8Array) => updates.push(update);
    doc.on('update', listener);
    for (let i = 0; i < words; i++) text.insert(Math.floor(text.length / 2), `w${i} `);
    doc.off('update', listener);
    return updates;
  };
}

function inputs(updates: Uint8Array[]): FoldInputs {
  return { row: null, snapshot: null, last: null, log: updates.map((update) => ({ update, at: 1, author: 7, quiet: false })), authors: new Map(), now: 1 };
}

function textOf(snapshot: Uint8Array): string {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, snapshot);
  return doc.getText('t').toString();
}

it('KD1 gives a room its kept doc back for the snapshot that doc encoded, and compacts to the same document', () => {
  const type = writer(7);
  const kept = new KeptDocs();
  const doc = kept.take('notes', null);
  const first = planCompaction(inputs(type(50)), null, doc);
  kept.keep('notes', doc, first.snapshot);

  const again = kept.take('notes', first.snapshot.slice());
  expect(again).toBe(doc);
  const log = type(50);
  const fromKept = planCompaction(inputs(log), first.snapshot, again);
  const fromScratch = planCompaction(inputs(log), first.snapshot);
  expect(textOf(fromKept.snapshot)).toBe(textOf(fromScratch.snapshot));
  expect(textOf(fromKept.snapshot)).toContain('w49 ');
});
it('KD2 builds a new doc from any other starting snapshot', () => {
  const type = writer(8);
  const kept = new KeptDocs();
  const doc = new Y.Doc({ gc: true });
  const mine = planCompaction(inputs(type(10)), null, doc).snapshot;
  kept.keep('notes', doc, mine);
  const compactedElsewhere = planCompaction(inputs(type(10)), mine).snapshot; // e.g. in place, at an unload
  const other = kept.take('notes', compactedElsewhere);
  expect(other).not.toBe(doc);
  expect(other.getText('t').toString()).toBe(textOf(compactedElsewhere));
  expect(kept.size).toBe(0);
  expect(doc.isDestroyed).toBe(true);
});

it('KD3 keeps at most 64 rooms: one more is not kept, and those kept stay (rooms compacting in turn do not push each other out)', () => {
  const kept = new KeptDocs();
  const docs = Array.from({ length: 65 }, () => new Y.Doc({ gc: true }));
  docs.forEach((doc, i) => kept.keep(`room-${i}`, doc, Y.encodeStateAsUpdate(doc)));
  expect(kept.size).toBe(64);
  expect(docs[64].isDestroyed).toBe(true);
  expect(docs[0].isDestroyed).toBe(false);
  expect(kept.take('room-0', Y.encodeStateAsUpdate(docs[0]))).toBe(docs[0]);
  kept.clear();
});

it('KD4 destroys a doc not kept again within a minute', () => {
  let now = 0;
  const kept = new KeptDocs(() => now);
  const old = new Y.Doc({ gc: true });
  kept.keep('old', old, Y.encodeStateAsUpdate(old));
  now = 30_000;
  const recent = new Y.Doc({ gc: true });
  kept.keep('recent', recent, Y.encodeStateAsUpdate(recent));
  now = 60_000;
  kept.expire();
  expect(old.isDestroyed).toBe(true);
  expect(recent.isDestroyed).toBe(false);
  expect(kept.size).toBe(1);
  kept.clear();
});
