/**
 * Sends this tab's caret to presence only when it really moved.
 *
 * @slate-yjs/core's `withCursors` sends the caret after every editor change and
 * means to skip it when unchanged, but compares each new relative position with
 * the stored range object instead of its anchor and focus, so the test never
 * holds: every change re-sends the caret with a new awareness clock. A peer's
 * keystroke is an editor change in every tab, so with 30 students typing each
 * tab broadcast its unchanged caret ~120 times a second, the relay fanned each
 * one out to the whole class, and the tabs spent their frames on presence
 * (bench/classroom.ts; the browser running the bench's two tabs died of it).
 *
 * Relative positions are anchored to items, so a peer's edit elsewhere leaves
 * them equal: with the comparison done right, only the caret's own moves (and
 * edits that delete its anchor) are sent. A collapsed caret's position is
 * worked out once for anchor and focus, by index (blockPositions.ts).
 */
import type { CursorEditor } from '@slate-yjs/core';
import { Range, type BaseRange, type Editor } from 'slate';
import * as Y from 'yjs';
import { pointToRelativePosition } from './blockPositions';

interface StoredRange {
  anchor: Y.RelativePosition;
  focus: Y.RelativePosition;
}

type CaretEditor = Editor & Pick<CursorEditor, 'awareness' | 'selectionStateField' | 'sendCursorPosition' | 'sharedRoot'>;

export function withCaretSentOnMove<E extends CaretEditor>(editor: E): E {
  editor.sendCursorPosition = (range: BaseRange | null) => {
    const field = editor.selectionStateField;
    const stored = editor.awareness.getLocalState()?.[field] as StoredRange | null | undefined;
    if (!range) {
      if (stored) editor.awareness.setLocalStateField(field, null);
      return;
    }
    const anchor = pointToRelativePosition(editor, editor.sharedRoot, range.anchor);
    const focus = Range.isCollapsed(range) ? anchor : pointToRelativePosition(editor, editor.sharedRoot, range.focus);
    if (stored && Y.compareRelativePositions(anchor, stored.anchor) && Y.compareRelativePositions(focus, stored.focus)) return;
    editor.awareness.setLocalStateField(field, { anchor, focus });
  };
  return editor;
}
