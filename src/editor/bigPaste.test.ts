import { slateNodesToInsertDelta, withYHistory, withYjs, YjsEditor } from '@slate-yjs/core';
import { createEditor, Editor, Node, Transforms, type Descendant } from 'slate';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_ROOT } from '../protocol/document';
import { BIG_FRAGMENT_BLOCKS, BIG_PASTE_ORIGIN, withBigPaste } from './bigPaste';
import { p } from './richText/testHelpers';

function editorOn(doc: Y.Doc) {
  const editor = withBigPaste(withYHistory(withYjs(createEditor(), doc.get(CONTENT_ROOT, Y.XmlText))));
  editor.undoManager.trackedOrigins.add(BIG_PASTE_ORIGIN);
  YjsEditor.connect(editor);
  return editor;
}

const texts = (nodes: readonly Descendant[]) => nodes.map((node) => Node.string(node));

function pasteFixture(blocks: number) {
  const doc = new Y.Doc();
  const other = new Y.Doc();
  doc.on('update', (update: Uint8Array) => Y.applyUpdate(other, update));
  doc.get(CONTENT_ROOT, Y.XmlText).applyDelta(slateNodesToInsertDelta([p('before caret-after'), p('next')]), { sanitize: false });
  const editor = editorOn(doc);
  Transforms.select(editor, { path: [0, 0], offset: 'before caret'.length });
  const fragment = Array.from({ length: blocks }, (_, i) => p(`line ${i}`));
  return { doc, other, editor, fragment };
}

/** What Slate itself makes of the same paste: the reference the fast path must match. */
function slatePaste(fragment: Descendant[]): string[] {
  const editor = createEditor();
  editor.children = [p('before caret-after'), p('next')];
  Transforms.select(editor, { path: [0, 0], offset: 'before caret'.length });
  editor.insertFragment(fragment);
  return texts(editor.children);
}

describe('withBigPaste', () => {
  it('R-PASTE1: a paste of thousands of blocks gives the same document as Slate, in Slate, in Yjs and on a peer, with the caret after it', () => {
    const { other, editor, fragment } = pasteFixture(3_000);
    editor.insertFragment(fragment);
    YjsEditor.flushLocalChanges(editor);
    const expected = slatePaste(fragment);
    expect(texts(editor.children)).toEqual(expected);
    const peer = editorOn(other);
    expect(texts(peer.children)).toEqual(expected);
    expect(editor.selection?.anchor.path[0]).toBe(3_000 - 1);
    expect(Editor.string(editor, editor.selection!.anchor.path.slice(0, 1))).toBe('line 2999-after');
  });

  it('R-PASTE2: the middle blocks leave as several updates, not one', () => {
    const { doc, editor, fragment } = pasteFixture(3_000);
    const sizes: number[] = [];
    doc.on('update', (update: Uint8Array) => sizes.push(update.length));
    editor.insertFragment(fragment);
    YjsEditor.flushLocalChanges(editor);
    expect(sizes.length).toBeGreaterThanOrEqual(6);
    expect(Math.max(...sizes)).toBeLessThan(64 * 1024);
  });

  it('R-PASTE3: one undo takes the whole paste back', () => {
    const { editor, fragment } = pasteFixture(1_000);
    const before = texts(editor.children);
    editor.insertFragment(fragment);
    YjsEditor.flushLocalChanges(editor);
    editor.undo();
    expect(texts(editor.children)).toEqual(before);
  });

  it('R-PASTE4: small fragments take Slate\'s own path', () => {
    const { doc, editor } = pasteFixture(0);
    let transactions = 0;
    doc.on('afterTransaction', () => transactions++);
    const small = Array.from({ length: BIG_FRAGMENT_BLOCKS }, (_, i) => p(`s${i}`));
    editor.insertFragment(small);
    YjsEditor.flushLocalChanges(editor);
    expect(texts(editor.children)).toEqual(slatePaste(small));
    expect(transactions).toBe(1);
  });
});
