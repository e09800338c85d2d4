/**
 * Slate types of Concord's body: the block elements and text marks named in
 * src/protocol/document.ts, declared to Slate through `CustomTypes`.
 */
import type { BaseEditor, Descendant } from 'slate';
import type { ReactEditor } from 'slate-react';
import type { CursorEditor, YHistoryEditor, YjsEditor } from '@slate-yjs/core';
import type { BlockType, ListType, Mark } from '../protocol/document';
import type { PresenceUser } from '../protocol/presence';
import type { StableSelectionEditor } from './stableSelection';

export type { ListType } from '../protocol/document';

export interface BlockElement {
  type: BlockType;
  /** Only on `list-item`: bullet or number. */
  listType?: ListType;
  /** Only on `list-item`: nesting level, an integer from 0 to MAX_LIST_INDENT. */
  indent?: number;
  children: Descendant[];
}

export type FormattedText = { text: string } & Partial<Record<Mark, true>>;

export type ConcordEditor = BaseEditor &
  ReactEditor &
  YjsEditor &
  YHistoryEditor &
  CursorEditor<PresenceUser> &
  StableSelectionEditor;

declare module 'slate' {
  interface CustomTypes {
    Editor: ConcordEditor;
    Element: BlockElement;
    Text: FormattedText;
  }
}
