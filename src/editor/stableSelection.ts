/**
 * Keeps the local caret where the user put it, relative to their text, while
 * remote edits are applied.
 *
 * Why this is not just "remember a Yjs relative position": @slate-yjs/core
 * applies a block split (a peer's Enter) by deleting the tail of the block and
 * inserting a *copy* of it as a new block, so a relative position anchored in
 * the tail points at deleted characters afterwards and the caret falls back to
 * the end of the first block. The library's answer is "stored
 * positions": relative positions kept as attributes of the shared root, which
 * the peer that splits (or merges, or moves) a block migrates to the copy in
 * the same transaction. So each tab stores its selection there, under a key of
 * its own, whenever it moves, and puts it back after every remote change.
 *
 * Cost: a caret move that the stored position does not already describe is a
 * small document update (typing mid-line is free; typing at the end of a line
 * writes the new end), anchor and focus in one transaction: one update, one
 * frame. A collapsed caret is resolved and written once for both keys, and
 * points are converted by index (blockPositions.ts), not by the library's walk
 * of the body's block list: this runs after every change. Each tab removes its keys
 * when it closes.
 */
import { YjsEditor } from '@slate-yjs/core';
import { Point, Range, Transforms, type Editor } from 'slate';
import * as Y from 'yjs';
import { STORED_POSITION_PREFIX } from '../protocol/document';
import { pointToRelativePosition, storedPoint } from './blockPositions';

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
  const { onChange, applyRemoteEvents, apply } = e;
  const keys = { anchor: `selection-${id}-anchor`, focus: `selection-${id}-focus` } as const;
  let storing = false;
  /**
   * A local operation (an edit, a caret move) came after the stored selection
   * was last brought up to date, which happens in onChange. Until then the
   * stored selection is older than the user's: Slate's own selection is kept.
   * (A peer's Enter and the caret write after it can arrive in one task right
   * after a keystroke: restoring the stored caret then put it back before the
   * letter just typed, and the next ones went in front of it.)
   */
  let selectionAhead = false;

  e.apply = (op) => {
    if (YjsEditor.connected(e) && YjsEditor.isLocal(e)) selectionAhead = true;
    apply(op);
  };

  /** The stored bytes of a key (what @slate-yjs/core keeps: an encoded relative position), or undefined. */
  const stored = (which: keyof typeof keys): Uint8Array | undefined =>
    e.sharedRoot.getAttribute(STORED_POSITION_PREFIX + keys[which]) as Uint8Array | undefined;

  /**
   * Writes the selection's points that what the document holds does not
   * already resolve to. Re-writing a position a peer has just migrated would
   * race with that peer's next split and could undo the migration.
   */
  const storeSelection = ({ anchor, focus }: Range) => {
    const collapsed = Point.equals(anchor, focus);
    const storedAnchor = stored('anchor');
    const storedFocus = stored('focus');
    const sameStored = storedAnchor !== undefined && storedFocus !== undefined && equalBytes(storedAnchor, storedFocus);
    const anchorNow = storedPoint(e, e.sharedRoot, keys.anchor);
    const focusNow = sameStored ? anchorNow : storedPoint(e, e.sharedRoot, keys.focus);
    const writeAnchor = !anchorNow || !Point.equals(anchorNow, anchor);
    const writeFocus = !focusNow || !Point.equals(focusNow, focus);
    if (!writeAnchor && !writeFocus) return;
    const anchorBytes = writeAnchor ? Y.encodeRelativePosition(pointToRelativePosition(e, e.sharedRoot, anchor)) : null;
    const focusBytes = !writeFocus ? null : collapsed && anchorBytes ? anchorBytes : Y.encodeRelativePosition(pointToRelativePosition(e, e.sharedRoot, focus));
    e.sharedRoot.doc!.transact(() => {
      if (anchorBytes) e.sharedRoot.setAttribute(STORED_POSITION_PREFIX + keys.anchor, anchorBytes as never);
      if (focusBytes) e.sharedRoot.setAttribute(STORED_POSITION_PREFIX + keys.focus, focusBytes as never);
    }, e.positionStorageOrigin);
  };

  e.onChange = (options) => {
    onChange(options); // withYjs flushes local changes here, so Yjs and Slate agree below
    if (!YjsEditor.connected(e) || !e.selection) return;
    try {
      storeSelection(e.selection);
      storing = true;
      selectionAhead = false;
    } catch {
      // The selection points at a node Yjs does not hold yet: keep the last stored one.
    }
  };

  e.applyRemoteEvents = (events, origin) => {
    // Local ops not yet in Yjs mean the stored selection predates them: let Slate transform it.
    const usable = storing && !selectionAhead && origin !== e.positionStorageOrigin && YjsEditor.localChanges(e).length === 0;
    applyRemoteEvents(events, origin);
    if (!usable || !e.selection) return;
    const anchor = storedPoint(e, e.sharedRoot, keys.anchor);
    const focus = storedPoint(e, e.sharedRoot, keys.focus);
    if (!anchor || !focus) return;
    const restored = { anchor, focus };
    if (!Range.equals(restored, e.selection)) Transforms.select(e, restored);
  };

  e.forgetStoredSelection = () => {
    if (!YjsEditor.connected(e)) return;
    YjsEditor.removeStoredPosition(e, keys.anchor);
    YjsEditor.removeStoredPosition(e, keys.focus);
    storing = false;
  };

  return e;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
