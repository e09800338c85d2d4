/**
 * Plain-text export: one line per block, list items indented two spaces per
 * level with `- ` or their number, everything else as its text.
 */
import { BlockType } from '../../protocol/document';
import { blockText, indentOf, isLeaf, isLegacyContainer, isNumbered, type DocumentBlock, type DocumentNode } from './blocks';

export function blocksToPlainText(blocks: ReadonlyArray<DocumentNode>): string {
  const lines: string[] = [];
  /** Numbers of numbered items per indent, reset by anything that ends the run. */
  let counters: number[] = [];
  const item = (block: DocumentBlock, depth: number, container?: DocumentBlock) => {
    const numbered = isNumbered(block, container);
    counters = counters.slice(0, depth + 1);
    while (counters.length <= depth) counters.push(0);
    if (numbered) counters[depth]++;
    else counters[depth] = 0;
    lines.push(`${'  '.repeat(depth)}${numbered ? `${counters[depth]}. ` : '- '}${blockText(block)}`);
  };
  const legacy = (container: DocumentBlock, depth: number) => {
    for (const child of container.children) {
      if (isLeaf(child)) continue;
      if (isLegacyContainer(child)) legacy(child, depth + 1);
      else item(child, depth, container);
    }
  };
  for (const node of blocks) {
    if (isLeaf(node)) continue;
    if (node.type === BlockType.listItem) {
      item(node, indentOf(node));
      continue;
    }
    counters = [];
    if (isLegacyContainer(node)) legacy(node, 0);
    else lines.push(blockText(node));
  }
  return `${lines.join('\n')}\n`;
}
