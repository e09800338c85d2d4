/**
 * The document shape the export and import formats read and write: Concord's
 * Slate value (src/protocol/document.ts), as the editor holds it and as the
 * history model renders a version. Extra leaf fields (history annotations)
 * are ignored.
 */
import { BlockType, ListType, MARKS, MAX_LIST_INDENT, type Mark } from '../../protocol/document';

export interface DocumentLeaf {
  text: string;
  bold?: unknown;
  italic?: unknown;
  underline?: unknown;
  code?: unknown;
}

export interface DocumentBlock {
  type?: unknown;
  listType?: unknown;
  indent?: unknown;
  children: ReadonlyArray<DocumentNode>;
}

export type DocumentNode = DocumentBlock | DocumentLeaf;

export function isLeaf(node: DocumentNode): node is DocumentLeaf {
  return typeof (node as DocumentLeaf).text === 'string';
}

export function hasMark(leaf: DocumentLeaf, mark: Mark): boolean {
  return Boolean(leaf[mark]);
}

/** A leaf's marks as a Slate text's (only the true ones). */
export function marksOf(leaf: DocumentLeaf): Partial<Record<Mark, true>> {
  const marks: Partial<Record<Mark, true>> = {};
  for (const mark of MARKS) if (leaf[mark]) marks[mark] = true;
  return marks;
}

export function indentOf(block: DocumentBlock): number {
  const value = block.indent;
  if (typeof value !== 'number' || Number.isNaN(value)) return 0;
  return Math.min(MAX_LIST_INDENT, Math.max(0, Math.trunc(value)));
}

export function isNumbered(block: DocumentBlock, container?: DocumentBlock): boolean {
  if (block.listType === ListType.numbered) return true;
  if (block.listType === ListType.bulleted) return false;
  return container?.type === BlockType.numberedList;
}

export function isLegacyContainer(block: DocumentBlock): boolean {
  return block.type === BlockType.bulletedList || block.type === BlockType.numberedList;
}

/** A block's text, all leaves joined (nested blocks separated by newlines). */
export function blockText(block: DocumentBlock): string {
  return block.children.map((child) => (isLeaf(child) ? child.text : blockText(child))).join('');
}

/**
 * Flat list items (and legacy nested containers) as nested lists: what
 * Markdown and HTML need. A list-item at indent d opens a list at depth d
 * inside the previous item of depth d - 1; a level skipped in the flat model
 * (indent 0 then 2) nests one level only, as Markdown and HTML can show it.
 */
export interface ListTree {
  kind: 'list';
  ordered: boolean;
  items: ListTreeItem[];
}

export interface ListTreeItem {
  block: DocumentBlock;
  lists: ListTree[];
}

export type BlockSequenceEntry = { kind: 'block'; block: DocumentBlock } | ListTree;

export function sequenceOf(blocks: ReadonlyArray<DocumentNode>): BlockSequenceEntry[] {
  const out: BlockSequenceEntry[] = [];
  /** Open lists, outermost first, with the depth each stands for. */
  let stack: Array<{ depth: number; list: ListTree }> = [];
  for (const node of blocks) {
    if (isLeaf(node)) continue;
    if (isLegacyContainer(node)) {
      stack = [];
      out.push(legacyList(node));
      continue;
    }
    if (node.type !== BlockType.listItem) {
      stack = [];
      out.push({ kind: 'block', block: node });
      continue;
    }
    const depth = indentOf(node);
    const ordered = isNumbered(node);
    while (stack.length > 0 && (stack[stack.length - 1].depth > depth || (stack[stack.length - 1].depth === depth && stack[stack.length - 1].list.ordered !== ordered))) {
      stack.pop();
    }
    const top = stack[stack.length - 1];
    if (!top || top.depth < depth) {
      const list: ListTree = { kind: 'list', ordered, items: [] };
      if (top) top.list.items[top.list.items.length - 1].lists.push(list); // a list on the stack has an item
      else out.push(list);
      stack.push({ depth, list });
    }
    stack[stack.length - 1].list.items.push({ block: node, lists: [] });
  }
  return out;
}

function legacyList(container: DocumentBlock): ListTree {
  const list: ListTree = { kind: 'list', ordered: container.type === BlockType.numberedList, items: [] };
  for (const child of container.children) {
    if (isLeaf(child)) continue;
    if (isLegacyContainer(child)) {
      const last = list.items[list.items.length - 1];
      if (last) last.lists.push(legacyList(child));
      else list.items.push({ block: { children: [] }, lists: [legacyList(child)] });
      continue;
    }
    list.items.push({ block: child, lists: [] });
  }
  return list;
}

/** A file name for an export: the title made safe (or the room), the version if any, the extension. */
export function exportFileName(title: string, room: string, version: number | null, extension: string): string {
  const base =
    title
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60)
      .toLowerCase() || room;
  return `${base}${version === null ? '' : `-version-${version}`}.${extension}`;
}
