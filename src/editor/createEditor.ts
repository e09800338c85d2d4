/**
 * The editor stack, innermost first: Slate → Yjs binding (autoConnect off: the
 * page connects it once the document is loaded — synced with the relay, or
 * this browser's copy holding the seed — so no client ever inserts a first
 * paragraph of its own) → caret kept across remote edits → per-user undo (Yjs
 * UndoManager tracking only this editor's origin) → remote cursors via
 * awareness → rich-text rules → React.
 */
import { withCursors, withYHistory, withYjs } from '@slate-yjs/core';
import { withCaretSentOnMove } from './caretPresence';
import { createEditor, Editor } from 'slate';
import { withReact } from 'slate-react';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { SELECTION_STORAGE_ORIGIN } from '../collab/origins';
import { CONTENT_ROOT } from '../protocol/document';
import { withMarkdownPaste } from './richText/markdownPaste';
import { trackRestores } from '../history/restore';
import { withRichText } from './richText/withRichText';
import { withBigDelete } from './bigDelete';
import { BIG_PASTE_ORIGIN, withBigPaste } from './bigPaste';
import { cacheRootDelta } from './rootDeltaCache';
import { withRootEvents } from './rootEvents';
import type { PresenceUser } from '../protocol/presence';
import type { ConcordEditor } from './schema';
import { tabId, withStableSelection } from './stableSelection';
import { withUndoSteps } from './undoSteps';
import { withRemoteChangesRenderedAtOnce } from './remoteRender';

/**
 * Blocks per chunk of the body (slate-react's chunking). A keystroke re-renders
 * one lowest chunk and its ancestors: about 2 × this many memoised children.
 */
export const BODY_CHUNK_SIZE = 100;

export function createCollaborativeEditor(doc: Y.Doc, awareness: Awareness, user: PresenceUser): ConcordEditor {
  const sharedRoot = doc.get(CONTENT_ROOT, Y.XmlText);
  cacheRootDelta(sharedRoot); // path lookups independent of the document's length
  const yjsEditor = withYjs(createEditor(), sharedRoot, { autoConnect: false, positionStorageOrigin: SELECTION_STORAGE_ORIGIN });
  withRootEvents(yjsEditor); // block-list changes without a per-block cost
  const bound = withStableSelection(yjsEditor, tabId());
  const history = withUndoSteps(withYHistory(bound)); // undo steps per word, line break or pause (undoSteps.ts)
  // A peer's edit ends your current undo step: undo takes back what you typed
  // since, not everything you typed within the UndoManager's capture window.
  const { applyRemoteEvents } = history;
  history.applyRemoteEvents = (events, origin) => {
    applyRemoteEvents(events, origin);
    if (origin !== history.positionStorageOrigin && origin !== BIG_PASTE_ORIGIN) history.undoManager.stopCapturing();
  };
  history.undoManager.trackedOrigins.add(BIG_PASTE_ORIGIN); // a big paste's middle blocks are this user's edit
  trackRestores(history.undoManager, doc); // restoring a version or importing a file is undone like an edit (src/history/)
  // The caret goes to presence when it moves, not after every peer's keystroke (caretPresence.ts).
  const cursors = withCaretSentOnMove(withCursors(history, awareness, { cursorDataField: 'user', data: user }));
  // Thousands of blocks pasted or deleted at once, without a cost per block (bigPaste.ts, bigDelete.ts).
  const editor = withBigDelete(withBigPaste(withReact(withRichText(cursors)))) as ConcordEditor;
  // Big documents: slate-react groups the body's blocks into nested chunks and
  // re-renders only the chunk a change touched (not every block), and each
  // lowest chunk skips layout while off screen (renderChunk, content-visibility).
  editor.getChunkSize = (node) => (Editor.isEditor(node) ? BODY_CHUNK_SIZE : null);
  withMarkdownPaste(editor); // pasted Markdown becomes blocks and marks (richText/markdownPaste.ts)
  // Outermost: a peer's change is rendered in the task that brought it, not in a later one (remoteRender.ts).
  return withRemoteChangesRenderedAtOnce(editor);
}
