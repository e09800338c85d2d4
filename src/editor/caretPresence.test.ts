import { slateNodesToInsertDelta, withCursors, withYjs, YjsEditor } from '@slate-yjs/core';
import { createEditor, Transforms } from 'slate';
import { describe, expect, it } from 'vitest';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CONTENT_ROOT } from '../protocol/document';
import { withCaretSentOnMove } from './caretPresence';
import { p } from './richText/testHelpers';

/** A tab's editor with its caret in presence, and a peer whose edits reach it. */
function tabAndPeer() {
  const [peer, tab] = [new Y.Doc(), new Y.Doc()];
  peer.on('update', (update: Uint8Array) => Y.applyUpdate(tab, update, 'relay'));
  const root = peer.get(CONTENT_ROOT, Y.XmlText);
  root.applyDelta(slateNodesToInsertDelta([p('Alice: '), p('Bob: '), p('Carol: ')]), { sanitize: false });
  const awareness = new Awareness(tab);
  const editor = withCaretSentOnMove(withCursors(withYjs(createEditor(), tab.get(CONTENT_ROOT, Y.XmlText)), awareness, { cursorDataField: 'user' }));
  YjsEditor.connect(editor);
  let sent = 0;
  awareness.on('update', ({ added, updated }: { added: number[]; updated: number[] }) => {
    if ([...added, ...updated].includes(tab.clientID)) sent++;
  });
  const paragraph = (i: number) => root.toDelta()[i].insert as Y.XmlText;
  return { editor, awareness, paragraph, sent: () => sent };
}

const changesSettle = () => new Promise((resolve) => setTimeout(resolve, 0)); // Slate calls onChange in a microtask

describe('withCaretSentOnMove', () => {
  it('R-CARET1: peers typing elsewhere and before the caret do not re-send it; it is sent once per move of its own', async () => {
    const { editor, awareness, paragraph, sent } = tabAndPeer();
    Transforms.select(editor, { path: [1, 0], offset: 5 });
    await changesSettle();
    expect(sent()).toBe(1);
    const caret = awareness.getLocalState()?.selection;
    for (let i = 0; i < 50; i++) {
      paragraph(0).insert(paragraph(0).length, 'a'); // another block
      paragraph(1).insert(0, 'b'); // the caret's own block, before it
      await changesSettle();
    }
    expect(editor.children).toHaveLength(3);
    expect(sent()).toBe(1);
    expect(awareness.getLocalState()?.selection).toBe(caret);
    Transforms.move(editor);
    await changesSettle();
    expect(sent()).toBe(2);
  });

  it('R-CARET2: a caret cleared from the editor is cleared from presence, once', async () => {
    const { editor, awareness, paragraph, sent } = tabAndPeer();
    Transforms.select(editor, { path: [0, 0], offset: 1 });
    await changesSettle();
    Transforms.deselect(editor);
    await changesSettle();
    expect(awareness.getLocalState()?.selection).toBeNull();
    const after = sent();
    paragraph(2).insert(0, 'x');
    await changesSettle();
    expect(sent()).toBe(after);
  });
});
