/**
 * The flat list model. A list line is a top-level block
 *
 *   { type: 'list-item', listType: 'bulleted' | 'numbered', indent: 0..8, children: [text] }
 *
 * and "nesting" is only the `indent` attribute. So every list command is a
 * `set_node`, never a move: @slate-yjs/core replays move_node as delete +
 * insert of a copy, which duplicates an item two users move at once and drops
 * text typed into an item while it moves. Attribute changes merge in Yjs
 * (last writer wins per attribute) and leave the item and its text in place.
 *
 * `bulleted-list` / `numbered-list` containers come only from documents of the
 * earlier nested model; they are displayed, never created or unwrapped.
 */
import { Element, type Descendant } from 'slate';
import { BlockType, ListType, MAX_LIST_INDENT } from '../../protocol/document';
import type { BlockElement } from '../schema';

/** The `toggleBlock` formats that make list items, and the `listType` each sets. */
export const LIST_FORMATS = {
  [BlockType.bulletedList]: ListType.bulleted,
  [BlockType.numberedList]: ListType.numbered,
} as const;
export type ListFormat = keyof typeof LIST_FORMATS;

export function isListFormat(format: string): format is ListFormat {
  return Object.hasOwn(LIST_FORMATS, format);
}

/** True for a `list-item` element. */
export function isListItem(node: unknown): node is BlockElement & { type: typeof BlockType.listItem } {
  return Element.isElement(node) && node.type === BlockType.listItem;
}

/** True for a `bulleted-list` / `numbered-list` container of the legacy nested model. */
export function isLegacyList(node: unknown): node is BlockElement {
  return Element.isElement(node) && isListFormat(node.type);
}

export function isValidListType(value: unknown): value is ListType {
  return value === ListType.bulleted || value === ListType.numbered;
}

/** The item's list type as displayed: a missing or unknown value reads as bulleted. */
export function listTypeOf(item: BlockElement): ListType {
  return isValidListType(item.listType) ? item.listType : ListType.bulleted;
}

/** Clamps any value to an indent: an integer from 0 to MAX_LIST_INDENT (non-numbers are 0). */
export function clampIndent(value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) return 0;
  return Math.min(MAX_LIST_INDENT, Math.max(0, Math.trunc(value)));
}

const ordinalCache = new WeakMap<readonly Descendant[], readonly number[]>();

/**
 * The number each numbered item among `siblings` displays (0 for every other
 * node). An item continues the run of numbered items at its indent; the run ends
 * at a block with a smaller indent, a non-list block, or a bulleted item at the
 * same indent. Deeper items in between do not end it, and neither does a legacy
 * container (in the nested model a sub-list sat between its parent's items).
 *
 * One pass per children array, cached by array identity: Slate replaces the
 * array whenever a child changes, so a cached result is never stale.
 */
export function listOrdinals(siblings: readonly Descendant[]): readonly number[] {
  const cached = ordinalCache.get(siblings);
  if (cached) return cached;
  const runs = new Array<number>(MAX_LIST_INDENT + 1).fill(0);
  const ordinals = siblings.map((node) => {
    if (isLegacyList(node)) return 0;
    if (!isListItem(node)) {
      runs.fill(0);
      return 0;
    }
    const indent = clampIndent(node.indent);
    runs.fill(0, indent + 1);
    if (listTypeOf(node) !== ListType.numbered) {
      runs[indent] = 0;
      return 0;
    }
    return ++runs[indent];
  });
  ordinalCache.set(siblings, ordinals);
  return ordinals;
}

const BULLETS = ['•', '◦', '▪'] as const;

/** The marker shown before an item: a bullet by level (•, ◦, ▪, repeating) or "n." for numbered items. */
export function listMarker(listType: ListType, indent: number, ordinal: number): string {
  return listType === ListType.numbered ? `${ordinal}.` : BULLETS[indent % BULLETS.length];
}
