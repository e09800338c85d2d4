/**
 * Markdown export and import, through mdast (the syntax tree of the unified
 * ecosystem): our blocks → mdast → `mdast-util-to-markdown`, and
 * `mdast-util-from-markdown` → mdast → our blocks. The libraries do the
 * Markdown (escaping, emphasis rules, list markers, CommonMark parsing); this
 * file only maps between the two trees.
 *
 * What survives a round trip: paragraphs, both heading levels, quotes, bulleted
 * and numbered lists with their indent, bold, italic, code and underline
 * (Markdown has no underline: it is written as inline HTML, `<u>…</u>`, which
 * is also what import reads). Line breaks inside a block are hard breaks.
 * Empty paragraphs have no Markdown form and are left out.
 *
 * Import maps what Markdown has and the editor does not: headings of level 3
 * to 6 become level 2, code blocks become paragraphs in code, links and images
 * keep their text, thematic breaks and other HTML are dropped or kept as text.
 */
import type {
  Blockquote,
  Content,
  Heading,
  List,
  ListItem,
  Paragraph,
  PhrasingContent,
  Root,
  RootContent,
} from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { toMarkdown } from 'mdast-util-to-markdown';
import { BlockType, ListType, MAX_LIST_INDENT, type Mark } from '../../protocol/document';
import { hasMark, isLeaf, sequenceOf, type DocumentBlock, type DocumentLeaf, type DocumentNode, type ListTree } from './blocks';

/** Marks outermost first: a run sharing the outer mark is wrapped once (`**a *b***`, not `**a****b**`). */
const NESTED_MARKS = ['underline', 'bold', 'italic'] as const;

function leafNodes(leaf: DocumentLeaf): PhrasingContent[] {
  const out: PhrasingContent[] = [];
  leaf.text.split('\n').forEach((line, i) => {
    if (i > 0) out.push({ type: 'break' });
    if (line === '') return;
    out.push(hasMark(leaf, 'code') ? { type: 'inlineCode', value: line } : { type: 'text', value: line });
  });
  return out;
}

function phrasing(leaves: readonly DocumentLeaf[], marks: readonly (typeof NESTED_MARKS)[number][] = NESTED_MARKS): PhrasingContent[] {
  if (marks.length === 0) return leaves.flatMap(leafNodes);
  const [mark, ...inner] = marks;
  const out: PhrasingContent[] = [];
  let run: DocumentLeaf[] = [];
  let runMarked = false;
  const flush = () => {
    if (run.length === 0) return;
    const children = phrasing(run, inner);
    if (!runMarked || children.length === 0) out.push(...children);
    else if (mark === 'bold') out.push({ type: 'strong', children });
    else if (mark === 'italic') out.push({ type: 'emphasis', children });
    else out.push({ type: 'html', value: '<u>' }, ...children, { type: 'html', value: '</u>' });
    run = [];
  };
  for (const leaf of leaves) {
    if (leaf.text === '') continue;
    const marked = hasMark(leaf, mark);
    if (run.length > 0 && marked !== runMarked) flush();
    run.push(leaf);
    runMarked = marked;
  }
  flush();
  return out;
}

function leavesOf(block: DocumentBlock): DocumentLeaf[] {
  return block.children.flatMap((child) => (isLeaf(child) ? [child] : leavesOf(child)));
}

function listNode(tree: ListTree): List {
  return {
    type: 'list',
    ordered: tree.ordered,
    start: tree.ordered ? 1 : undefined,
    spread: false,
    children: tree.items.map(
      (item): ListItem => ({
        type: 'listItem',
        spread: false,
        children: [{ type: 'paragraph', children: phrasing(leavesOf(item.block)) }, ...item.lists.map(listNode)],
      }),
    ),
  };
}

/** Our blocks as an mdast tree. */
export function blocksToMdast(blocks: ReadonlyArray<DocumentNode>): Root {
  const children: RootContent[] = [];
  for (const entry of sequenceOf(blocks)) {
    if (entry.kind === 'list') {
      children.push(listNode(entry));
      continue;
    }
    const { block } = entry;
    const content = phrasing(leavesOf(block));
    if (content.length === 0) continue; // an empty block has no Markdown form
    if (block.type === BlockType.headingOne || block.type === BlockType.headingTwo) {
      children.push({ type: 'heading', depth: block.type === BlockType.headingOne ? 1 : 2, children: content });
    } else if (block.type === BlockType.blockQuote) {
      const paragraph: Paragraph = { type: 'paragraph', children: content };
      const previous = children[children.length - 1];
      // Consecutive quote blocks are one quote of several paragraphs.
      if (previous?.type === 'blockquote' && (previous as Blockquote & { concord?: boolean }).concord) previous.children.push(paragraph);
      else children.push({ type: 'blockquote', children: [paragraph], concord: true } as Blockquote);
    } else {
      children.push({ type: 'paragraph', children: content });
    }
  }
  for (const child of children) delete (child as { concord?: boolean }).concord;
  return { type: 'root', children };
}

export function blocksToMarkdown(blocks: ReadonlyArray<DocumentNode>): string {
  return toMarkdown(blocksToMdast(blocks), {
    bullet: '-',
    emphasis: '*', // not `_`: emphasis inside a word (un*believ*able) works only with `*`
    strong: '*',
    listItemIndent: 'one',
    fences: true,
    rule: '-',
  });
}

// ---- import ---------------------------------------------------------------

export interface ImportedLeaf {
  text: string;
  bold?: true;
  italic?: true;
  underline?: true;
  code?: true;
}

export interface ImportedBlock {
  type: BlockType;
  listType?: ListType;
  indent?: number;
  children: ImportedLeaf[];
}

type MarkSet = Partial<Record<Mark, true>>;

function sameMarks(a: ImportedLeaf, b: ImportedLeaf): boolean {
  return a.bold === b.bold && a.italic === b.italic && a.underline === b.underline && a.code === b.code;
}

function pushLeaf(out: ImportedLeaf[], text: string, marks: MarkSet): void {
  if (text === '') return;
  const leaf: ImportedLeaf = { text, ...marks };
  const last = out[out.length - 1];
  if (last && sameMarks(last, leaf)) last.text += text;
  else out.push(leaf);
}

/** Phrasing content → leaves. `<u>` and `</u>` are separate html siblings, so underline is a running state. */
function importPhrasing(nodes: readonly (PhrasingContent | Content)[], marks: MarkSet, out: ImportedLeaf[], state: { underline: number }): void {
  for (const node of nodes) {
    const current: MarkSet = state.underline > 0 ? { ...marks, underline: true } : marks;
    switch (node.type) {
      case 'text':
        // A soft line break in Markdown source reads as a space.
        pushLeaf(out, node.value.replace(/\n/g, ' '), current);
        break;
      case 'break':
        pushLeaf(out, '\n', current);
        break;
      case 'inlineCode':
        pushLeaf(out, node.value, { ...current, code: true });
        break;
      case 'strong':
        importPhrasing(node.children, { ...marks, bold: true }, out, state);
        break;
      case 'emphasis':
        importPhrasing(node.children, { ...marks, italic: true }, out, state);
        break;
      case 'html': {
        const tag = node.value.trim().toLowerCase();
        if (tag === '<u>' || tag === '<ins>') state.underline++;
        else if (tag === '</u>' || tag === '</ins>') state.underline = Math.max(0, state.underline - 1);
        else if (/^<br\s*\/?>$/.test(tag)) pushLeaf(out, '\n', current);
        else pushLeaf(out, node.value, current);
        break;
      }
      case 'image':
        pushLeaf(out, node.alt ?? '', current);
        break;
      default:
        if ('children' in node && Array.isArray(node.children)) importPhrasing(node.children as PhrasingContent[], marks, out, state);
        else if ('value' in node && typeof node.value === 'string') pushLeaf(out, node.value, current);
    }
  }
}

function leavesFrom(nodes: readonly (PhrasingContent | Content)[]): ImportedLeaf[] {
  const out: ImportedLeaf[] = [];
  importPhrasing(nodes, {}, out, { underline: 0 });
  return out.length > 0 ? out : [{ text: '' }];
}

function importList(list: List, indent: number, out: ImportedBlock[]): void {
  const listType = list.ordered ? ListType.numbered : ListType.bulleted;
  for (const item of list.children) {
    let wroteItem = false;
    for (const child of item.children) {
      if (child.type === 'list') {
        if (!wroteItem) {
          out.push({ type: BlockType.listItem, listType, indent, children: [{ text: '' }] });
          wroteItem = true;
        }
        importList(child, Math.min(MAX_LIST_INDENT, indent + 1), out);
      } else {
        // The item's paragraph; any further paragraph of a loose item is an item of its own.
        out.push({ type: BlockType.listItem, listType, indent, children: leavesFrom(flowChildren(child)) });
        wroteItem = true;
      }
    }
    if (!wroteItem) out.push({ type: BlockType.listItem, listType, indent, children: [{ text: '' }] });
  }
}

/** The phrasing inside a flow node (a paragraph's children; a code block's text). */
function flowChildren(node: Content): Array<PhrasingContent | Content> {
  if (node.type === 'code') return [{ type: 'inlineCode', value: node.value }];
  if ('children' in node && Array.isArray(node.children)) return node.children as Array<PhrasingContent | Content>;
  if ('value' in node && typeof node.value === 'string') return [{ type: 'text', value: node.value }];
  return [];
}

function importFlow(nodes: readonly Content[], out: ImportedBlock[], quote: boolean): void {
  for (const node of nodes) {
    switch (node.type) {
      case 'heading':
        out.push({
          type: quote ? BlockType.blockQuote : (node as Heading).depth === 1 ? BlockType.headingOne : BlockType.headingTwo,
          children: leavesFrom(node.children),
        });
        break;
      case 'paragraph':
        out.push({ type: quote ? BlockType.blockQuote : BlockType.paragraph, children: leavesFrom(node.children) });
        break;
      case 'blockquote':
        importFlow(node.children, out, true);
        break;
      case 'list':
        importList(node, 0, out);
        break;
      case 'code':
        for (const line of node.value.split('\n')) {
          out.push({ type: quote ? BlockType.blockQuote : BlockType.paragraph, children: line === '' ? [{ text: '' }] : [{ text: line, code: true }] });
        }
        break;
      case 'thematicBreak':
      case 'definition':
        break;
      default: {
        const children = leavesFrom(flowChildren(node));
        if (children.some((leaf) => leaf.text !== '')) out.push({ type: quote ? BlockType.blockQuote : BlockType.paragraph, children });
      }
    }
  }
}

/** Markdown text → our blocks (at least one paragraph). */
export function markdownToBlocks(markdown: string): ImportedBlock[] {
  const tree = fromMarkdown(markdown);
  const out: ImportedBlock[] = [];
  importFlow(tree.children, out, false);
  return out.length > 0 ? out : [{ type: BlockType.paragraph, children: [{ text: '' }] }];
}

/**
 * Whether pasted plain text reads as Markdown worth converting: a block marker
 * at the start of a line (heading, list, quote, fence), or strong, code or
 * underline markup. A single `*` or `_` alone is not enough (`a*b*c` is arithmetic).
 */
export function looksLikeMarkdown(text: string): boolean {
  if (/^(#{1,6} |[-*+] |\d{1,9}[.)] |> ?|```)/m.test(text)) return true;
  return /\*\*[^*\n]+\*\*|__[^_\n]+__|`[^`\n]+`|<u>[^<]*<\/u>/.test(text);
}
