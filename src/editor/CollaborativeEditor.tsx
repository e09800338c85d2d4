/** The body editor of one document: Slate bound to the replica's Y.Doc. */
import { YjsEditor, yTextToSlateElement } from '@slate-yjs/core';
import { memo, startTransition, useCallback, useEffect, useMemo, useState } from 'react';
import type { Descendant } from 'slate';
import * as Y from 'yjs';
import { Editable, ReactEditor, Slate } from 'slate-react';
import type { Replica } from '../collab/replica';
import { CONTENT_ROOT } from '../protocol/document';
import { RemoteCursorOverlay } from './RemoteCursors';
import { createCollaborativeEditor } from './createEditor';
import { EDITOR_CLASS, renderChunk, renderElement, renderLeaf } from './richText/elements';
import { StaticBlocks } from './richText/StaticBlocks';
import { handleRichTextKeyDown } from './richText/hotkeys';
import { Toolbar } from './richText/Toolbar';
import { skipReactSelectionWalk } from './reactSelectionWalk';
import type { PresenceUser } from '../protocol/presence';

/** Blocks drawn before the editor has mounted: more than a screenful. */
const PREVIEW_BLOCKS = 80;

/** The first `count` blocks of the body, read from Yjs without converting the rest. */
function firstBlocks(doc: Y.Doc, count: number): Descendant[] {
  const delta = doc.get(CONTENT_ROOT, Y.XmlText).toDelta() as Array<{ insert: unknown }>;
  return delta
    .slice(0, count)
    .flatMap(({ insert }) => (insert instanceof Y.XmlText ? [yTextToSlateElement(insert) as Descendant] : []));
}

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
    // Mounting the editor renders every block (about a second at 10,000
    // paragraphs): as a transition React renders it in slices that yield to
    // input and painting, and the preview below stays on screen meanwhile.
    startTransition(() => setConnected(true));
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

  const preview = useMemo(() => (connected ? [] : firstBlocks(replica.doc, PREVIEW_BLOCKS)), [replica, connected]);
  if (!connected) {
    return (
      <div className={EDITOR_CLASS}>
        <div className="body-preview" data-testid="body-preview" aria-busy="true">
          <StaticBlocks blocks={preview} />
        </div>
      </div>
    );
  }
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
