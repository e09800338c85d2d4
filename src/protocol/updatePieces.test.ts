import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { splitUpdate } from './updatePieces';

/** A document edited by several clients: text inserts, deletes, formatting, embedded blocks, map entries. */
function editedDoc(seed: number[], clients: number): { doc: Y.Doc; docs: Y.Doc[] } {
  const docs = Array.from({ length: clients }, (_, i) => {
    const d = new Y.Doc();
    d.clientID = 1000 + i;
    return d;
  });
  seed.forEach((n, i) => {
    const d = docs[i % clients];
    const root = d.get('content', Y.XmlText);
    const text = d.get('title', Y.Text);
    const at = (len: number) => (len === 0 ? 0 : n % (len + 1));
    switch (n % 5) {
      case 0:
        text.insert(at(text.length), `w${n} `.repeat(1 + (n % 7)));
        break;
      case 1:
        if (text.length > 2) text.delete(n % (text.length - 1), 1 + (n % 3));
        break;
      case 2: {
        const block = new Y.XmlText();
        block.setAttribute('type', 'paragraph');
        block.insert(0, `line ${n} `.repeat(1 + (n % 20)));
        root.insertEmbed(at(root.length), block);
        break;
      }
      case 3:
        if (root.length > 0) root.delete(n % root.length, 1);
        break;
      default:
        if (text.length > 1) text.format(0, 1 + (n % text.length), { bold: n % 2 === 0 ? true : null });
    }
    // sync now and then, so later edits build on other clients' structs
    if (n % 3 === 0) for (const other of docs) Y.applyUpdate(other, Y.encodeStateAsUpdate(d));
  });
  const doc = new Y.Doc();
  for (const d of docs) Y.applyUpdate(doc, Y.encodeStateAsUpdate(d));
  return { doc, docs };
}

const contents = (doc: Y.Doc) => ({
  title: doc.get('title', Y.Text).toDelta(),
  body: doc.get('content', Y.XmlText).toString(),
});

describe('splitUpdate', () => {
  it('R-PIECE1: applying the pieces in order equals applying the whole update, from an empty or a partial replica, and no piece is bigger than asked unless one struct is', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(10_000), { minLength: 1, maxLength: 120 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 64, max: 2_000 }), fc.nat(), (seed, clients, maxBytes, cut) => {
        const { doc } = editedDoc(seed, clients);
        // a receiver that already has part of the document (as the relay has when a tab syncs its backlog)
        const base = new Y.Doc();
        const partial = editedDoc(seed.slice(0, cut % (seed.length + 1)), clients).doc;
        Y.applyUpdate(base, Y.encodeStateAsUpdate(partial));
        const update = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(base));
        const whole = new Y.Doc();
        Y.applyUpdate(whole, Y.encodeStateAsUpdate(base));
        Y.applyUpdate(whole, update);
        const pieced = new Y.Doc();
        Y.applyUpdate(pieced, Y.encodeStateAsUpdate(base));
        const pieces = splitUpdate(update, maxBytes);
        for (const piece of pieces) {
          Y.applyUpdate(pieced, piece);
          // every piece builds only on what came before: nothing is left pending
          expect(pieced.store.pendingStructs).toBeNull();
        }
        expect(pieced.store.pendingDs).toBeNull();
        expect(contents(pieced)).toEqual(contents(whole));
        expect(Y.encodeStateVector(pieced)).toEqual(Y.encodeStateVector(whole));
        for (const piece of pieces) {
          const { structs } = Y.decodeUpdate(piece);
          if (structs.length > 1) expect(piece.length).toBeLessThanOrEqual(maxBytes + 16);
        }
      }),
      { numRuns: 400, examples: [[[0, 0, 0, 0, 8304], 2, 64, 0]] }, // two clients whose structs interleave causally (found by a run)
    );
  });

  it('R-PIECE2: a 1.3 MB paste of 15,000 lines becomes pieces of at most 128 KiB that rebuild it', () => {
    const doc = new Y.Doc();
    const root = doc.get('content', Y.XmlText);
    const before = Y.encodeStateVector(doc);
    doc.transact(() => {
      for (let i = 0; i < 15_000; i++) {
        const block = new Y.XmlText();
        block.setAttribute('type', 'paragraph');
        block.insert(0, `Line ${i}: the quick brown fox jumps over the lazy dog, again and again and again.`);
        root.insertEmbed(i, block);
      }
    });
    const update = Y.encodeStateAsUpdate(doc, before);
    expect(update.length).toBeGreaterThan(1_300_000);
    const pieces = splitUpdate(update);
    expect(pieces.length).toBeGreaterThan(9);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThanOrEqual(128 * 1024 + 16);
    const copy = new Y.Doc();
    for (const piece of pieces) Y.applyUpdate(copy, piece);
    expect(copy.get('content', Y.XmlText).toString()).toBe(root.toString());
  });

  it('R-PIECE3: deletions travel once every struct they refer to has been sent', () => {
    const doc = new Y.Doc();
    const text = doc.get('title', Y.Text);
    text.insert(0, 'x'.repeat(5_000));
    for (let i = 0; i < 200; i++) text.delete(i * 10, 3);
    const pieces = splitUpdate(Y.encodeStateAsUpdate(doc), 512);
    const last = Y.decodeUpdate(pieces[pieces.length - 1]);
    expect(last.ds.clients.size).toBe(1);
    for (const piece of pieces.slice(0, -1)) expect(Y.decodeUpdate(piece).ds.clients.size).toBe(0);
    const copy = new Y.Doc();
    for (const piece of pieces) Y.applyUpdate(copy, piece);
    expect(copy.get('title', Y.Text).toString()).toBe(text.toString());
  });
});
