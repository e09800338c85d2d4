/**
 * What the patches in patches/ (applied by patch-package on install) change,
 * checked through the libraries' own exports, so an upgrade or an install
 * that skipped them fails here. @slate-yjs/core's is checked with the cache
 * it serves (rootDeltaCache.test.ts, R-DELTA3) and below (PATCH2, PATCH4);
 * Yjs's below (PATCH3).
 */
import { slateNodesToInsertDelta, withYjs, YjsEditor } from '@slate-yjs/core';
import { createEditor, Transforms, type Descendant, type Editor, type Operation, type Range } from 'slate';
import { splitDecorationsByChild } from 'slate-dom';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { makeRng } from '../lab/sim/rng';

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

/**
 * A peer's view of one paragraph (`children`, Slate texts) bound to its own
 * Y.Doc, kept in sync with the writer's: the operations each of the writer's
 * changes makes in the peer's editor, and the transactions the peer's editor
 * writes back to its Y.Doc.
 */
function peerOf(children: Descendant[]) {
  const writer = new Y.Doc();
  writer.get('content', Y.XmlText).applyDelta(slateNodesToInsertDelta([{ type: 'paragraph', children } as Descendant]), { sanitize: false });
  const reader = new Y.Doc();
  Y.applyUpdate(reader, Y.encodeStateAsUpdate(writer));
  writer.on('update', (update: Uint8Array) => Y.applyUpdate(reader, update, 'relay'));
  const editor = withYjs(createEditor(), reader.get('content', Y.XmlText));
  YjsEditor.connect(editor);
  const ops: Operation[] = [];
  const { apply } = editor;
  editor.apply = (op) => {
    ops.push(op);
    apply(op);
  };
  const writtenBack = { count: 0 };
  reader.on('afterTransaction', (transaction: Y.Transaction) => transaction.origin === editor.localOrigin && writtenBack.count++);
  const paragraph = (writer.get('content', Y.XmlText).toDelta()[0] as { insert: Y.XmlText }).insert;
  /** Runs a change of the writer's and Slate's onChange after it (a microtask in a browser), returns the peer's ops. */
  const change = (fn: (text: Y.XmlText) => void) => {
    ops.length = 0;
    fn(paragraph);
    editor.onChange();
    return ops.map((op) => op.type);
  };
  return { editor, change, writtenBack };
}

describe('patched @slate-yjs/core: a peer\'s keystroke', () => {
  it('PATCH4: a character typed at the end of a line, inside it, at its start or into an empty paragraph is one insert_text in the peer\'s editor, and nothing goes back to Yjs', () => {
    const line = peerOf([{ text: 'hello' }]);
    expect(line.change((text) => text.insert(5, '!'))).toEqual(['insert_text']); // unpatched: insert_node, merge_node
    expect(line.change((text) => text.insert(2, 'y'))).toEqual(['insert_text']); // unpatched: split_node, insert_node, merge_node ×2
    expect(line.change((text) => text.insert(0, '>'))).toEqual(['insert_text']); // unpatched: insert_node, merge_node
    expect(line.editor.children).toEqual([{ type: 'paragraph', children: [{ text: '>heyllo!' }] }]);
    expect(line.writtenBack.count).toBe(0); // unpatched: an empty format per merge_node
    const empty = peerOf([{ text: '' }]);
    expect(empty.change((text) => text.insert(0, 'a'))).toEqual(['insert_text']); // unpatched: insert_node, remove_node
    expect(empty.editor.children).toEqual([{ type: 'paragraph', children: [{ text: 'a' }] }]);
  });

  it('PATCH4: with marks, the character goes into the text whose marks it has: the bold run it ends, or the plain one after it', () => {
    const peer = peerOf([{ text: 'bold', bold: true }, { text: ' plain' }]);
    expect(peer.change((text) => text.insert(4, 'B', { bold: true }))).toEqual(['insert_text']);
    expect(peer.change((text) => text.insert(5, 'p', {}))).toEqual(['insert_text']);
    expect(peer.editor.children).toEqual([{ type: 'paragraph', children: [{ text: 'boldB', bold: true }, { text: 'p plain' }] }]);
    // Marks that neither neighbour has: a text node of its own, as before.
    expect(peer.change((text) => text.insert(5, 'i', { italic: true }))).toEqual(['insert_node']);
    expect(peer.editor.children).toEqual([
      { type: 'paragraph', children: [{ text: 'boldB', bold: true }, { text: 'i', italic: true }, { text: 'p plain' }] },
    ]);
    expect(peer.writtenBack.count).toBe(0);
  });

  it('PATCH4: several inserts at one offset in one change keep their order (left to the unpatched path)', () => {
    const peer = peerOf([{ text: 'ab', italic: true }]);
    peer.change((text) => {
      text.doc!.transact(() => {
        text.insert(2, 'x', { italic: true });
        text.insert(3, 'y', { italic: true, bold: true });
        text.insert(4, 'z', { italic: true });
      });
    });
    expect(peer.editor.children).toEqual([
      { type: 'paragraph', children: [{ text: 'abx', italic: true }, { text: 'y', italic: true, bold: true }, { text: 'z', italic: true }] },
    ]);
  });
});

/** The body's blocks as a Yjs root: `count` paragraphs of text, each an embedded XmlText. */
function yBody(count: number): Y.Doc {
  const doc = new Y.Doc();
  doc.get('content', Y.XmlText).applyDelta(slateNodesToInsertDelta(paragraphs(count)), { sanitize: false });
  return doc;
}

/** Every client's structs are contiguous and doubly linked where they are items. */
function expectSoundStore(doc: Y.Doc): void {
  for (const structs of doc.store.clients.values()) {
    for (let i = 1; i < structs.length; i++) {
      expect(structs[i].id.clock).toBe(structs[i - 1].id.clock + structs[i - 1].length);
      const struct = structs[i] as Y.Item;
      if (struct instanceof Y.Item) {
        if (struct.right) expect(struct.right.left).toBe(struct);
        if (struct.left) expect(struct.left.right).toBe(struct);
      }
      // What the cleanup must merge: two neighbouring collected runs.
      expect(structs[i - 1] instanceof Y.GC && structs[i] instanceof Y.GC).toBe(false);
    }
  }
}

describe('patched yjs', () => {
  it('PATCH3: deleting 3,000 blocks at once cleans up the struct store in a few splices, not one per block', () => {
    const doc = yBody(3_000);
    const root = doc.get('content', Y.XmlText);
    const peer = new Y.Doc();
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc));
    let update: Uint8Array | null = null;
    doc.on('update', (u: Uint8Array) => (update = u));
    const { splice } = Array.prototype;
    let splices = 0;
    Array.prototype.splice = function counted(this: unknown[], ...args: Parameters<typeof splice>) {
      splices++;
      return splice.apply(this, args);
    } as typeof splice;
    try {
      root.delete(1, 2_998);
      Y.applyUpdate(peer, update!);
    } finally {
      Array.prototype.splice = splice;
    }
    expect(splices).toBeLessThan(50); // unpatched: one per deleted block, in each doc (~6,000)
    expect(root.toDelta()).toHaveLength(2);
    expect(peer.get('content', Y.XmlText).toDelta().map((op: { insert: Y.XmlText }) => op.insert.toString())).toEqual(['block 0', 'block 2999']);
    expectSoundStore(doc);
    expectSoundStore(peer);
  });

  it('PATCH3: random inserts and deletions of text and blocks keep both replicas equal to the model, their stores sound and fully merged (40 seeds)', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = makeRng(seed);
      const pick = (n: number) => Math.floor(random() * n);
      const doc = yBody(60);
      const peer = new Y.Doc();
      Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc));
      doc.on('update', (u: Uint8Array) => Y.applyUpdate(peer, u));
      const root = doc.get('content', Y.XmlText);
      const model: string[] = paragraphs(60).map((_, i) => `block ${i}`);
      for (let step = 0; step < 60; step++) {
        const kind = pick(4);
        if (kind === 0 && model.length > 2) {
          const at = pick(model.length - 1);
          const count = 1 + pick(Math.min(20, model.length - at - 1));
          root.delete(at, count); // whole blocks
          model.splice(at, count);
        } else if (kind === 1) {
          const at = pick(model.length + 1);
          const block = new Y.XmlText(`new ${seed}.${step}`);
          root.insertEmbed(at, block);
          model.splice(at, 0, `new ${seed}.${step}`);
        } else if (model.length > 0) {
          const at = pick(model.length);
          const text = (root.toDelta()[at] as { insert: Y.XmlText }).insert;
          const length = model[at].length;
          if (kind === 2 && length > 0) {
            const from = pick(length);
            const count = 1 + pick(length - from);
            text.delete(from, count);
            model[at] = model[at].slice(0, from) + model[at].slice(from + count);
          } else {
            const from = pick(length + 1);
            text.insert(from, 'xy');
            model[at] = model[at].slice(0, from) + 'xy' + model[at].slice(from);
          }
        }
      }
      for (const replica of [doc, peer]) {
        const texts = replica.get('content', Y.XmlText).toDelta().map((op: { insert: Y.XmlText }) => op.insert.toString());
        expect(texts, `seed ${seed}`).toEqual(model);
        expectSoundStore(replica);
      }
      const reloaded = new Y.Doc();
      Y.applyUpdate(reloaded, Y.encodeStateAsUpdate(peer));
      expect(reloaded.get('content', Y.XmlText).toDelta().map((op: { insert: Y.XmlText }) => op.insert.toString())).toEqual(model);
    }
  });
});
