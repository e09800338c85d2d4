/**
 * Blocks drawn read-only, with the editor's markup (BlockView, markedContent)
 * and without Slate: the first screen of a big document while the editor
 * mounts, and any other view of a document that is not edited in place.
 */
import { memo, type HTMLAttributes, type JSX } from 'react';
import { Element, Text, type Descendant } from 'slate';
import type { BlockElement, FormattedText } from '../schema';
import { BlockView, markedContent } from './elements';
import { listOrdinals } from './lists';

/** Extra attributes for a text's span (the history view: `data-author` and its colour). */
export type LeafProps = (leaf: FormattedText) => HTMLAttributes<HTMLSpanElement> | undefined;

export function StaticBlocks({ blocks, leafProps }: { blocks: readonly Descendant[]; leafProps?: LeafProps }): JSX.Element {
  const ordinals = listOrdinals(blocks);
  return (
    <>
      {blocks.map((node, i) =>
        Text.isText(node) ? (
          <span key={i} {...leafProps?.(node)}>{markedContent(node, node.text)}</span>
        ) : Element.isElement(node) ? (
          <StaticBlock key={i} element={node} ordinal={ordinals[i]} leafProps={leafProps} />
        ) : null,
      )}
    </>
  );
}

/** One block; memoised, so a view that keeps a block's object (the history view) redraws only the blocks that changed. */
const StaticBlock = memo(function StaticBlock({ element, ordinal, leafProps }: { element: BlockElement; ordinal: number; leafProps?: LeafProps }) {
  return (
    <BlockView attributes={{}} element={element} ordinal={ordinal}>
      {element.children.some((child) => Element.isElement(child)) ? (
        <StaticBlocks blocks={element.children} leafProps={leafProps} />
      ) : (
        element.children.map((leaf, j) =>
          Text.isText(leaf) ? <span key={j} {...(leaf.text ? leafProps?.(leaf) : undefined)}>{markedContent(leaf, leaf.text || '\u200b')}</span> : null,
        )
      )}
    </BlockView>
  );
});
