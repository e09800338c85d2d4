/**
 * Slate points ⇄ Yjs relative positions for the caret, without copying the
 * body's block list.
 *
 * @slate-yjs/core's conversions find a block by copying the body's list of
 * blocks (`normalizeInsertDelta`) on every call: at 10,000 paragraphs each
 * call allocates ~100–200 KB, and the caret is converted several times per
 * keystroke (stored selection, presence, remote carets). In a CPU-bound page
 * that garbage is what the collector then pauses typing for
 * (bench/pageAllocation.ts: 2.1 MB allocated per keystroke, a fifth of it
 * here; most of the rest was the library's own lookups, patches/). A point
 * inside a top-level block — every caret in Concord's flat
 * model — is converted here with the root's cached block list instead
 * (rootDeltaCache.ts): the same positions, a point's block found by index, a
 * position's block by one scan of that list (no allocation). Anything else
 * (legacy nested lists, a root that is not cached) takes the library's way.
 */
import { relativePositionToSlatePoint, slatePointToRelativePosition } from '@slate-yjs/core';
import { Element, Text, type Editor, type Point } from 'slate';
import * as Y from 'yjs';
import { STORED_POSITION_PREFIX } from '../protocol/document';
import { rootBlocks } from './rootDeltaCache';

type Root = Y.XmlText;

/** The leaves of the top-level block a point of length-2 path is in, if the fast way applies. */
function leavesAt(editor: Editor, root: Root, blockIndex: number): { leaves: Text[]; yBlock: Y.XmlText } | null {
  const blocks = rootBlocks(root);
  if (!blocks || blocks.length !== editor.children.length) return null;
  const yBlock = blocks[blockIndex]?.insert;
  const block = editor.children[blockIndex];
  if (!(yBlock instanceof Y.XmlText) || !Element.isElement(block)) return null;
  const leaves = block.children;
  for (const leaf of leaves) if (!Text.isText(leaf)) return null;
  return { leaves: leaves as Text[], yBlock };
}

/** Same as @slate-yjs/core's slatePointToRelativePosition. */
export function pointToRelativePosition(editor: Editor, root: Root, point: Point): Y.RelativePosition {
  const found = point.path.length === 2 ? leavesAt(editor, root, point.path[0]) : null;
  const leafIndex = point.path[1];
  if (!found || leafIndex >= found.leaves.length) return slatePointToRelativePosition(root, editor, point);
  let start = 0;
  for (let i = 0; i < leafIndex; i++) start += found.leaves[i].text.length;
  const end = start + found.leaves[leafIndex].text.length;
  const index = start + point.offset;
  return Y.createRelativePositionFromTypeIndex(found.yBlock, index, index === end ? -1 : 0);
}

/** Same as @slate-yjs/core's relativePositionToSlatePoint: null if the position's item is gone for good. */
export function relativePositionToPoint(editor: Editor, root: Root, position: Y.RelativePosition): Point | null {
  const absolute = Y.createAbsolutePositionFromRelativePosition(position, root.doc!);
  if (!absolute) return null;
  const { type, index, assoc } = absolute;
  const blocks = type instanceof Y.XmlText && type.parent === root ? rootBlocks(root) : null;
  const blockIndex = blocks && blocks.length === editor.children.length ? blocks.findIndex((entry) => entry.insert === type) : -1;
  const block = blockIndex >= 0 ? editor.children[blockIndex] : null;
  if (!block || !Element.isElement(block)) return relativePositionToSlatePoint(root, editor, position);
  // Which leaf and where in it (the library's yOffsetToSlateOffsets, leaves only).
  const leaves = block.children;
  let offset = 0;
  let lastNonEmpty = 0;
  for (let i = 0; i < leaves.length; i++) {
    const leaf = leaves[i];
    if (!Text.isText(leaf)) return relativePositionToSlatePoint(root, editor, position);
    const length = leaf.text.length;
    if (length > 0) lastNonEmpty = i;
    const end = offset + length;
    if (length > 0 && (assoc >= 0 ? end > index : end >= index)) return { path: [blockIndex, i], offset: index - offset };
    offset = end;
  }
  if (index > offset) throw new Error('yOffset out of bounds');
  const last = leaves[lastNonEmpty];
  return { path: [blockIndex, lastNonEmpty], offset: Text.isText(last) ? last.text.length : 1 };
}

/** Same as YjsEditor.position: the point stored under `key`, undefined if none is stored. */
export function storedPoint(editor: Editor, root: Root, key: string): Point | null | undefined {
  const bytes = root.getAttribute(STORED_POSITION_PREFIX + key) as Uint8Array | undefined;
  if (!bytes) return undefined;
  return relativePositionToPoint(editor, root, Y.decodeRelativePosition(bytes));
}
