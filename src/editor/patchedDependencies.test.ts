/**
 * What the patches in patches/ (applied by patch-package on install) change,
 * checked through the libraries' own exports, so an upgrade or an install
 * that skipped them fails here. @slate-yjs/core's is checked with the cache
 * it serves (rootDeltaCache.test.ts, R-DELTA3).
 */
import { createEditor, type Descendant, type Editor, type Range } from 'slate';
import { splitDecorationsByChild } from 'slate-dom';
import { describe, expect, it } from 'vitest';

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
