/**
 * How Concord's blocks and marks render. Every block carries `data-block-type`
 * (its Slate type) so tests and stylesheets can select it.
 */
import { useRef, type JSX } from 'react';
import type React from 'react';
import { Node, type Descendant, type Editor } from 'slate';
import { ReactEditor, useSlateSelector, type RenderChunkProps, type RenderElementProps, type RenderLeafProps } from 'slate-react';
import { BlockType, ListType } from '../../protocol/document';
import type { BlockElement, FormattedText } from '../schema';
import { clampIndent, listMarker, listOrdinals, listTypeOf } from './lists';
import './richText.css';

/** Class for the element that wraps `<Editable>` (scopes richText.css). */
export const EDITOR_CLASS = 'concord-editor';

/** Horizontal step per indent level, in em of the body text. */
export const LIST_INDENT_STEP_EM = 1.75;

export function renderElement(props: RenderElementProps): JSX.Element {
  if (props.element.type === BlockType.listItem) return <EditorListItem {...props} />;
  // Called, not rendered as a component: BlockView has no hooks, and one
  // component less per block is 10,000 fibers less to mount in a big document.
  return BlockView({ ...props, ordinal: 0 });
}

/**
 * The markup of one block, shared by the editor and read-only views
 * (StaticBlocks): `attributes` are Slate's in the editor, empty elsewhere;
 * `ordinal` is a numbered list item's number.
 */
/** A block's markup inputs: Slate's `attributes` in the editor (empty elsewhere) and a numbered item's number. */
export interface BlockViewProps {
  attributes: RenderElementProps['attributes'] | Record<string, never>;
  children: React.ReactNode;
  element: BlockElement;
  ordinal: number;
}

export function BlockView({
  attributes,
  children,
  element,
  ordinal,
}: BlockViewProps): JSX.Element {
  const blockType = element.type;
  switch (element.type) {
    case BlockType.headingOne:
      return <h1 {...attributes} data-block-type={blockType}>{children}</h1>;
    case BlockType.headingTwo:
      return <h2 {...attributes} data-block-type={blockType}>{children}</h2>;
    case BlockType.blockQuote:
      return <blockquote {...attributes} data-block-type={blockType}>{children}</blockquote>;
    case BlockType.listItem:
      return <ListItem attributes={attributes} element={element} ordinal={ordinal}>{children}</ListItem>;
    // Containers of the legacy nested model (old documents only): a plain list
    // box; the items inside draw their own markers.
    case BlockType.bulletedList:
      return <ul {...attributes} data-block-type={blockType}>{children}</ul>;
    case BlockType.numberedList:
      return <ol {...attributes} data-block-type={blockType}>{children}</ol>;
    case BlockType.paragraph:
      return <p {...attributes} data-block-type={blockType}>{children}</p>;
    default:
      // A type this build does not know (e.g. written by a newer peer): show its text.
      return <p {...attributes} data-block-type={blockType}>{children}</p>;
  }
}

/**
 * The number a numbered item displays, from its position among its siblings
 * now; undefined when the element is no longer in the editor.
 */
export function listItemOrdinal(editor: Editor, element: BlockElement): number | undefined {
  try {
    const path = ReactEditor.findPath(editor, element);
    const siblings: readonly Descendant[] = path.length === 1 ? editor.children : Node.parent(editor, path).children;
    return listOrdinals(siblings)[path[path.length - 1]];
  } catch {
    return undefined;
  }
}

/**
 * The number of a numbered item, read on every editor change: slate-react
 * re-renders an element only when that element object changes, but the number
 * also depends on the items before it. useSlateSelector re-runs this on every
 * change and re-renders the item only when its number differs.
 */
function useOrdinal(element: BlockElement, numbered: boolean): number {
  // Kept while the element has just left the tree: the component is about to
  // re-render with its successor or unmount.
  const last = useRef(1);
  return useSlateSelector((editor) => {
    if (!numbered) return 0;
    last.current = listItemOrdinal(editor, element) || last.current;
    return last.current;
  });
}

/** A list item in the editor: its number follows the items before it. */
function EditorListItem({ attributes, children, element }: RenderElementProps): JSX.Element {
  const ordinal = useOrdinal(element, listTypeOf(element) === ListType.numbered);
  return <BlockView attributes={attributes} element={element} ordinal={ordinal}>{children}</BlockView>;
}

/**
 * A list line of the flat model: a block indented by `indent` with its marker
 * drawn by CSS from `data-list-marker` (so the marker is never editable text).
 * There is no ul/ol around it, so the list semantics are given by ARIA.
 */
function ListItem({
  attributes,
  children,
  element,
  ordinal,
}: BlockViewProps): JSX.Element {
  const listType = listTypeOf(element);
  const indent = clampIndent(element.indent);
  return (
    <div
      {...attributes}
      role="listitem"
      aria-level={indent + 1}
      data-block-type={BlockType.listItem}
      data-list-type={listType}
      data-indent={indent}
      data-list-marker={listMarker(listType, indent, ordinal)}
      style={{ marginInlineStart: `${LIST_INDENT_STEP_EM * (indent + 1)}em` }}
    >
      {children}
    </div>
  );
}

/**
 * A chunk of the body (see BODY_CHUNK_SIZE): the lowest chunks are boxes the
 * browser skips (style, layout, paint) while they are off screen
 * (`content-visibility: auto`, richText.css); their text stays in the DOM, so
 * find-in-page, selection and screen readers still reach it.
 */
export function renderChunk({ attributes, children, lowest }: RenderChunkProps): JSX.Element {
  if (!lowest) return <>{children}</>;
  return (
    <div {...attributes} className="body-chunk">
      {children}
    </div>
  );
}

export function renderLeaf({ attributes, children, leaf }: RenderLeafProps): JSX.Element {
  return <span {...attributes}>{markedContent(leaf, children)}</span>;
}

/** A text's marks around its content (shared by the editor and read-only views). */
export function markedContent(leaf: FormattedText, children: React.ReactNode): React.ReactNode {
  let content = children;
  if (leaf.code) content = <code>{content}</code>;
  if (leaf.bold) content = <strong>{content}</strong>;
  if (leaf.italic) content = <em>{content}</em>;
  if (leaf.underline) content = <u>{content}</u>;
  return content;
}
