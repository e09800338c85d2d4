/**
 * Other users' carets and selections, drawn over the editor in their colour
 * with a name label. Names are rendered as text (React escapes them).
 *
 * Cost per frame, not per event: with a class of 30 typing, presence and
 * document changes arrive a few hundred times a second. Each one only asks for
 * a measurement at the next animation frame; that frame reads every caret's
 * position once (one layout for all of them) and re-renders the overlay only
 * if something moved. (@slate-yjs/react's overlay hook re-renders and measures
 * on every awareness change: 42 tasks over 50 ms in 15 s in a watching tab
 * with 30 writers, `npm run bench -- classroom`.)
 */
import { CursorEditor, YjsEditor, type RelativeRange } from '@slate-yjs/core';
import { useEffect, useRef, useState, type CSSProperties, type PropsWithChildren } from 'react';
import { Range } from 'slate';
import { ReactEditor, useSlateStatic } from 'slate-react';
import { frameBatch } from '../collab/frameBatch';
import type { PresenceUser } from '../protocol/presence';
import type { ConcordEditor } from './schema';
import { relativePositionToPoint } from './blockPositions';

interface Box {
  top: number;
  left: number;
  width: number;
  height: number;
}

interface RemoteCursor {
  clientId: number;
  user: PresenceUser;
  caret: Box | null;
  selection: Box[];
}

const boxOf = (rect: DOMRect, origin: DOMRect): Box => ({
  top: rect.top - origin.top,
  left: rect.left - origin.left,
  width: rect.width,
  height: rect.height,
});

/** Where each remote caret and selection is now, relative to `container`. */
function measureCursors(editor: ConcordEditor, container: HTMLElement): RemoteCursor[] {
  if (!YjsEditor.connected(editor)) return [];
  const origin = container.getBoundingClientRect();
  const cursors: RemoteCursor[] = [];
  for (const clientId of editor.awareness.getStates().keys()) {
    const state = CursorEditor.cursorState<PresenceUser>(editor, clientId);
    if (!state?.data || !state.relativeSelection) continue;
    let range: Range | null = null;
    try {
      const { anchor, focus } = state.relativeSelection as RelativeRange;
      const from = relativePositionToPoint(editor, editor.sharedRoot, anchor);
      const to = from && relativePositionToPoint(editor, editor.sharedRoot, focus);
      range = from && to ? { anchor: from, focus: to } : null;
    } catch {
      range = null; // points at something this replica does not have yet
    }
    if (!range) continue;
    try {
      const caretRange = ReactEditor.toDOMRange(editor, { anchor: range.focus, focus: range.focus });
      const caretRect = caretRange.getClientRects()[0] ?? caretRange.getBoundingClientRect();
      const selection = Range.isCollapsed(range)
        ? []
        : Array.from(ReactEditor.toDOMRange(editor, range).getClientRects(), (rect) => boxOf(rect, origin)).filter((box) => box.width > 0);
      cursors.push({ clientId, user: state.data, caret: boxOf(caretRect, origin), selection });
    } catch {
      // Not rendered (yet): no caret this frame.
    }
  }
  return cursors.sort((a, b) => a.clientId - b.clientId);
}

const sameCursors = (a: RemoteCursor[], b: RemoteCursor[]) => JSON.stringify(a) === JSON.stringify(b);

export function RemoteCursorOverlay({ children }: PropsWithChildren) {
  const containerRef = useRef<HTMLDivElement>(null);
  const editor = useSlateStatic() as ConcordEditor;
  const [cursors, setCursors] = useState<RemoteCursor[]>([]);

  useEffect(() => {
    const { schedule, cancel } = frameBatch(() => {
      const container = containerRef.current;
      if (!container) return;
      const next = measureCursors(editor, container);
      setCursors((previous) => (sameCursors(previous, next) ? previous : next));
    });
    const doc = editor.sharedRoot.doc!;
    editor.awareness.on('change', schedule); // carets moved, users came or went
    doc.on('afterTransaction', schedule); // text moved under the carets
    const resize = new ResizeObserver(schedule);
    if (containerRef.current) resize.observe(containerRef.current);
    schedule();
    return () => {
      cancel();
      editor.awareness.off('change', schedule);
      doc.off('afterTransaction', schedule);
      resize.disconnect();
    };
  }, [editor]);

  return (
    <div className="cursor-overlay-container" ref={containerRef}>
      {children}
      {cursors.map((cursor) => (
        <RemoteSelection key={cursor.clientId} {...cursor} />
      ))}
    </div>
  );
}

function RemoteSelection({ user, selection, caret, clientId }: RemoteCursor) {
  const colour = user.color;
  return (
    <>
      {selection.map((box, i) => (
        <div key={i} className="remote-selection" style={{ ...box, backgroundColor: colour } satisfies CSSProperties} aria-hidden />
      ))}
      {caret && (
        <div
          className="remote-caret"
          data-testid="remote-caret"
          data-client-id={clientId}
          style={{ top: caret.top, left: caret.left, height: caret.height, backgroundColor: colour }}
        >
          <div className="remote-caret-label" style={{ backgroundColor: colour }}>
            {user.name}
          </div>
        </div>
      )}
    </>
  );
}
