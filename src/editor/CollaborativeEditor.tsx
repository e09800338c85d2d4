/** The body editor of one document: Slate bound to the replica's Y.Doc. */
import { YjsEditor } from '@slate-yjs/core';
import { memo, useCallback, useEffect, useMemo, useState } from 'react';
import { Editable, ReactEditor, Slate } from 'slate-react';
import type { Replica } from '../collab/replica';
import { RemoteCursorOverlay } from './RemoteCursors';
import { createCollaborativeEditor } from './createEditor';
import { EDITOR_CLASS, renderChunk, renderElement, renderLeaf } from './richText/elements';
import { handleRichTextKeyDown } from './richText/hotkeys';
import { Toolbar } from './richText/Toolbar';
import { skipReactSelectionWalk } from './reactSelectionWalk';
import type { PresenceUser } from './schema';

/**
 * Memoised: the page re-renders on every status change (each edit moves the
 * save state), and the body must not re-render with it.
 */
export const CollaborativeEditor = memo(function CollaborativeEditor({
  replica,
  user,
  readOnly,
}: {
  replica: Replica;
  user: PresenceUser;
  readOnly?: boolean;
}) {
  // Built once per replica; later name/colour changes are sent by the effect below.
  const editor = useMemo(() => createCollaborativeEditor(replica.doc, replica.awareness, user), [replica]); // eslint-disable-line react-hooks/exhaustive-deps
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    YjsEditor.connect(editor);
    setConnected(true);
    const leave = () => editor.forgetStoredSelection();
    window.addEventListener('pagehide', leave);
    return () => {
      window.removeEventListener('pagehide', leave);
      leave();
      YjsEditor.disconnect(editor);
      setConnected(false);
    };
  }, [editor]);

  useEffect(() => {
    if (connected) return skipReactSelectionWalk(ReactEditor.toDOMNode(editor, editor));
  }, [editor, connected]);

  useEffect(() => {
    editor.sendCursorData(user);
  }, [editor, user]);

  const onKeyDown = useCallback((event: React.KeyboardEvent) => handleRichTextKeyDown(editor, event), [editor]);

  if (!connected) return null;
  return (
    <Slate editor={editor} initialValue={editor.children}>
      {!readOnly && <Toolbar />}
      <div className={EDITOR_CLASS}>
        <RemoteCursorOverlay>
        <Editable
          renderElement={renderElement}
          renderChunk={renderChunk}
          renderLeaf={renderLeaf}
          onKeyDown={onKeyDown}
          readOnly={readOnly}
          spellCheck
          autoFocus
          aria-label="Document body"
          placeholder="Start writing…"
        />
        </RemoteCursorOverlay>
      </div>
    </Slate>
  );
});
