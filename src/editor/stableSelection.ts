/**
 * Keeps the local caret where the user put it, relative to their text, while
 * remote edits are applied. Left alone, @slate-yjs/core replays a peer's
 * block split as Slate ops that drag our selection to the end of the first
 * block (STACK.md). So we remember the selection as Yjs relative positions
 * (anchored to characters, not offsets) after every change, and after a
 * remote change put it back where those characters are now.
 */
import { relativeRangeToSlateRange, slateRangeToRelativeRange, YjsEditor, type RelativeRange } from '@slate-yjs/core';
import { Range, Transforms, type Editor } from 'slate';

export function withStableSelection<T extends Editor>(editor: T): T {
  const { onChange, applyRemoteEvents } = editor;
  let remembered: RelativeRange | null = null;

  editor.onChange = (options) => {
    onChange(options); // withYjs flushes local changes here, so Yjs and Slate agree below
    if (!YjsEditor.connected(editor) || !editor.selection) {
      remembered = null;
      return;
    }
    try {
      remembered = slateRangeToRelativeRange(editor.sharedRoot, editor, editor.selection);
    } catch {
      remembered = null; // the selection points at a node Yjs does not know yet
    }
  };

  editor.applyRemoteEvents = (events, origin) => {
    // With local ops not yet flushed, the remembered range predates them: let Slate transform it.
    const usable = remembered !== null && YjsEditor.localChanges(editor).length === 0;
    const saved = remembered;
    applyRemoteEvents(events, origin);
    if (!usable || !saved || !editor.selection) return;
    const restored = relativeRangeToSlateRange(editor.sharedRoot, editor, saved);
    if (restored && !Range.equals(restored, editor.selection)) Transforms.select(editor, restored);
  };

  return editor;
}
