/**
 * Keeps the local caret where the user put it, relative to their text, while
 * remote edits are applied.
 *
 * Why this is not just "remember a Yjs relative position": @slate-yjs/core
 * applies a block split (a peer's Enter) by deleting the tail of the block and
 * inserting a *copy* of it as a new block, so a relative position anchored in
 * the tail points at deleted characters afterwards and the caret falls back to
 * the end of the first block (STACK.md). The library's answer is "stored
 * positions": relative positions kept as attributes of the shared root, which
 * the peer that splits (or merges, or moves) a block migrates to the copy in
 * the same transaction. So each tab stores its selection there, under a key of
 * its own, whenever it moves, and puts it back after every remote change.
 *
 * Cost: a caret move (not a keystroke: typing keeps the anchor) is a small
 * document update. Each tab removes its keys when it closes.
 */
import { slatePointToRelativePosition, YjsEditor } from '@slate-yjs/core';
import { Range, Transforms, type Editor, type Point } from 'slate';
import * as Y from 'yjs';

const TAB_ID_KEY = 'concord.tab';

/** An id for this browser tab that survives reloads of the tab (sessionStorage), so keys are reused. */
export function tabId(): string {
  let id = sessionStorage.getItem(TAB_ID_KEY);
  if (!id) {
    id = Math.random().toString(36).slice(2, 10);
    sessionStorage.setItem(TAB_ID_KEY, id);
  }
  return id;
}

export interface StableSelectionEditor {
  /** Removes this tab's stored selection from the document (when the tab closes). */
  forgetStoredSelection(): void;
}

export function withStableSelection<T extends Editor>(editor: T, id: string): T & StableSelectionEditor {
  const e = editor as T & StableSelectionEditor;
  const { onChange, applyRemoteEvents } = e;
  const keys = { anchor: `selection-${id}-anchor`, focus: `selection-${id}-focus` };
  let stored: { anchor: Y.RelativePosition; focus: Y.RelativePosition } | null = null;

  const store = (which: 'anchor' | 'focus', point: Point) => {
    const position = slatePointToRelativePosition(e.sharedRoot, e, point);
    if (stored && Y.compareRelativePositions(stored[which], position)) return false;
    YjsEditor.storePosition(e, keys[which], point);
    return position;
  };

  e.onChange = (options) => {
    onChange(options); // withYjs flushes local changes here, so Yjs and Slate agree below
    if (!YjsEditor.connected(e) || !e.selection) return;
    try {
      const anchor = store('anchor', e.selection.anchor);
      const focus = store('focus', e.selection.focus);
      if (anchor || focus) {
        stored = {
          anchor: anchor || stored!.anchor,
          focus: focus || stored!.focus,
        };
      }
    } catch {
      // The selection points at a node Yjs does not hold yet: keep the last stored one.
    }
  };

  e.applyRemoteEvents = (events, origin) => {
    // Local ops not yet in Yjs mean the stored selection predates them: let Slate transform it.
    const usable = stored !== null && origin !== e.positionStorageOrigin && YjsEditor.localChanges(e).length === 0;
    applyRemoteEvents(events, origin);
    if (!usable || !e.selection) return;
    const anchor = YjsEditor.position(e, keys.anchor);
    const focus = YjsEditor.position(e, keys.focus);
    if (!anchor || !focus) return;
    const restored = { anchor, focus };
    if (!Range.equals(restored, e.selection)) Transforms.select(e, restored);
  };

  e.forgetStoredSelection = () => {
    if (!YjsEditor.connected(e)) return;
    YjsEditor.removeStoredPosition(e, keys.anchor);
    YjsEditor.removeStoredPosition(e, keys.focus);
    stored = null;
  };

  return e;
}
