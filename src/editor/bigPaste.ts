/**
 * Pasting thousands of blocks at once.
 *
 * Slate pastes a fragment as one operation per block, and @slate-yjs/core
 * turns each operation into Yjs inside one transaction, looking its target up
 * through the body's root each time; Slate also re-maps every pending dirty
 * path on each operation. Both are linear per block, so a paste of n blocks
 * costs n² (15,000 lines took 10 s in the paste handler and 45 s to show, in
 * a 10,000-paragraph document, before this), and it leaves as one update of
 * megabytes.
 *
 * For a fragment of more than BIG_FRAGMENT_BLOCKS top-level blocks, Slate
 * still pastes the first and the last block (they merge with the text around
 * the caret, as in any paste), and the blocks between them go straight into
 * the Yjs root, BLOCKS_PER_TRANSACTION at a time. @slate-yjs/core applies each
 * of those transactions to Slate like a peer's change, so Slate and Yjs agree,
 * and each leaves as an update of its own. The undo manager tracks their
 * origin, and they are made in one go, so one undo takes the whole paste back.
 */
import { YjsEditor, slateNodesToInsertDelta } from '@slate-yjs/core';
import { Element, Range, type Descendant, type Editor } from 'slate';

/** Fragments with more top-level blocks than this take the fast path. */
export const BIG_FRAGMENT_BLOCKS = 200;

/** Blocks inserted per Yjs transaction (about 60 KB of ordinary text). */
const BLOCKS_PER_TRANSACTION = 500;

/**
 * Origin of the Yjs transactions that insert a big paste's middle blocks
 * (tracked by the undo manager: this user's edit).
 */
export const BIG_PASTE_ORIGIN = Symbol('big-paste');

export function withBigPaste<T extends Editor & YjsEditor>(editor: T): T {
  const { insertFragment } = editor;
  editor.insertFragment = (fragment, options) => {
    const blocks = fragment.length > BIG_FRAGMENT_BLOCKS && !options?.at && fragment.every((node) => Element.isElement(node) && !editor.isInline(node));
    if (!blocks || !editor.selection || !YjsEditor.connected(editor)) return insertFragment(fragment, options);

    insertFragment([fragment[0], fragment[fragment.length - 1]], options);
    const caret = editor.selection as Range | null;
    if (!caret || caret.anchor.path.length !== 2) {
      // Not in a top-level block (a legacy nested list): the plain way, for the rest.
      insertFragment(fragment.slice(1, -1), options);
      return;
    }
    YjsEditor.flushLocalChanges(editor); // the two merged ends are in Yjs before the middle goes in
    insertBlocksBefore(editor, caret.anchor.path[0], fragment.slice(1, -1) as Descendant[]);
  };
  return editor;
}

/** Inserts `blocks` into the Yjs root before the top-level block at `index`. */
function insertBlocksBefore(editor: YjsEditor, index: number, blocks: Descendant[]): void {
  const root = editor.sharedRoot;
  const doc = root.doc!;
  for (let from = 0; from < blocks.length; from += BLOCKS_PER_TRANSACTION) {
    const batch = blocks.slice(from, from + BLOCKS_PER_TRANSACTION);
    doc.transact(() => {
      root.applyDelta([{ retain: index + from }, ...slateNodesToInsertDelta(batch)], { sanitize: false });
    }, BIG_PASTE_ORIGIN);
  }
}
