/**
 * Blocks drawn read-only, with the editor's markup (BlockView, markedContent)
 * and without Slate: the first screen of a big document while the editor
 * mounts, and any other view of a document that is not edited in place.
 */
import type { JSX } from 'react';
import { Element, Text, type Descendant } from 'slate';
import { BlockView, markedContent } from './elements';
import { listOrdinals } from './lists';

export function StaticBlocks({ blocks }: { blocks: readonly Descendant[] }): JSX.Element {
  const ordinals = listOrdinals(blocks);
  return (
    <>
      {blocks.map((node, i) =>
        Text.isText(node) ? (
          <span key={i}>{markedContent(node, node.text)}</span>
        ) : Element.isElement(node) ? (
          <BlockView key={i} attributes={{}} element={node} ordinal={ordinals[i]}>
            {node.children.some((child) => Element.isElement(child)) ? (
              <StaticBlocks blocks={node.children} />
            ) : (
              node.children.map((leaf, j) => (Text.isText(leaf) ? <span key={j}>{markedContent(leaf, leaf.text || '\u200b')}</span> : null))
            )}
          </BlockView>
        ) : null,
      )}
    </>
  );
}
