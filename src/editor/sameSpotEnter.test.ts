/**
 * A peer presses Enter at the very spot where you start typing. Your first
 * keystroke reaches Yjs when the peer's split arrives (the binding sends
 * pending local changes before applying a remote one), and the peer's caret
 * write can arrive in the same task, before your tab has stored your caret
 * after that keystroke. The stored caret was then still the one from before
 * the keystroke, and putting it back sent the next letters in front of the
 * first (`000a`; in browsers, 2 runs in 24 of the old three-user example).
 */
import { slateNodesToInsertDelta, withYjs, YjsEditor } from '@slate-yjs/core';
import { createEditor, Editor, Node, Transforms } from 'slate';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_ROOT } from '../protocol/document';
import { cacheRootDelta } from './rootDeltaCache';
import { withRootEvents } from './rootEvents';
import { withStableSelection } from './stableSelection';

/** A tab as the app builds it, as far as carets go: the binding, root events, the stored caret. */
function tab(doc: Y.Doc, id: string) {
  const root = doc.get(CONTENT_ROOT, Y.XmlText);
  cacheRootDelta(root);
  const editor = withYjs(createEditor(), root);
  withRootEvents(editor);
  const stable = withStableSelection(editor, id);
  YjsEditor.connect(stable);
  return stable;
}

/** Lets Slate's onChange (a microtask after each operation) run. */
const settle = async () => {
  await Promise.resolve();
  await Promise.resolve();
};

const texts = (editor: Editor) => editor.children.map((node) => Node.string(node));

describe('a peer\'s Enter where you start typing', () => {
  it.each(['before the first keystroke', 'after it', 'in the same task as it'])('R-ENTER1: the split arrives %s: your letters stay together, in your line', async (when) => {
    const alice = new Y.Doc();
    const bob = new Y.Doc();
    alice.get(CONTENT_ROOT, Y.XmlText).applyDelta(slateNodesToInsertDelta([{ type: 'paragraph', children: [{ text: '' }] } as never]), { sanitize: false });
    Y.applyUpdate(bob, Y.encodeStateAsUpdate(alice));
    const a = tab(alice, 'alice');
    const b = tab(bob, 'bob');
    const toBob: Uint8Array[] = [];
    const toAlice: Uint8Array[] = [];
    alice.on('update', (update: Uint8Array) => toBob.push(update));
    bob.on('update', (update: Uint8Array) => toAlice.push(update));
    const deliver = (queue: Uint8Array[], doc: Y.Doc) => queue.splice(0).forEach((update) => Y.applyUpdate(doc, update));
    Transforms.select(a, Editor.end(a, []));
    Transforms.select(b, Editor.start(b, []));
    await settle();
    deliver(toBob, bob);
    deliver(toAlice, alice);
    await settle();

    Transforms.splitNodes(b, { always: true }); // Bob's Enter; his caret goes to the new line, and is stored
    await settle();
    if (when === 'before the first keystroke') {
      deliver(toAlice, alice);
      await settle();
      a.insertText('a');
    } else if (when === 'after it') {
      a.insertText('a');
      await settle();
      deliver(toAlice, alice);
    } else {
      a.insertText('a');
      deliver(toAlice, alice);
    }
    await settle();
    for (const letter of '000') {
      a.insertText(letter);
      await settle();
    }
    b.insertText('b000');
    await settle();
    deliver(toBob, bob);
    deliver(toAlice, alice);
    await settle();
    expect(texts(b)).toEqual(texts(a));
    expect(texts(a)).toContain('a000');
  });
});
