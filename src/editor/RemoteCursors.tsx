/**
 * Other users' carets and selections, drawn over the editor in their colour
 * with a name label. Names are rendered as text (React escapes them).
 */
import { useRemoteCursorOverlayPositions, type CursorOverlayData } from '@slate-yjs/react';
import { useEffect, useRef, type CSSProperties, type PropsWithChildren } from 'react';
import { useSlateStatic } from 'slate-react';
import type { PresenceUser } from './schema';

export function RemoteCursorOverlay({ children }: PropsWithChildren) {
  const containerRef = useRef<HTMLDivElement>(null) as React.RefObject<HTMLDivElement>;
  const [cursors] = useRemoteCursorOverlayPositions<PresenceUser>({ containerRef });
  const editor = useSlateStatic();
  useEffect(() => {
    // @slate-yjs/react's cursor store only learns of peers through change
    // events, and the ones withCursors emits on connect fire before this
    // component subscribes: a late joiner would not see carets that are
    // already there until they move. Replay the present states once.
    const present = [...editor.awareness.getStates().keys()];
    editor.awareness.emit('change', [{ added: present, updated: [], removed: [] }, 'local']);
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

function RemoteSelection({ data, selectionRects, caretPosition, clientId }: CursorOverlayData<PresenceUser>) {
  if (!data) return null;
  const colour = data.color;
  return (
    <>
      {selectionRects.map((rect, i) => (
        <div
          key={i}
          className="remote-selection"
          style={{ ...rect, backgroundColor: colour } satisfies CSSProperties}
          aria-hidden
        />
      ))}
      {caretPosition && (
        <div
          className="remote-caret"
          data-testid="remote-caret"
          data-client-id={clientId}
          style={{ ...caretPosition, backgroundColor: colour }}
        >
          <div className="remote-caret-label" style={{ backgroundColor: colour }}>
            {data.name}
          </div>
        </div>
      )}
    </>
  );
}
