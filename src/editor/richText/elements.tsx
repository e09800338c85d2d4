/**
 * How Concord's blocks and marks render. Every block carries `data-block-type`
 * (its Slate type) so tests and stylesheets can select it.
 */
import type { JSX } from 'react';
import type { RenderElementProps, RenderLeafProps } from 'slate-react';
import { BlockType } from '../../protocol/document';
import './richText.css';

/** Class for the element that wraps `<Editable>` (scopes richText.css). */
export const EDITOR_CLASS = 'concord-editor';

export function renderElement({ attributes, children, element }: RenderElementProps): JSX.Element {
  const blockType = element.type;
  switch (element.type) {
    case BlockType.headingOne:
      return <h1 {...attributes} data-block-type={blockType}>{children}</h1>;
    case BlockType.headingTwo:
      return <h2 {...attributes} data-block-type={blockType}>{children}</h2>;
    case BlockType.blockQuote:
      return <blockquote {...attributes} data-block-type={blockType}>{children}</blockquote>;
    case BlockType.bulletedList:
      return <ul {...attributes} data-block-type={blockType}>{children}</ul>;
    case BlockType.numberedList:
      return <ol {...attributes} data-block-type={blockType}>{children}</ol>;
    case BlockType.listItem:
      return <li {...attributes} data-block-type={blockType}>{children}</li>;
    case BlockType.paragraph:
      return <p {...attributes} data-block-type={blockType}>{children}</p>;
    default:
      // A type this build does not know (e.g. written by a newer peer): show its text.
      return <p {...attributes} data-block-type={blockType}>{children}</p>;
  }
}

export function renderLeaf({ attributes, children, leaf }: RenderLeafProps): JSX.Element {
  let content = children;
  if (leaf.code) content = <code>{content}</code>;
  if (leaf.bold) content = <strong>{content}</strong>;
  if (leaf.italic) content = <em>{content}</em>;
  if (leaf.underline) content = <u>{content}</u>;
  return <span {...attributes}>{content}</span>;
}
