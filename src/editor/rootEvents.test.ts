import { slateNodesToInsertDelta, withYjs, YjsEditor, yTextToSlateElement } from '@slate-yjs/core';
import { createEditor, Editor, Node, Transforms } from 'slate';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_ROOT } from '../protocol/document';
import { p } from './richText/testHelpers';
import { BULK_BLOCKS, withRootEvents } from './rootEvents';

function twoPeers(blocks: number) {
  const [writer, reader] = [new Y.Doc(), new Y.Doc()];
  writer.on('update', (update: Uint8Array) => Y.applyUpdate(reader, update));
  const root = writer.get(CONTENT_ROOT, Y.XmlText);
  root.applyDelta(slateNodesToInsertDelta(Array.from({ length: blocks }, (_, i) => p(`b${i}`))), { sanitize: false });
  const editor = withRootEvents(withYjs(createEditor(), reader.get(CONTENT_ROOT, Y.XmlText)));
  YjsEditor.connect(editor);
  let ops = 0;
  const { apply } = editor;
  editor.apply = (op) => {
    ops++;
    apply(op);
  };
  return { root, editor, reader, ops: () => ops };
}

const texts = (editor: Editor) => editor.children.map((node) => Node.string(node));
const fromYjs = (doc: Y.Doc) => (yTextToSlateElement(doc.get(CONTENT_ROOT, Y.XmlText)).children as Node[]).map((node) => Node.string(node));

describe('withRootEvents', () => {
  it('R-ROOT1: a peer inserting many blocks reaches Slate in one pass, equal to Yjs, with the caret kept in its block', () => {
    const { root, editor, reader, ops } = twoPeers(50);
    Transforms.select(editor, { path: [30, 0], offset: 2 });
    const opsBefore = ops();
    root.applyDelta([{ retain: 10 }, ...slateNodesToInsertDelta(Array.from({ length: 500 }, (_, i) => p(`new${i}`)))], { sanitize: false });
    expect(texts(editor)).toEqual(fromYjs(reader));
    expect(editor.children).toHaveLength(550);
    expect(editor.selection?.anchor).toEqual({ path: [530, 0], offset: 2 });
    expect(ops() - opsBefore).toBe(0); // no per-block operations
  });

  it('R-ROOT2: a peer deleting many blocks, the caret among them, leaves Slate equal to Yjs and the caret in a block that exists', () => {
    const { root, editor, reader } = twoPeers(300);
    Transforms.select(editor, { path: [150, 0], offset: 1 });
    root.delete(100, 120);
    expect(texts(editor)).toEqual(fromYjs(reader));
    expect(editor.selection?.anchor.path[0]).toBe(100);
    expect(Node.string(Node.get(editor, [100]))).toBe('b220');
  });

  it('R-ROOT3: few blocks still go through @slate-yjs/core as operations', () => {
    const { root, editor, reader, ops } = twoPeers(10);
    root.applyDelta([{ retain: 3 }, ...slateNodesToInsertDelta(Array.from({ length: BULK_BLOCKS - 1 }, (_, i) => p(`n${i}`)))], { sanitize: false });
    expect(texts(editor)).toEqual(fromYjs(reader));
    expect(ops()).toBe(BULK_BLOCKS - 1);
  });

  it('R-ROOT4: mixed changes in one transaction (bulk blocks and text in an existing block) all arrive', () => {
    const { root, editor, reader } = twoPeers(40);
    root.doc!.transact(() => {
      (root.toDelta()[5].insert as Y.XmlText).insert(0, 'typed ');
      root.applyDelta([{ retain: 20 }, ...slateNodesToInsertDelta(Array.from({ length: 100 }, (_, i) => p(`x${i}`)))], { sanitize: false });
      root.delete(0, 2);
    });
    expect(texts(editor)).toEqual(fromYjs(reader));
    expect(texts(editor)[3]).toBe('typed b5');
  });
});
