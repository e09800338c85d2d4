/**
 * What the patches in patches/ (applied by patch-package on install) change,
 * checked through the libraries' own exports, so an upgrade or an install
 * that skipped them fails here. @slate-yjs/core's is checked with the cache
 * it serves (rootDeltaCache.test.ts, R-DELTA3).
 */
import { slateNodesToInsertDelta, withYjs, YjsEditor } from '@slate-yjs/core';
import { createEditor, Transforms, type Descendant, type Editor, type Range } from 'slate';
import { splitDecorationsByChild } from 'slate-dom';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';

function editorWith(children: Descendant[]): Editor {
  const editor = createEditor();
  editor.children = children;
  return editor;
}

const paragraphs = (count: number) => Array.from({ length: count }, (_, i) => ({ type: 'paragraph', children: [{ text: `block ${i}` }] }) as Descendant);

describe('patched slate-dom', () => {
  it('PATCH1: without decorations, the blocks of a body share one frozen empty list (no array per block on every render)', () => {
    const editor = editorWith(paragraphs(1_000));
    const byChild = splitDecorationsByChild(editor, editor, []);
    expect(byChild).toHaveLength(1_000);
    expect(new Set(byChild).size).toBe(1);
    expect(byChild[0]).toEqual([]);
    expect(Object.isFrozen(byChild[0])).toBe(true);
  });

  it('PATCH1: with decorations, each block still gets its own list with its part of them', () => {
    const editor = editorWith(paragraphs(3));
    const decoration = { anchor: { path: [0, 0], offset: 2 }, focus: { path: [1, 0], offset: 3 }, highlight: true } as Range;
    const byChild = splitDecorationsByChild(editor, editor, [decoration]);
    expect(byChild.map((list) => list.length)).toEqual([1, 1, 0]);
    expect(byChild[0][0]).toMatchObject({ anchor: { path: [0, 0], offset: 2 }, highlight: true });
  });
});

/** A body of `count` paragraphs bound to Yjs, and how often its root's delta was read. */
function boundBody(count: number) {
  const doc = new Y.Doc();
  const root = doc.get('content', Y.XmlText);
  root.applyDelta(slateNodesToInsertDelta(paragraphs(count)), { sanitize: false });
  const editor = withYjs(createEditor(), root);
  YjsEditor.connect(editor);
  const reads = { count: 0 };
  const { toDelta } = root;
  root.toDelta = function counted(this: Y.XmlText, ...args: Parameters<Y.XmlText['toDelta']>) {
    reads.count++;
    return toDelta.apply(this, args);
  };
  return { editor, root, reads };
}

describe('patched @slate-yjs/core', () => {
  it('PATCH2: removing a block of the body deletes it from Yjs without reading the whole body\'s delta', () => {
    const { editor, root, reads } = boundBody(1_000);
    Transforms.removeNodes(editor, { at: [500] });
    Transforms.removeNodes(editor, { at: [998] });
    YjsEditor.flushLocalChanges(editor);
    expect(reads.count).toBe(0);
    expect(root.toDelta()).toHaveLength(998);
    expect(editor.children).toHaveLength(998);
  });

  it('PATCH2: a local change is queued by appending, not by copying the queue (n operations cost n, not n²)', () => {
    const { editor } = boundBody(3);
    Transforms.insertText(editor, 'a', { at: { path: [0, 0], offset: 0 } });
    const queue = YjsEditor.localChanges(editor);
    for (let i = 0; i < 100; i++) Transforms.insertText(editor, 'b', { at: { path: [1, 0], offset: 0 } });
    expect(YjsEditor.localChanges(editor)).toBe(queue);
    expect(queue).toHaveLength(101);
  });
});
