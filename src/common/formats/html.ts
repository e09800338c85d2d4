/**
 * HTML export: our blocks as a hast tree (the HTML syntax tree of the unified
 * ecosystem), serialised by `hast-util-to-html`, which does the escaping.
 * Semantic markup, not the editor's: headings, paragraphs, quotes, nested
 * `<ul>`/`<ol>` lists, `<strong>`, `<em>`, `<u>`, `<code>`, `<br>` for a line
 * break inside a block.
 */
import type { Element, ElementContent, Root, RootContent } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { BlockType } from '../../protocol/document';
import { hasMark, isLeaf, sequenceOf, type DocumentBlock, type DocumentLeaf, type DocumentNode, type ListTree } from './blocks';

function element(tagName: string, children: ElementContent[], properties: Element['properties'] = {}): Element {
  return { type: 'element', tagName, properties, children };
}

function leafContent(leaf: DocumentLeaf): ElementContent[] {
  const lines: ElementContent[] = [];
  leaf.text.split('\n').forEach((line, i) => {
    if (i > 0) lines.push(element('br', []));
    if (line !== '') lines.push({ type: 'text', value: line });
  });
  let content = lines;
  if (hasMark(leaf, 'code')) content = [element('code', content)];
  if (hasMark(leaf, 'italic')) content = [element('em', content)];
  if (hasMark(leaf, 'bold')) content = [element('strong', content)];
  if (hasMark(leaf, 'underline')) content = [element('u', content)];
  return content;
}

function inline(block: DocumentBlock): ElementContent[] {
  return block.children.flatMap((child) => (isLeaf(child) ? leafContent(child) : inline(child)));
}

function list(tree: ListTree): Element {
  return element(
    tree.ordered ? 'ol' : 'ul',
    tree.items.map((item) => element('li', [...inline(item.block), ...item.lists.map(list)])),
  );
}

const TAGS: Record<string, string> = {
  [BlockType.headingOne]: 'h1',
  [BlockType.headingTwo]: 'h2',
  [BlockType.paragraph]: 'p',
};

export function blocksToHast(blocks: ReadonlyArray<DocumentNode>): RootContent[] {
  const out: RootContent[] = [];
  for (const entry of sequenceOf(blocks)) {
    if (entry.kind === 'list') {
      out.push(list(entry));
      continue;
    }
    const { block } = entry;
    if (block.type === BlockType.blockQuote) {
      const paragraph = element('p', inline(block));
      const previous = out[out.length - 1];
      if (previous?.type === 'element' && previous.tagName === 'blockquote') previous.children.push(paragraph);
      else out.push(element('blockquote', [paragraph]));
      continue;
    }
    out.push(element(TAGS[String(block.type)] ?? 'p', inline(block)));
  }
  return out;
}

/** A complete HTML document: `<title>` is the document's title. */
export function blocksToHtml(blocks: ReadonlyArray<DocumentNode>, title: string): string {
  const root: Root = {
    type: 'root',
    children: [
      { type: 'doctype' },
      element('html', [
        element('head', [element('meta', [], { charSet: 'utf-8' }), element('title', [{ type: 'text', value: title || 'Untitled' }])]),
        element('body', blocksToHast(blocks) as ElementContent[]),
      ]),
    ],
  };
  return `${toHtml(root)}\n`;
}
