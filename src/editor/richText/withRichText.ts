/**
 * `withRichText(editor)`: markdown shortcuts, Enter/Backspace rules for lists,
 * headings and quotes, and the list normalization. Overrides only insertText,
 * insertBreak, deleteBackward and normalizeNode, and changes the document only
 * through Transforms, so it composes outside withYjs / withYHistory / withCursors.
 */
import { Editor, Element, Path, Point, Range, Transforms, type Node, type NodeEntry } from 'slate';
import { BlockType } from '../../protocol/document';
import type { BlockElement } from '../schema';
import { isListElement, isListItem, outdentListItem, toggleBlock, type ToggleableBlock } from './commands';

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
      // Leave the list: one level up when nested, a paragraph at the top level.
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
        // Nested items outdent one level first; top-level items become paragraphs.
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
   * same remote state independently. So these rules only ever *set* a type
   * (concurrent identical sets converge to one value): no inserts, wraps or
   * moves, which two peers would each perform and so duplicate content.
   */
  editor.normalizeNode = (entry, options) => {
    const [node, path] = entry as NodeEntry<Node>;
    if (isListElement(node)) {
      if (!node.children.some((child) => Element.isElement(child))) {
        // A list without items (all removed, or left with bare text) is a plain line.
        Transforms.setNodes(editor, { type: BlockType.paragraph }, { at: path });
        return;
      }
      for (const [index, child] of node.children.entries()) {
        if (Element.isElement(child) && !isListItem(child) && !isListElement(child)) {
          Transforms.setNodes(editor, { type: BlockType.listItem }, { at: [...path, index] });
          return;
        }
      }
    } else if (isListItem(node)) {
      const parent = path.length > 0 ? Editor.node(editor, Path.parent(path))[0] : undefined;
      if (!isListElement(parent)) {
        Transforms.setNodes(editor, { type: BlockType.paragraph }, { at: path });
        return;
      }
    }
    normalizeNode(entry, options);
  };

  return editor;
}
