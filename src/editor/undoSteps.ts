/**
 * Undo steps as users know them from other editors: one per word, per line
 * break, per formatting change, or per pause. The Yjs UndoManager merges every
 * change made within its capture timeout (500 ms) into one step, so a sentence
 * typed without a pause, its Enter included, went in one Ctrl+Z. This ends the
 * current step (UndoManager.stopCapturing) before a local change that starts a
 * new word (a non-space typed after a space or at the start of a block), that
 * switches between typing and deleting, or that changes structure or
 * formatting (Enter, merging blocks, marks, block types); and after such a
 * structural change, so what follows it is a step of its own. A pause of 500 ms
 * or more still ends a step by itself.
 */
import { YjsEditor, type YHistoryEditor } from '@slate-yjs/core';
import { Node, Text, type Editor, type Operation } from 'slate';

type Kind = 'insert' | 'delete' | 'structure';

function kindOf(op: Operation): Kind | null {
  switch (op.type) {
    case 'insert_text':
      return 'insert';
    case 'remove_text':
      return 'delete';
    case 'set_selection':
      return null;
    default:
      return 'structure'; // split_node (Enter), merge_node, insert/remove/move_node, set_node (marks, block types)
  }
}

/** The character just before an insert_text operation's offset, or null at the start of its text node. */
function charBefore(editor: Editor, op: Extract<Operation, { type: 'insert_text' }>): string | null {
  if (op.offset === 0 || !Node.has(editor, op.path)) return null;
  const node = Node.get(editor, op.path);
  return Text.isText(node) ? (node.text[op.offset - 1] ?? null) : null;
}

export function withUndoSteps<T extends Editor & YHistoryEditor>(editor: T): T {
  const { apply } = editor;
  let last: Kind | null = null;
  let breakNext = false;
  editor.apply = (op) => {
    const kind = kindOf(op);
    if (kind !== null && YjsEditor.connected(editor) && YjsEditor.isLocal(editor)) {
      let boundary = breakNext || kind !== last || kind === 'structure';
      if (!boundary && op.type === 'insert_text' && op.text !== '' && !/^\s/.test(op.text)) {
        const before = charBefore(editor, op);
        boundary = before === null || /\s/.test(before); // a new word starts
      }
      if (boundary) editor.undoManager.stopCapturing();
      breakNext = kind === 'structure';
      last = kind;
    }
    apply(op);
  };
  return editor;
}
