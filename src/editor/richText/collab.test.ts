/**
 * The plugin on top of @slate-yjs/core with several peers. Checks the promise
 * behind the normalization rules: two peers that each normalize the same remote
 * state make identical `set_node` ops, so after syncing there is one result, not
 * two. Also records a known limit of nested lists under slate-yjs (see the
 * `it.fails` cases).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createEditor, Editor, Node, Transforms, type Descendant } from 'slate';
import { slateNodesToInsertDelta, withYjs, YjsEditor } from '@slate-yjs/core';
import { CONTENT_ROOT } from '../../protocol/document';
import { indentListItem, outdentListItem } from './commands';
import { at, li, listProblems, p, ul } from './testHelpers';
import { withRichText } from './withRichText';

function peers(initial: Descendant[]) {
  const docs = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
  docs[0].get(CONTENT_ROOT, Y.XmlText).applyDelta(slateNodesToInsertDelta(initial));
  for (const doc of docs.slice(1)) Y.applyUpdate(doc, Y.encodeStateAsUpdate(docs[0]));
  // Peers 0 and 1 are editors with the plugin; docs[2] is a plain Yjs client (e.g. a script).
  const editors = docs.slice(0, 2).map((doc) => {
    const editor = withRichText(withYjs(createEditor(), doc.get(CONTENT_ROOT, Y.XmlText)) as unknown as Editor);
    YjsEditor.connect(editor as unknown as YjsEditor);
    return editor;
  });
  const flush = () => editors.forEach((e) => YjsEditor.flushLocalChanges(e as unknown as YjsEditor));
  const send = (from: Y.Doc, to: Y.Doc) => Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
  /** Exchanges updates until quiet, so normalization ops made on receipt travel too. */
  const sync = () => {
    for (let round = 0; round < 5; round++) {
      flush();
      for (const from of docs) for (const to of docs) if (from !== to) send(from, to);
    }
    flush();
  };
  return { docs, editors, sync, send, flush };
}

const lines = (children: Descendant[]): string[] =>
  children.flatMap((n) => (Node.isNode(n) && 'children' in n && n.children.some((c) => 'children' in c) ? lines(n.children) : [Node.string(n)]));

describe('normalization with two peers (slate-yjs)', () => {
  it('a list-item written outside a list by a plain client becomes one paragraph on both peers', () => {
    const { docs, editors: [alice, bob], send, sync } = peers([p('a')]);
    const item = new Y.XmlText();
    item.insert(0, 'x');
    item.setAttribute('type', 'list-item');
    const root = docs[2].get(CONTENT_ROOT, Y.XmlText);
    root.insertEmbed(root.length, item);
    // Each peer receives it separately and normalizes it on its own.
    send(docs[2], docs[0]);
    send(docs[2], docs[1]);
    expect(alice.children).toEqual([p('a'), p('x')]);
    expect(bob.children).toEqual([p('a'), p('x')]);
    sync();
    expect(alice.children).toEqual([p('a'), p('x')]);
    expect(bob.children).toEqual([p('a'), p('x')]);
  });

  it('a list emptied by a plain client becomes one empty paragraph on both peers', () => {
    const { docs, editors: [alice, bob], send, sync } = peers([ul(li('a')), p('b')]);
    const list = docs[2].get(CONTENT_ROOT, Y.XmlText).toDelta()[0].insert as Y.XmlText;
    list.delete(0, list.length);
    send(docs[2], docs[0]);
    send(docs[2], docs[1]);
    sync();
    expect(alice.children).toEqual([p(), p('b')]);
    expect(bob.children).toEqual([p(), p('b')]);
  });

  it('peers converge and stay well-formed when both outdent the same item', () => {
    const { editors: [alice, bob], sync } = peers([ul(li('a'), ul(li('b'))), p('end')]);
    for (const editor of [alice, bob]) {
      Transforms.select(editor, at([0, 1, 0]));
      outdentListItem(editor);
    }
    sync();
    expect(alice.children).toEqual(bob.children);
    expect(listProblems(alice.children)).toEqual([]);
  });

  // Known limit: slate-yjs carries out move_node as delete + re-insert of a copy,
  // so two peers moving the same list item (Tab/Shift+Tab, list toggles) each
  // insert a copy, and text typed concurrently into a moved item is lost.
  it.fails('KNOWN LIMIT: both peers outdenting the same item keeps one copy', () => {
    const { editors: [alice, bob], sync } = peers([ul(li('a'), ul(li('b'))), p('end')]);
    for (const editor of [alice, bob]) {
      Transforms.select(editor, at([0, 1, 0]));
      outdentListItem(editor);
    }
    sync();
    expect(lines(alice.children)).toEqual(['a', 'b', 'end']);
  });

  it.fails('KNOWN LIMIT: text typed into an item while another peer indents it survives', () => {
    const { editors: [alice, bob], sync } = peers([ul(li('a'), li('b'))]);
    Transforms.select(alice, at([0, 1]));
    indentListItem(alice);
    Transforms.select(bob, at([0, 1], 1));
    Editor.insertText(bob, '!');
    sync();
    expect(lines(alice.children)).toEqual(['a', 'b!']);
  });
});
