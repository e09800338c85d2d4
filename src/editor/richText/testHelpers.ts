/**
 * Builders for headless rich-text tests: a `withRichText(createEditor())` with a
 * given tree and selection, and short constructors for the tree.
 */
import { createEditor, Editor, Element, Path, Transforms, type Descendant, type Operation, type Point } from 'slate';
import { BlockType } from '../../protocol/document';
import type { BlockElement, FormattedText } from '../schema';
import { isListElement, isListItem } from './commands';
import { withRichText } from './withRichText';

export const t = (text: string, marks: Omit<FormattedText, 'text'> = {}): FormattedText => ({ text, ...marks });
const block =
  (type: BlockElement['type']) =>
  (...children: (string | FormattedText)[]): BlockElement => ({
    type,
    children: children.length === 0 ? [t('')] : children.map((c) => (typeof c === 'string' ? t(c) : c)),
  });
export const p = block(BlockType.paragraph);
export const h1 = block(BlockType.headingOne);
export const h2 = block(BlockType.headingTwo);
export const quote = block(BlockType.blockQuote);
export const li = block(BlockType.listItem);
export const ul = (...children: BlockElement[]): BlockElement => ({ type: BlockType.bulletedList, children });
export const ol = (...children: BlockElement[]): BlockElement => ({ type: BlockType.numberedList, children });

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

/** The operations a forced full normalization would apply now (expected: none). */
export function pendingNormalizationOps(editor: Editor): Operation[] {
  return recordOps(editor, () => Editor.normalize(editor, { force: true }));
}

/** Problems with the list structure, as readable strings (expected: none). */
export function listProblems(nodes: Descendant[], parentIsList = false, path: Path = []): string[] {
  const problems: string[] = [];
  nodes.forEach((node, index) => {
    if (!Element.isElement(node)) return;
    const here = [...path, index];
    if (isListItem(node) && !parentIsList) problems.push(`list-item outside a list at ${here.join('.')}`);
    if (parentIsList && !isListItem(node) && !isListElement(node)) {
      problems.push(`${node.type} inside a list at ${here.join('.')}`);
    }
    if (isListElement(node) && !node.children.some((c) => Element.isElement(c))) problems.push(`list without items at ${here.join('.')}`);
    problems.push(...listProblems(node.children, isListElement(node), here));
  });
  return problems;
}
