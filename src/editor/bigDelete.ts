/**
 * Deleting thousands of blocks at once: select all (or a long stretch), then
 * type, delete, cut, paste or press Enter.
 *
 * Slate deletes a range as one remove_node operation per block it covers,
 * each of which copies the body's block list, and @slate-yjs/core turns each
 * into a Yjs deletion that Yjs tidies up by walking the blocks deleted before
 * it: n blocks cost n² (select all and type a letter in 10,000 paragraphs: 5 s
 * in the typing tab, 2 s once the library's lookups were made constant in
 * patches/).
 *
 * For a selection over more than BIG_RANGE_BLOCKS top-level blocks, the blocks
 * strictly between its first and last leave Slate's children in one splice
 * (no operations), the selection then spans two neighbouring blocks, and Slate
 * does the rest its usual way (the two ends' text, the merge). The same blocks
 * leave the Yjs root as one deletion at the start of the next flush, in the
 * same transaction as those operations: one update for peers, one undo step.
 */
import { YjsEditor } from '@slate-yjs/core';
import { Range, type Editor, type Point } from 'slate';
import { rootBlocks } from './rootDeltaCache';

/** Selections over more top-level blocks than this take the fast path. */
export const BIG_RANGE_BLOCKS = 200;

export function withBigDelete<T extends Editor & YjsEditor>(editor: T): T {
  const { flushLocalChanges, insertText, deleteFragment, insertFragment, insertBreak } = editor;
  /** Root blocks already gone from Slate's children, still to delete from Yjs. */
  let pending: { index: number; count: number } | null = null;

  editor.flushLocalChanges = () => {
    const cut = pending;
    if (!cut) return flushLocalChanges();
    pending = null;
    const root = editor.sharedRoot;
    // The operations after the splice were made on the shorter list: the deletion goes first.
    root.doc!.transact(() => {
      root.delete(cut.index, cut.count);
      flushLocalChanges();
    }, YjsEditor.origin(editor));
  };

  /** Takes the blocks strictly inside a big selection out of Slate now (and out of Yjs at the next flush). */
  const dropInnerBlocks = () => {
    const selection = editor.selection;
    if (!selection || Range.isCollapsed(selection) || !YjsEditor.connected(editor)) return;
    const [start, end] = Range.edges(selection);
    if (start.path.length !== 2 || end.path.length !== 2) return; // inside a legacy nested list: Slate's way
    const index = start.path[0] + 1;
    const count = end.path[0] - index;
    if (count <= BIG_RANGE_BLOCKS) return;
    YjsEditor.flushLocalChanges(editor); // what came before reaches Yjs on the full list
    if (rootBlocks(editor.sharedRoot) === null) return; // Yjs offsets are block indices only in a root of blocks
    const children = editor.children;
    editor.children = [...children.slice(0, index), ...children.slice(index + count)];
    const moved = (point: Point): Point =>
      point.path[0] < index + count ? point : { path: [point.path[0] - count, ...point.path.slice(1)], offset: point.offset };
    editor.selection = { anchor: moved(selection.anchor), focus: moved(selection.focus) };
    pending = { index, count };
  };

  editor.insertText = (text, options) => {
    if (!options?.at) dropInnerBlocks();
    insertText(text, options);
  };
  editor.deleteFragment = (options) => {
    dropInnerBlocks();
    deleteFragment(options);
  };
  editor.insertFragment = (fragment, options) => {
    if (!options?.at) dropInnerBlocks();
    insertFragment(fragment, options);
  };
  editor.insertBreak = () => {
    dropInnerBlocks();
    insertBreak();
  };
  return editor;
}
