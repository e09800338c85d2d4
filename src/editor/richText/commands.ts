/**
 * Rich-text commands: marks, block types and list indentation, written only with
 * Slate Transforms so that @slate-yjs/core replicates every step as an op.
 *
 * Block and list commands only ever change attributes (`set_node`): lists are
 * flat (see lists.ts), so making, retyping, indenting and ending a list never
 * moves, wraps or unwraps a node, and two users doing it at once cannot
 * duplicate or drop content.
 */
import { Editor, Element, Range, Transforms, type NodeEntry } from 'slate';
import { BlockType, MAX_LIST_INDENT, type Mark } from '../../protocol/document';
import type { BlockElement } from '../schema';
import { clampIndent, isListFormat, isListItem, LIST_FORMATS, type ListFormat } from './lists';

export { isListItem } from './lists';

/** Block types the toolbar and `toggleBlock` can set on a text block. */
export type ToggleableBlock =
  | typeof BlockType.paragraph
  | typeof BlockType.headingOne
  | typeof BlockType.headingTwo
  | typeof BlockType.blockQuote
  | ListFormat;

// ---------------------------------------------------------------- marks

/** Whether the mark is on at the selection (Slate's `Editor.marks`: the leaf at the anchor, or pending marks). */
export function isMarkActive(editor: Editor, mark: Mark): boolean {
  return marksHave(Editor.marks(editor), mark);
}

/** Whether these marks (Editor.marks) include this one; see isMarkActive. */
export function marksHave(marks: ReturnType<typeof Editor.marks>, mark: Mark): boolean {
  return marks?.[mark] === true;
}

/** Adds the mark to the selection, or removes it when it is already active. */
export function toggleMark(editor: Editor, mark: Mark): void {
  if (isMarkActive(editor, mark)) Editor.removeMark(editor, mark);
  else Editor.addMark(editor, mark, true);
}

// ---------------------------------------------------------------- blocks

/**
 * The text blocks (elements whose children are text) touched by the selection, in
 * document order. These are what the user thinks of as "the lines I selected".
 */
export function selectedTextBlocks(editor: Editor, at: Range | null = editor.selection): NodeEntry<BlockElement>[] {
  if (!at) return [];
  return Array.from(
    Editor.nodes<BlockElement>(editor, {
      at: Editor.unhangRange(editor, at, { voids: true }),
      match: (n) => Element.isElement(n) && Editor.isBlock(editor, n) && Editor.hasInlines(editor, n),
      mode: 'lowest',
    }),
  );
}

/**
 * Whether every selected line has this block type. For a list format, whether
 * every selected line is a list item of that list type.
 */
export function isBlockActive(editor: Editor, format: ToggleableBlock): boolean {
  return blocksHaveFormat(selectedTextBlocks(editor), format);
}

/** Whether these lines (selectedTextBlocks) all have this block type; see isBlockActive. */
export function blocksHaveFormat(blocks: NodeEntry<BlockElement>[], format: ToggleableBlock): boolean {
  if (blocks.length === 0) return false;
  if (isListFormat(format)) {
    return blocks.every(([node]) => isListItem(node) && node.listType === LIST_FORMATS[format]);
  }
  return blocks.every(([node]) => node.type === format);
}

type BlockProps = Pick<BlockElement, 'type' | 'listType' | 'indent'>;

/**
 * Gives the block at `path` exactly these attributes: sets those that differ and
 * removes `listType` / `indent` when absent from `props`. Emits no op for what
 * is already so, so repeating a command is silent.
 */
function setBlock(editor: Editor, [node, path]: NodeEntry<BlockElement>, props: BlockProps): void {
  const changed: Partial<BlockProps> = {};
  for (const key of ['type', 'listType', 'indent'] as const) {
    if (props[key] !== undefined && props[key] !== node[key]) Object.assign(changed, { [key]: props[key] });
  }
  if (Object.keys(changed).length > 0) Transforms.setNodes(editor, changed, { at: path });
  const removed = (['listType', 'indent'] as const).filter((key) => props[key] === undefined && key in node);
  if (removed.length > 0) Transforms.unsetNodes(editor, removed, { at: path });
}

/** The attributes of a plain (non-list) block of this type. */
const plain = (type: BlockElement['type']): BlockProps => ({ type });

/**
 * Sets the selected lines to `format`, or back to paragraphs when they all have
 * it already. A list format makes each line a list item of that type; a line
 * that already is a list item keeps its indent.
 */
export function toggleBlock(editor: Editor, format: ToggleableBlock): void {
  const blocks = selectedTextBlocks(editor);
  if (blocks.length === 0) return;
  const active = isBlockActive(editor, format);

  Editor.withoutNormalizing(editor, () => {
    for (const entry of blocks) {
      const [node] = entry;
      if (active) setBlock(editor, entry, plain(BlockType.paragraph));
      else if (isListFormat(format)) {
        const indent = isListItem(node) ? clampIndent(node.indent) : 0;
        setBlock(editor, entry, { type: BlockType.listItem, listType: LIST_FORMATS[format], indent });
      } else setBlock(editor, entry, plain(format));
    }
  });
}

// ---------------------------------------------------------------- list indentation

function selectedListItems(editor: Editor): NodeEntry<BlockElement>[] {
  return selectedTextBlocks(editor).filter(([node]) => isListItem(node));
}

/** Whether the selection touches a list item. */
export function isInList(editor: Editor): boolean {
  return selectedListItems(editor).length > 0;
}

/**
 * Tab: raises the indent of every selected list item by one, up to
 * MAX_LIST_INDENT. Other selected lines are left alone. Returns whether
 * anything changed.
 */
export function indentListItem(editor: Editor): boolean {
  let changed = false;
  Editor.withoutNormalizing(editor, () => {
    for (const [node, path] of selectedListItems(editor)) {
      const indent = clampIndent(node.indent);
      if (indent >= MAX_LIST_INDENT) continue;
      Transforms.setNodes(editor, { indent: indent + 1 }, { at: path });
      changed = true;
    }
  });
  return changed;
}

/**
 * Shift+Tab (and Enter in an empty item, Backspace at an item's start): lowers
 * the indent of every selected list item by one; an item at indent 0 becomes a
 * paragraph. Returns whether anything changed.
 */
export function outdentListItem(editor: Editor): boolean {
  const items = selectedListItems(editor);
  Editor.withoutNormalizing(editor, () => {
    for (const entry of items) outdentItem(editor, entry);
  });
  return items.length > 0;
}

function outdentItem(editor: Editor, entry: NodeEntry<BlockElement>): void {
  const [node, path] = entry;
  const indent = clampIndent(node.indent);
  if (indent > 0) Transforms.setNodes(editor, { indent: indent - 1 }, { at: path });
  else setBlock(editor, entry, plain(BlockType.paragraph));
}
