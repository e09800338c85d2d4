/**
 * What a tab shows after a peer's change equals what its Yjs document holds,
 * marks included. @slate-yjs/core translates a remote text change into Slate
 * operations from the end of the text towards its start; it read a child's
 * marks from the change's starting snapshot, so text inserted just before a
 * run the same change made bold went into that run (patches/, found by the
 * property test P1 with PROPERTY_SEED=944258827). And Slate's normalising of a
 * remote change (merging neighbouring texts with the same marks) is a local
 * operation: it reaches Yjs before the next remote change is applied, not
 * against a document that has moved on (rootEvents.ts). And a block a peer
 * emptied shows no marks, as its document holds none (R-MARKS3; rootEvents.ts).
 */
import { withYjs, YjsEditor, yTextToSlateElement } from '@slate-yjs/core';
import { createEditor, Transforms } from 'slate';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { makeRng } from '../lab/sim/rng';
import { CONTENT_ROOT } from '../protocol/document';
import { cacheRootDelta } from './rootDeltaCache';
import { withRootEvents } from './rootEvents';

const rootOf = (doc: Y.Doc) => doc.get(CONTENT_ROOT, Y.XmlText);
const blockOf = (doc: Y.Doc) => rootOf(doc).toDelta()[0].insert as Y.XmlText;

function replica(clientID: number): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  return doc;
}

/** A tab's Slate view of `doc`: the Yjs binding with Concord's root events. */
function view(doc: Y.Doc) {
  cacheRootDelta(rootOf(doc));
  const editor = withYjs(createEditor(), rootOf(doc));
  withRootEvents(editor);
  YjsEditor.connect(editor);
  return editor;
}

const shown = (editor: ReturnType<typeof view>) => editor.children;
const held = (doc: Y.Doc) => rootOf(doc).toDelta().map((op: { insert: Y.XmlText }) => yTextToSlateElement(op.insert));

describe('remote changes with marks', () => {
  it.each([[1, 2, 3], [3, 2, 1], [2, 1, 3], [1, 3, 2], [3, 1, 2], [2, 3, 1]])(
    'R-MARKS1: Bob bolds a word Alice wrote and types before it, Carol types there too, all offline; Alice\'s view equals her document however the changes arrive (client ids %s)',
    (aliceId, bobId, carolId) => {
      for (const arrival of ['bob first', 'carol first', 'together']) {
        const alice = replica(aliceId);
        const bob = replica(bobId);
        const carol = replica(carolId);
        const block = new Y.XmlText();
        block.setAttribute('type', 'paragraph');
        rootOf(alice).insertEmbed(0, block);
        for (const peer of [bob, carol]) Y.applyUpdate(peer, Y.encodeStateAsUpdate(alice));
        blockOf(carol).insert(0, 't9c t19c ');
        blockOf(alice).insert(0, 't6a ');
        Y.applyUpdate(bob, Y.encodeStateAsUpdate(alice));
        const editor = view(alice);
        blockOf(alice).insert(4, 't8a ');
        blockOf(bob).insert(0, 't31b ');
        blockOf(bob).format(5, 3, { bold: true });
        const fromBob = Y.encodeStateAsUpdate(bob, Y.encodeStateVector(alice));
        const fromCarol = Y.encodeStateAsUpdate(carol, Y.encodeStateVector(alice));
        // Two changes in one task, as a reconnect's sync and the updates held behind it arrive.
        if (arrival === 'bob first') [fromBob, fromCarol].forEach((update) => Y.applyUpdate(alice, update));
        else if (arrival === 'carol first') [fromCarol, fromBob].forEach((update) => Y.applyUpdate(alice, update));
        else Y.applyUpdate(alice, Y.mergeUpdates([fromBob, fromCarol]));
        expect(shown(editor), arrival).toEqual(held(alice));
      }
    },
  );

  it('R-MARKS2: three tabs inserting, deleting and toggling bold and italic on one paragraph, syncing in random order: every view equals its document (150 seeds)', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const random = makeRng(seed);
      const pick = (n: number) => Math.floor(random() * n);
      const docs = [replica(1), replica(2), replica(3)];
      const block = new Y.XmlText();
      block.setAttribute('type', 'paragraph');
      block.insert(0, 'the quick brown fox');
      rootOf(docs[0]).insertEmbed(0, block);
      for (const doc of docs.slice(1)) Y.applyUpdate(doc, Y.encodeStateAsUpdate(docs[0]));
      const editors = docs.map(view);
      for (let step = 0; step < 25; step++) {
        const doc = docs[pick(3)];
        const text = blockOf(doc);
        const length = text.length;
        const kind = pick(4);
        if (kind === 0 || length === 0) text.insert(pick(length + 1), ['a', 'bc ', ' d', 'efg'][pick(4)]);
        else if (kind === 1) {
          const at = pick(length);
          text.delete(at, 1 + pick(Math.min(4, length - at)));
        } else {
          const at = pick(length);
          text.format(at, 1 + pick(length - at), { [kind === 2 ? 'bold' : 'italic']: random() < 0.7 ? true : null });
        }
        if (random() < 0.4) {
          // Some replicas catch up with some others, several updates in one task.
          const to = docs[pick(3)];
          const updates = docs.filter((from) => from !== to && random() < 0.7).map((from) => Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
          for (const update of updates) Y.applyUpdate(to, update);
        }
        docs.forEach((d, i) => expect(shown(editors[i]), `seed ${seed}, step ${step}, replica ${i}`).toEqual(held(d)));
      }
    }
  });

  it('R-MARKS3: a peer deletes all of a bold paragraph: the watching tab shows it empty and unmarked, and what it types there is plain', () => {
    const alice = replica(1);
    const bob = replica(2);
    const block = new Y.XmlText();
    block.setAttribute('type', 'paragraph');
    block.insert(0, 'loud', { bold: true, italic: true });
    rootOf(alice).insertEmbed(0, block);
    Y.applyUpdate(bob, Y.encodeStateAsUpdate(alice));
    const editor = view(bob);
    expect(shown(editor)).toEqual([{ type: 'paragraph', children: [{ text: 'loud', bold: true, italic: true }] }]);

    blockOf(alice).delete(0, 4);
    Y.applyUpdate(bob, Y.encodeStateAsUpdate(alice, Y.encodeStateVector(bob)));
    expect(shown(editor)).toEqual(held(bob));
    expect(shown(editor)).toEqual([{ type: 'paragraph', children: [{ text: '' }] }]);

    Transforms.insertText(editor, 'quiet', { at: { path: [0, 0], offset: 0 } });
    YjsEditor.flushLocalChanges(editor);
    Y.applyUpdate(alice, Y.encodeStateAsUpdate(bob, Y.encodeStateVector(alice)));
    expect(blockOf(alice).toDelta()).toEqual([{ insert: 'quiet' }]);
  });
});
