/**
 * The editor stack, innermost first: Slate → Yjs binding (autoConnect off: we
 * connect after the first sync, so no client ever inserts its own first
 * paragraph) → caret kept across remote edits → per-user undo (Yjs
 * UndoManager tracking only this editor's origin) → remote cursors via
 * awareness → rich-text rules → React.
 */
import { withCursors, withYHistory, withYjs } from '@slate-yjs/core';
import { createEditor } from 'slate';
import { withReact } from 'slate-react';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { SELECTION_STORAGE_ORIGIN } from '../collab/origins';
import { CONTENT_ROOT } from '../protocol/document';
import { withRichText } from './richText/withRichText';
import type { ConcordEditor, PresenceUser } from './schema';
import { tabId, withStableSelection } from './stableSelection';

export function createCollaborativeEditor(doc: Y.Doc, awareness: Awareness, user: PresenceUser): ConcordEditor {
  const sharedRoot = doc.get(CONTENT_ROOT, Y.XmlText);
  const bound = withStableSelection(withYjs(createEditor(), sharedRoot, { autoConnect: false, positionStorageOrigin: SELECTION_STORAGE_ORIGIN }), tabId());
  const history = withYHistory(bound);
  // A peer's edit ends your current undo step: undo takes back what you typed
  // since, not everything you typed within the UndoManager's capture window.
  const { applyRemoteEvents } = history;
  history.applyRemoteEvents = (events, origin) => {
    applyRemoteEvents(events, origin);
    if (origin !== history.positionStorageOrigin) history.undoManager.stopCapturing();
  };
  const cursors = withCursors(history, awareness, { cursorDataField: 'user', data: user });
  return withReact(withRichText(cursors)) as ConcordEditor;
}
