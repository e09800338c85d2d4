/**
 * Blocks drawn read-only, with the editor's markup (BlockView, markedContent)
 * and without Slate: the first screen of a big document while the editor
 * mounts, and any other view of a document that is not edited in place.
 */
import type { HTMLAttributes, JSX } from 'react';
import { Element, Text, type Descendant } from 'slate';
import type { FormattedText } from '../schema';
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
          <BlockView key={i} attributes={{}} element={node} ordinal={ordinals[i]}>
            {node.children.some((child) => Element.isElement(child)) ? (
              <StaticBlocks blocks={node.children} leafProps={leafProps} />
            ) : (
              node.children.map((leaf, j) =>
                Text.isText(leaf) ? <span key={j} {...(leaf.text ? leafProps?.(leaf) : undefined)}>{markedContent(leaf, leaf.text || '\u200b')}</span> : null,
              )
            )}
          </BlockView>
        ) : null,
      )}
    </>
  );
}
