import { slateNodesToInsertDelta, withYHistory, withYjs, YjsEditor } from '@slate-yjs/core';
import { createEditor, Node, Transforms, type BaseOperation, type Descendant, type Editor, type Range } from 'slate';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_ROOT } from '../protocol/document';
import { BIG_RANGE_BLOCKS, withBigDelete } from './bigDelete';
import { cacheRootDelta } from './rootDeltaCache';
import { withRootEvents } from './rootEvents';
import { p } from './richText/testHelpers';
import { withUndoSteps } from './undoSteps';

const texts = (nodes: readonly Descendant[]) => nodes.map((node) => Node.string(node));
const blocks = (count: number) => Array.from({ length: count }, (_, i) => p(`line ${i}`));

/** As the app builds it, minus React: Yjs binding, root events in one pass, undo steps, big deletes. */
function editorOn(doc: Y.Doc) {
  const root = doc.get(CONTENT_ROOT, Y.XmlText);
  cacheRootDelta(root);
  const yjs = withYjs(createEditor(), root);
  withRootEvents(yjs);
  const editor = withBigDelete(withUndoSteps(withYHistory(yjs)));
  YjsEditor.connect(editor);
  return editor;
}

/** A document of `count` blocks in Slate and Yjs, a peer following it, and the selection from inside block 2 to inside block `to`. */
function fixture(count: number, to: number) {
  const doc = new Y.Doc();
  const other = new Y.Doc();
  doc.on('update', (update: Uint8Array) => Y.applyUpdate(other, update));
  doc.get(CONTENT_ROOT, Y.XmlText).applyDelta(slateNodesToInsertDelta(blocks(count)), { sanitize: false });
  const editor = editorOn(doc);
  const selection: Range = { anchor: { path: [2, 0], offset: 3 }, focus: { path: [to, 0], offset: 4 } };
  Transforms.select(editor, selection);
  const operations: BaseOperation['type'][] = [];
  const { apply } = editor;
  editor.apply = (op) => {
    operations.push(op.type);
    apply(op);
  };
  return { doc, other, editor, selection, operations };
}

/** What Slate alone makes of the same edit: the reference the fast path must match. */
function slateAlone(count: number, selection: Range, edit: (editor: Editor) => void): string[] {
  const editor = createEditor();
  editor.children = blocks(count);
  Transforms.select(editor, selection);
  edit(editor);
  return texts(editor.children);
}

const EDITS: Array<[string, (editor: Editor) => void]> = [
  ['typing a letter', (editor) => editor.insertText('x')],
  ['Backspace (deleteFragment)', (editor) => editor.deleteFragment({ direction: 'backward' })],
  ['Enter', (editor) => editor.insertBreak()],
  ['pasting two blocks', (editor) => editor.insertFragment([p('pasted one'), p('pasted two')])],
];

describe('withBigDelete', () => {
  it.each(EDITS)('R-DEL1: %s over 2,000 selected blocks gives the document Slate gives, in Slate, in Yjs and on a peer, with few operations', (_name, edit) => {
    const { other, editor, selection, operations } = fixture(2_500, 2_000);
    edit(editor);
    YjsEditor.flushLocalChanges(editor);
    const expected = slateAlone(2_500, selection, edit);
    expect(texts(editor.children)).toEqual(expected);
    expect(texts(editorOn(other).children)).toEqual(expected);
    expect(operations.filter((type) => type === 'remove_node').length).toBeLessThanOrEqual(2);
  });

  it('R-DEL2: one transaction, so one update for peers and one undo step that brings every block back', () => {
    const { doc, editor } = fixture(2_500, 2_000);
    let updates = 0;
    doc.on('update', () => updates++);
    const before = texts(editor.children);
    editor.insertText('x');
    YjsEditor.flushLocalChanges(editor);
    expect(updates).toBe(1);
    expect(editor.children.length).toBe(2_500 - 1_998);
    editor.undo();
    expect(texts(editor.children)).toEqual(before);
  });

  it('R-DEL3: a selection over fewer blocks than the threshold takes Slate\'s own path', () => {
    const to = 2 + BIG_RANGE_BLOCKS;
    const { editor, selection, operations } = fixture(500, to);
    editor.insertText('x');
    YjsEditor.flushLocalChanges(editor);
    expect(texts(editor.children)).toEqual(slateAlone(500, selection, (e) => e.insertText('x')));
    expect(operations.filter((type) => type === 'remove_node').length).toBe(BIG_RANGE_BLOCKS - 1);
  });
});
