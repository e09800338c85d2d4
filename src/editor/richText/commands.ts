/**
 * Rich-text commands: marks, block types and list nesting, written only with
 * Slate Transforms so that @slate-yjs/core replicates every step as an op.
 *
 * List shape (the same as Slate's richtext example, plus nesting):
 *
 *   bulleted-list | numbered-list
 *     list-item            (text children only)
 *     bulleted-list | numbered-list   ← a sub-list: the children of the item before it
 *       list-item
 *
 * A list-item holds text, so a nested list cannot live inside it (Slate forbids
 * mixing text and block children); it is the list-item's next sibling instead.
 */
import { Editor, Element, Path, Range, Transforms, type NodeEntry } from 'slate';
import { BlockType, type Mark } from '../../protocol/document';
import type { BlockElement, ListType } from '../schema';

/** Block types the toolbar and `toggleBlock` can set on a text block. */
export type ToggleableBlock =
  | typeof BlockType.paragraph
  | typeof BlockType.headingOne
  | typeof BlockType.headingTwo
  | typeof BlockType.blockQuote
  | ListType;

export const LIST_TYPES: readonly ListType[] = [BlockType.bulletedList, BlockType.numberedList];

/** True for a `bulleted-list` or `numbered-list` element. */
export function isListElement(node: unknown): node is BlockElement & { type: ListType } {
  return Element.isElement(node) && (LIST_TYPES as readonly string[]).includes(node.type);
}

/** True for a `list-item` element. */
export function isListItem(node: unknown): boolean {
  return Element.isElement(node) && node.type === BlockType.listItem;
}

// ---------------------------------------------------------------- marks

/** Whether the mark is on at the selection (Slate's `Editor.marks`: the leaf at the anchor, or pending marks). */
export function isMarkActive(editor: Editor, mark: Mark): boolean {
  const marks = Editor.marks(editor);
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

/** The list a list-item path sits in, or undefined. */
function parentList(editor: Editor, path: Path): NodeEntry<BlockElement> | undefined {
  if (path.length < 2) return undefined;
  const parent = Editor.node(editor, Path.parent(path));
  return isListElement(parent[0]) ? (parent as NodeEntry<BlockElement>) : undefined;
}

/**
 * Whether every selected line has this block type. For a list type, whether every
 * selected line is a list-item whose own (innermost) list has that type.
 */
export function isBlockActive(editor: Editor, format: ToggleableBlock): boolean {
  const blocks = selectedTextBlocks(editor);
  if (blocks.length === 0) return false;
  if (isListType(format)) {
    return blocks.every(([node, path]) => isListItem(node) && parentList(editor, path)?.[0].type === format);
  }
  return blocks.every(([node]) => node.type === format);
}

function isListType(format: string): format is ListType {
  return (LIST_TYPES as readonly string[]).includes(format);
}

/**
 * Sets the selected lines to `format`, or back to paragraphs when they all have it
 * already. Lists: lines outside lists are wrapped in one new list; items in a
 * list of the other type switch that (innermost) list's type, keeping nesting;
 * toggling a list off lifts the items out of every list level.
 */
export function toggleBlock(editor: Editor, format: ToggleableBlock): void {
  const blocks = selectedTextBlocks(editor);
  if (blocks.length === 0) return;
  const active = isBlockActive(editor, format);

  Editor.withoutNormalizing(editor, () => {
    if (isListType(format) && !active && blocks.every(([node]) => isListItem(node))) {
      // Already list items, only the list type differs: retype their own lists.
      const listPaths = new Map<string, Path>();
      for (const [, path] of blocks) {
        const list = parentList(editor, path);
        if (list) listPaths.set(list[1].join(','), list[1]);
      }
      for (const path of listPaths.values()) Transforms.setNodes(editor, { type: format }, { at: path });
      return;
    }

    liftOutOfLists(editor);
    if (isListType(format) && !active) {
      Transforms.setNodes(editor, { type: BlockType.listItem }, { match: isTextBlockMatcher(editor), mode: 'lowest' });
      Transforms.wrapNodes(editor, { type: format, children: [] }, { match: isListItem, mode: 'lowest' });
    } else {
      const type = active || isListType(format) ? BlockType.paragraph : format;
      Transforms.setNodes(editor, { type }, { match: isTextBlockMatcher(editor), mode: 'lowest' });
    }
  });
}

function isTextBlockMatcher(editor: Editor) {
  return (n: unknown): boolean => Element.isElement(n) && Editor.isBlock(editor, n) && Editor.hasInlines(editor, n);
}

/** Lifts the selected lines out of all enclosing lists (splitting them), without retyping. */
function liftOutOfLists(editor: Editor): void {
  Transforms.unwrapNodes(editor, { match: isListElement, split: true, mode: 'all' });
}

// ---------------------------------------------------------------- list nesting

/**
 * The selected children of one list that Tab/Shift+Tab act on: the shallowest
 * selected list-items that share a parent list, plus any sub-lists between them.
 * Returns the list's path and the first/last child index, or undefined when the
 * selection is not in a list.
 */
function selectedListRun(editor: Editor): { listPath: Path; first: number; last: number } | undefined {
  const items = selectedTextBlocks(editor).filter(([node, path]) => isListItem(node) && parentList(editor, path));
  if (items.length === 0) return undefined;
  const depth = Math.min(...items.map(([, path]) => path.length));
  const shallowest = items.filter(([, path]) => path.length === depth);
  const listPath = Path.parent(shallowest[0][1]);
  const siblings = shallowest.filter(([, path]) => Path.equals(Path.parent(path), listPath));
  return {
    listPath,
    first: siblings[0][1][depth - 1],
    last: siblings[siblings.length - 1][1][depth - 1],
  };
}

/** Whether the selection is inside a list item. */
export function isInList(editor: Editor): boolean {
  return selectedListRun(editor) !== undefined;
}

/**
 * Tab: nests the selected item(s) one level deeper, under the previous item. If
 * the previous sibling is already a sub-list the items join its end; otherwise a
 * new sub-list of the same list type is created. An item's own sub-list moves
 * with it. The first item of a list has nothing to nest under and stays.
 * Returns whether anything changed.
 */
export function indentListItem(editor: Editor): boolean {
  const run = selectedListRun(editor);
  if (!run || run.first === 0) return false;
  const { listPath, first } = run;
  const [list] = Editor.node(editor, listPath) as NodeEntry<BlockElement>;
  // Take the last item's sub-list along: it holds that item's children.
  const last = isListElement(list.children[run.last + 1]) ? run.last + 1 : run.last;
  const count = last - first + 1;
  const previous = list.children[first - 1];

  Editor.withoutNormalizing(editor, () => {
    let targetRef;
    let offset: number;
    if (isListElement(previous)) {
      targetRef = Editor.pathRef(editor, [...listPath, first - 1]);
      offset = previous.children.length;
    } else {
      Transforms.insertNodes(editor, { type: list.type, children: [] }, { at: [...listPath, last + 1] });
      targetRef = Editor.pathRef(editor, [...listPath, last + 1]);
      offset = 0;
    }
    for (let k = 0; k < count; k++) {
      Transforms.moveNodes(editor, { at: [...listPath, first], to: [...targetRef.current!, offset + k] });
    }
    targetRef.unref();
  });
  return true;
}

/**
 * Shift+Tab: moves the selected item(s) one level up, with their own sub-list
 * (their children keep their depth relative to them, as Tab does). A nested item
 * goes after its list in the parent list, and the items after it stay at their
 * depth, so they join its children; a top-level item leaves the list and becomes
 * a paragraph. Returns whether anything changed.
 */
export function outdentListItem(editor: Editor): boolean {
  const run = selectedListRun(editor);
  if (!run) return false;
  const { listPath, first } = run;
  const [list] = Editor.node(editor, listPath) as NodeEntry<BlockElement>;
  const hasOwnSublist = isListElement(list.children[run.last + 1]);
  const last = hasOwnSublist ? run.last + 1 : run.last;
  const hasRest = last < list.children.length - 1;
  const nested = listPath.length >= 2 && isListElement(Editor.node(editor, Path.parent(listPath))[0]);

  Editor.withoutNormalizing(editor, () => {
    const refs = [];
    for (let i = first; i <= last; i++) refs.push(Editor.pathRef(editor, [...listPath, i]));
    for (const ref of refs) {
      // liftNodes splits the list around the node, or removes it once empty.
      if (ref.current) Transforms.liftNodes(editor, { at: ref.current });
    }
    if (!nested) {
      for (const ref of refs) {
        if (ref.current && isListItem(Editor.node(editor, ref.current)[0])) {
          Transforms.setNodes(editor, { type: BlockType.paragraph }, { at: ref.current });
        }
      }
    }
    // The moved sub-list and the split-off rest of the list are now adjacent
    // lists of the same depth: join them so a numbered list keeps counting.
    const sublistPath = refs[refs.length - 1].current;
    if (hasOwnSublist && hasRest && sublistPath) {
      const [sublist] = Editor.node(editor, sublistPath);
      const next = Path.next(sublistPath);
      const rest = Editor.hasPath(editor, next) ? Editor.node(editor, next)[0] : undefined;
      if (isListElement(sublist) && isListElement(rest) && rest.type === sublist.type) {
        Transforms.mergeNodes(editor, { at: next });
      }
    }
    for (const ref of refs) ref.unref();
  });
  return true;
}
