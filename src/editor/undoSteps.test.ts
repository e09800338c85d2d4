import { withYHistory, withYjs, YjsEditor, type YHistoryEditor } from '@slate-yjs/core';
import { createEditor, Editor, Transforms } from 'slate';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_ROOT } from '../protocol/document';
import { seedUpdate } from '../protocol/seed';
import { withUndoSteps } from './undoSteps';

/** A connected Yjs-bound editor with per-user history, as createEditor builds it, on a seeded document. */
function editorOnSeededDoc(steps: boolean): Editor & YHistoryEditor {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, seedUpdate());
  const yjs = withYjs(createEditor(), doc.get(CONTENT_ROOT, Y.XmlText), { autoConnect: false });
  const history = withYHistory(yjs);
  const editor = steps ? withUndoSteps(history) : history;
  YjsEditor.connect(editor);
  Transforms.select(editor, Editor.end(editor, []));
  return editor;
}

/** Types like a fast typist: one keystroke per change, all within the capture timeout. */
function type(editor: Editor, text: string): void {
  for (const ch of text) {
    if (ch === '\n') editor.insertBreak();
    else editor.insertText(ch);
    editor.onChange(); // slate flushes each keystroke's operations to Yjs in its own transaction
  }
}

const text = (editor: Editor) => editor.children.map((block) => Editor.string(editor, [editor.children.indexOf(block)])).join('\n');

describe('undo steps', () => {
  it('one Ctrl+Z takes back one word, then the line break, then the words before it', () => {
    const editor = editorOnSeededDoc(true);
    type(editor, 'The quick fox\njumps');
    expect(text(editor)).toBe('The quick fox\njumps');
    const states: string[] = [];
    for (let i = 0; i < 5; i++) {
      editor.undo();
      states.push(text(editor));
    }
    expect(states).toEqual(['The quick fox\n', 'The quick fox', 'The quick ', 'The ', '']);
    editor.redo();
    expect(text(editor)).toBe('The ');
  });

  it('switching between typing and deleting starts a new step', () => {
    const editor = editorOnSeededDoc(true);
    type(editor, 'helo');
    editor.deleteBackward('character');
    editor.onChange();
    type(editor, 'lo');
    expect(text(editor)).toBe('hello');
    editor.undo();
    expect(text(editor)).toBe('hel');
    editor.undo();
    expect(text(editor)).toBe('helo');
  });

  it('without it, the whole burst is one step (what the issue reported)', () => {
    const editor = editorOnSeededDoc(false);
    type(editor, 'The quick fox\njumps');
    editor.undo();
    expect(text(editor)).toBe('');
  });
});
