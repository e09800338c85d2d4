/**
 * Caret stability with two peers on real Y.Docs (no browser): a peer's typing
 * and Enter elsewhere, or before the caret in the same block, leave the local
 * caret next to the same characters. Storing a caret costs one update per move
 * (anchor and focus together), none while it stays put.
 */
import { slateNodesToInsertDelta, withYjs, YjsEditor } from '@slate-yjs/core';
import { createEditor, Editor, Node, Transforms, type Descendant } from 'slate';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_ROOT } from '../protocol/document';
import { withRichText } from './richText/withRichText';
import { withStableSelection } from './stableSelection';

const p = (text: string): Descendant => ({ type: 'paragraph', children: [{ text }] });

function twoPeers(initial: Descendant[]) {
  const docs = [new Y.Doc(), new Y.Doc()];
  docs[0].get(CONTENT_ROOT, Y.XmlText).applyDelta(slateNodesToInsertDelta(initial));
  Y.applyUpdate(docs[1], Y.encodeStateAsUpdate(docs[0]));
  // Each doc forwards its updates to the other at once, like a relay with no delay.
  docs[0].on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(docs[1], u, 'remote'));
  docs[1].on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(docs[0], u, 'remote'));
  const editors = docs.map((doc, i) => {
    const editor = withRichText(withStableSelection(withYjs(createEditor(), doc.get(CONTENT_ROOT, Y.XmlText)) as unknown as Editor, `tab${i}`));
    YjsEditor.connect(editor as unknown as YjsEditor);
    return editor;
  });
  /**
   * Runs a local change the way a browser does: ops, then Slate's onChange
   * (which flushes to Yjs), each user action in its own task so that the
   * microtask onChange of remote changes runs in between.
   */
  const act = async (editor: Editor, change: () => void) => {
    change();
    editor.onChange();
    await new Promise((resolve) => setTimeout(resolve));
  };
  return { editors, act };
}

const textAt = (editor: Editor) => {
  const { anchor } = editor.selection!;
  const block = Node.string(Node.get(editor, anchor.path.slice(0, 1)));
  return `${block.slice(0, anchor.offset)}|${block.slice(anchor.offset)}`;
};

describe('stable selection', () => {
  it('keeps the caret at the end of its block while a peer types and splits another block', async () => {
    const { editors: [alice, bob], act } = twoPeers([p('bob'), p('alice')]);
    await act(alice, () => Transforms.select(alice, Editor.end(alice, [1])));
    await act(bob, () => Transforms.select(bob, Editor.end(bob, [0])));
    for (let i = 0; i < 3; i++) {
      await act(alice, () => Editor.insertText(alice, ` a${i}`));
      await act(bob, () => Editor.insertText(bob, ` b${i}`));
      await act(bob, () => Editor.insertBreak(bob));
      expect(textAt(alice)).toBe(`alice${[...Array(i + 1).keys()].map((k) => ` a${k}`).join('')}|`);
    }
    await act(alice, () => Editor.insertText(alice, '!'));
    expect(alice.children).toEqual(bob.children);
    expect(Node.string(alice.children.at(-1)!)).toBe('alice a0 a1 a2!');
  });

  it('keeps the caret next to its characters when a peer splits the block before it', async () => {
    const { editors: [alice, bob], act } = twoPeers([p('The quick fox')]);
    await act(alice, () => Transforms.select(alice, { path: [0, 0], offset: 10 }));
    await act(bob, () => Transforms.select(bob, { path: [0, 0], offset: 0 }));
    await act(bob, () => Editor.insertText(bob, 'Intro'));
    await act(bob, () => Editor.insertBreak(bob));
    expect(textAt(alice)).toBe('The quick |fox');
    await act(alice, () => Editor.insertText(alice, 'brown '));
    expect(Node.string(bob.children[1])).toBe('The quick brown fox');
  });

  it('stores a moved caret in one update (anchor and focus together), and nothing when it stays put', async () => {
    const { editors: [alice], act } = twoPeers([p('one'), p('two')]);
    const doc = (alice as unknown as YjsEditor).sharedRoot.doc!;
    const origin = (alice as unknown as YjsEditor).positionStorageOrigin;
    let caretUpdates = 0;
    doc.on('update', (_update: Uint8Array, from: unknown) => {
      if (from === origin) caretUpdates++;
    });
    await act(alice, () => Transforms.select(alice, Editor.end(alice, [0])));
    expect(caretUpdates).toBe(1);
    await act(alice, () => Editor.insertText(alice, 'x')); // typing at the end of a line moves the stored end
    expect(caretUpdates).toBe(2);
    await act(alice, () => Transforms.select(alice, { anchor: { path: [0, 0], offset: 0 }, focus: Editor.end(alice, [1]) }));
    expect(caretUpdates).toBe(3);
    await act(alice, () => alice.onChange()); // nothing moved
    expect(caretUpdates).toBe(3);
    const stored = YjsEditor.position(alice as unknown as YjsEditor, 'selection-tab0-focus');
    expect(stored).toEqual(Editor.end(alice, [1]));
  });
});
