/**
 * Builders for headless rich-text tests: a `withRichText(createEditor())` with a
 * given tree and selection, and short constructors for the tree.
 */
import { createEditor, Editor, Element, Transforms, type Descendant, type Operation, type Path, type Point } from 'slate';
import { BlockType, ListType, MAX_LIST_INDENT } from '../../protocol/document';
import type { BlockElement, FormattedText } from '../schema';
import { isLegacyList, isListItem } from './lists';
import { withRichText } from './withRichText';

type Content = string | FormattedText;

export const t = (text: string, marks: Omit<FormattedText, 'text'> = {}): FormattedText => ({ text, ...marks });
const texts = (children: Content[]): FormattedText[] =>
  children.length === 0 ? [t('')] : children.map((c) => (typeof c === 'string' ? t(c) : c));
const block =
  (type: BlockElement['type']) =>
  (...children: Content[]): BlockElement => ({ type, children: texts(children) });
export const p = block(BlockType.paragraph);
export const h1 = block(BlockType.headingOne);
export const h2 = block(BlockType.headingTwo);
export const quote = block(BlockType.blockQuote);

/** A flat bulleted item: `bullet('milk')`, `bullet('skim', 1)`, `bullet([t('a', { bold: true })], 2)`. */
export const bullet = (content: Content | Content[] = '', indent = 0): BlockElement => listItem(ListType.bulleted, content, indent);
/** A flat numbered item, as `bullet`. */
export const numbered = (content: Content | Content[] = '', indent = 0): BlockElement => listItem(ListType.numbered, content, indent);
function listItem(listType: ListType, content: Content | Content[], indent: number): BlockElement {
  return { type: BlockType.listItem, listType, indent, children: texts(Array.isArray(content) ? content : [content]) };
}

/** Legacy nested model: a bare `list-item` and its `bulleted-list` / `numbered-list` containers. */
export const legacyLi = block(BlockType.listItem);
export const legacyUl = (...children: BlockElement[]): BlockElement => ({ type: BlockType.bulletedList, children });
export const legacyOl = (...children: BlockElement[]): BlockElement => ({ type: BlockType.numberedList, children });

/** A point in the first text of the block at `path`. */
export const at = (path: Path, offset = 0): Point => ({ path: [...path, 0], offset });

/**
 * A headless rich-text editor holding `children` (assigned directly: test setup
 * only, production code never replaces `editor.children`), with a collapsed
 * cursor at `cursor` or a range `[anchor, focus]`.
 */
export function setup(children: Descendant[], cursor?: Point | [Point, Point], base: Editor = createEditor()): Editor {
  const editor = withRichText(base);
  editor.children = children;
  if (cursor) {
    const [anchor, focus] = Array.isArray(cursor) ? cursor : [cursor, cursor];
    Transforms.select(editor, { anchor, focus });
  }
  return editor;
}

/** Records the operations `fn` applies to `editor`. */
export function recordOps(editor: Editor, fn: () => void): Operation[] {
  const ops: Operation[] = [];
  const { apply } = editor;
  editor.apply = (op) => {
    ops.push(op);
    apply(op);
  };
  try {
    fn();
  } finally {
    editor.apply = apply;
  }
  return ops;
}

/** The types of the operations `fn` applies that change the document (selection ops left out). */
export function docOpTypes(editor: Editor, fn: () => void): Operation['type'][] {
  return recordOps(editor, fn)
    .map((op) => op.type)
    .filter((type) => type !== 'set_selection');
}

/** The operations a forced full normalization would apply now (expected: none). */
export function pendingNormalizationOps(editor: Editor): Operation[] {
  return recordOps(editor, () => Editor.normalize(editor, { force: true }));
}

/**
 * Breaks of the flat list model, as readable strings (expected: none): every
 * block is top-level with only text children, there are no legacy containers,
 * list items have a valid listType and an integer indent in 0..MAX_LIST_INDENT,
 * and no other block carries list attributes.
 */
export function flatListProblems(nodes: Descendant[]): string[] {
  const problems: string[] = [];
  nodes.forEach((node, index) => {
    if (!Element.isElement(node)) return void problems.push(`text at top level ${index}`);
    if (isLegacyList(node)) problems.push(`legacy ${node.type} at ${index}`);
    if (node.children.some((child) => Element.isElement(child))) problems.push(`nested block in ${node.type} at ${index}`);
    if (isListItem(node)) {
      if (node.listType !== ListType.bulleted && node.listType !== ListType.numbered) {
        problems.push(`list-item with listType ${String(node.listType)} at ${index}`);
      }
      if (!Number.isInteger(node.indent) || node.indent! < 0 || node.indent! > MAX_LIST_INDENT) {
        problems.push(`list-item with indent ${String(node.indent)} at ${index}`);
      }
    } else if ('listType' in node || 'indent' in node) {
      problems.push(`${node.type} with list attributes at ${index}`);
    }
  });
  return problems;
}
