/**
 * `withRichText(editor)`: markdown shortcuts, Enter/Backspace rules for lists,
 * headings and quotes, and the list-attribute normalization. Overrides only insertText,
 * insertBreak, deleteBackward and normalizeNode, and changes the document only
 * through Transforms, so it composes outside withYjs / withYHistory / withCursors.
 */
import { Editor, Element, Path, Point, Range, Transforms, type Node, type NodeEntry } from 'slate';
import { BlockType, ListType } from '../../protocol/document';
import type { BlockElement } from '../schema';
import { outdentListItem, toggleBlock, type ToggleableBlock } from './commands';
import { clampIndent, isLegacyList, isListItem, isValidListType } from './lists';

/** Markers that, typed at the start of a paragraph and followed by a space, set its block type. */
export const MARKDOWN_SHORTCUTS: Readonly<Record<string, ToggleableBlock>> = {
  '#': BlockType.headingOne,
  '##': BlockType.headingTwo,
  '-': BlockType.bulletedList,
  '*': BlockType.bulletedList,
  '1.': BlockType.numberedList,
  '>': BlockType.blockQuote,
};

/** The innermost text block holding the (collapsed) selection. */
function textBlockAtCursor(editor: Editor): NodeEntry<BlockElement> | undefined {
  const { selection } = editor;
  if (!selection || !Range.isCollapsed(selection)) return undefined;
  return Editor.above<BlockElement>(editor, {
    at: selection,
    match: (n) => Element.isElement(n) && Editor.isBlock(editor, n),
    mode: 'lowest',
  });
}

function isEmptyBlock(node: BlockElement): boolean {
  return node.children.every((child) => 'text' in child && child.text === '');
}

const HEADINGS: readonly string[] = [BlockType.headingOne, BlockType.headingTwo];
const RESETS_ON_BACKSPACE: readonly string[] = [BlockType.headingOne, BlockType.headingTwo, BlockType.blockQuote];

export function withRichText<T extends Editor>(editor: T): T {
  const { insertText, insertBreak, deleteBackward, normalizeNode } = editor;

  editor.insertText = (text, options) => {
    const block = text === ' ' && !options?.at ? textBlockAtCursor(editor) : undefined;
    if (block && block[0].type === BlockType.paragraph) {
      const [, path] = block;
      const cursor = editor.selection!.anchor;
      const beforeRange = { anchor: Editor.start(editor, path), focus: cursor };
      const format = MARKDOWN_SHORTCUTS[Editor.string(editor, beforeRange)];
      if (format) {
        Editor.withoutNormalizing(editor, () => {
          Transforms.delete(editor, { at: beforeRange });
          toggleBlock(editor, format);
        });
        return;
      }
    }
    insertText(text, options);
  };

  editor.insertBreak = () => {
    const block = textBlockAtCursor(editor);
    if (!block) return insertBreak();
    const [node, path] = block;

    if (isListItem(node) && isEmptyBlock(node)) {
      // Leave the list: one level up when indented, a paragraph at indent 0.
      outdentListItem(editor);
      return;
    }
    if (node.type === BlockType.blockQuote && isEmptyBlock(node)) {
      Transforms.setNodes(editor, { type: BlockType.paragraph }, { at: path });
      return;
    }
    if (HEADINGS.includes(node.type) && Editor.isEnd(editor, editor.selection!.anchor, path)) {
      Editor.withoutNormalizing(editor, () => {
        insertBreak();
        Transforms.setNodes(editor, { type: BlockType.paragraph }, { at: Path.next(path) });
      });
      return;
    }
    insertBreak();
  };

  editor.deleteBackward = (unit) => {
    const block = textBlockAtCursor(editor);
    if (block) {
      const [node, path] = block;
      const atStart = Point.equals(editor.selection!.anchor, Editor.start(editor, path));
      if (atStart && isListItem(node)) {
        // Indented items outdent one level first; items at indent 0 become paragraphs.
        outdentListItem(editor);
        return;
      }
      if (atStart && RESETS_ON_BACKSPACE.includes(node.type)) {
        Transforms.setNodes(editor, { type: BlockType.paragraph }, { at: path });
        return;
      }
    }
    deleteBackward(unit);
  };

  /*
   * Every normalization op is replicated to every peer, and peers normalize the
   * same remote state independently. So these rules only ever set or remove an
   * attribute, to a value that depends only on the node (and its parent), so
   * two peers make the same change and Yjs merges it into one: no inserts,
   * wraps, unwraps or moves, which two peers would each perform and so
   * duplicate content. Legacy list containers are left in place for the same
   * reason.
   */
  editor.normalizeNode = (entry, options) => {
    const [node, path] = entry as NodeEntry<Node>;
    if (isListItem(node)) {
      const parent = path.length > 1 ? Editor.node(editor, Path.parent(path))[0] : undefined;
      // An item of an old nested numbered list keeps its numbers.
      const fallback = isLegacyList(parent) && parent.type === BlockType.numberedList ? ListType.numbered : ListType.bulleted;
      const listType = isValidListType(node.listType) ? node.listType : fallback;
      const indent = clampIndent(node.indent);
      if (listType !== node.listType || indent !== node.indent) {
        Transforms.setNodes(editor, { listType, indent }, { at: path });
        return;
      }
    } else if (Element.isElement(node)) {
      // List attributes left on another block, e.g. one peer ended the item
      // while another indented it.
      const stray = (['listType', 'indent'] as const).filter((key) => key in node);
      if (stray.length > 0) {
        Transforms.unsetNodes(editor, stray, { at: path });
        return;
      }
      if (isLegacyList(node) && !node.children.some((child) => Element.isElement(child))) {
        // A legacy list left without items (only text) is a plain line.
        Transforms.setNodes(editor, { type: BlockType.paragraph }, { at: path });
        return;
      }
    }
    normalizeNode(entry, options);
  };

  return editor;
}
