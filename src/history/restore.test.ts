import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_ROOT } from '../protocol/document';
import { RESTORE_ORIGIN, applyDocument, currentDocument } from './restore';
import { randomSession } from './testing/randomSession';

/** A live document holding the state of a random session after `entries` edits. */
function documentAt(seed: number, entries: number): Y.Doc {
  const session = randomSession(seed, { steps: 40, truth: false });
  const doc = new Y.Doc();
  for (const entry of session.entries.slice(0, Math.max(1, entries))) Y.applyUpdate(doc, entry.update);
  return doc;
}

const EMPTY_PARAGRAPH = { type: 'paragraph', children: [{ text: '' }] };

describe('restore', () => {
  it('V8: a version with no blocks yet is restored as one empty paragraph, title kept', () => {
    const live = new Y.Doc();
    applyDocument(live, { title: 'Notes', blocks: [{ type: 'paragraph', children: [{ text: 'gone after restore' }] }] });
    expect(applyDocument(live, { title: 'Notes', blocks: [] })).toBe(true);
    expect(currentDocument(live)).toEqual({ title: 'Notes', blocks: [EMPTY_PARAGRAPH] });
  });

  it('V8: makes the live document equal the target, as one undoable step, whatever both were', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 1, max: 1e9 }), fc.nat(45), (seedA, seedB, cut) => {
        const live = documentAt(seedA, 45);
        const target = currentDocument(documentAt(seedB, cut));
        const before = currentDocument(live);
        const undo = new Y.UndoManager([live.get(CONTENT_ROOT, Y.XmlText), live.getText('title')], { trackedOrigins: new Set([RESTORE_ORIGIN]) });
        applyDocument(live, target);
        // A version with no blocks (only a title yet) is restored as one empty paragraph: the editor always has a block.
        expect(currentDocument(live)).toEqual(target.blocks.length > 0 ? target : { ...target, blocks: [EMPTY_PARAGRAPH] });
        undo.undo();
        expect(currentDocument(live)).toEqual(before);
      }),
      { numRuns: 60 },
    );
  });

  it('V8: leaves blocks that are equal untouched, patches a changed block in place, and says when nothing changed', () => {
    const live = new Y.Doc();
    const blocks = [
      { type: 'heading-one', children: [{ text: 'Plan' }] },
      { type: 'paragraph', children: [{ text: 'Alice wrote this line.' }] },
      { type: 'paragraph', children: [{ text: 'Bob wrote ' }, { text: 'that', bold: true }, { text: ' one.' }] },
    ];
    applyDocument(live, { title: 'T', blocks });
    const root = live.get(CONTENT_ROOT, Y.XmlText);
    const embeds = () => (root.toDelta() as Array<{ insert: Y.XmlText }>).map((op) => op.insert);
    const [heading, alice, bob] = embeds();
    const edited = [blocks[0], { type: 'paragraph', children: [{ text: 'Alice wrote this line, then more.' }] }, blocks[2]];
    expect(applyDocument(live, { title: 'T', blocks: edited })).toBe(true);
    expect(embeds()).toEqual([heading, alice, bob]); // same Yjs objects: authorship of untouched text is kept
    expect(currentDocument(live).blocks).toEqual(edited);
    expect(applyDocument(live, { title: 'T', blocks: edited })).toBe(false);
  });
});
