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
 *
 * A selection is drawn where it can be seen: in a long document its boxes are
 * measured only over the blocks on screen and NEAR_BLOCKS around them, and
 * again as the page scrolls. Measuring a peer's select-all over 10,000
 * paragraphs laid out the whole body and drew a box per line: ~2.9 s of a
 * watching tab's main thread.
 */
import { CursorEditor, YjsEditor, type RelativeRange } from '@slate-yjs/core';
import { useEffect, useRef, useState, type CSSProperties, type PropsWithChildren } from 'react';
import { Editor, Range } from 'slate';
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

/** A document longer than twice this many blocks has its selections measured near the viewport only, this many blocks around it. */
const NEAR_BLOCKS = 50;

/**
 * The top-level blocks on screen and NEAR_BLOCKS on either side, as a range;
 * undefined for a short document (everything is measured), null when none of
 * the body is on screen. Found by hit-testing the screen's first and last
 * lines (no layout of the rest of the body).
 */
function blocksNearViewport(editor: ConcordEditor, container: HTMLElement): Range | null | undefined {
  const count = editor.children.length;
  if (count <= 2 * NEAR_BLOCKS) return undefined;
  const box = container.getBoundingClientRect();
  const top = Math.max(box.top, 0);
  const bottom = Math.min(box.bottom, window.innerHeight);
  const x = box.left + box.width / 2;
  const first = bottom > top ? blockAt(editor, x, top, bottom, 8) : null;
  const last = first === null ? null : blockAt(editor, x, bottom - 1, top, -8);
  if (first === null || last === null) return null;
  return Editor.range(editor, [Math.max(0, first - NEAR_BLOCKS)], [Math.min(count - 1, last + NEAR_BLOCKS)]);
}

/** The index of the top-level block at (x, y), trying every `step` px towards `limit` (past margins and the sticky toolbar). */
function blockAt(editor: ConcordEditor, x: number, y: number, limit: number, step: number): number | null {
  for (let at = y; step > 0 ? at < limit : at > limit; at += step) {
    const element = document.elementFromPoint(x, at)?.closest('[data-slate-node="element"]');
    if (!element) continue;
    try {
      return ReactEditor.findPath(editor, ReactEditor.toSlateNode(editor, element))[0];
    } catch {
      // not one of this editor's nodes
    }
  }
  return null;
}

/**
 * Where each remote caret and selection is now, relative to `container`;
 * `clipped`: a selection was measured near the viewport only, so scrolling
 * changes what is drawn (carets, relative to the container, do not move).
 */
function measureCursors(editor: ConcordEditor, container: HTMLElement): { cursors: RemoteCursor[]; clipped: boolean } {
  if (!YjsEditor.connected(editor)) return { cursors: [], clipped: false };
  const origin = container.getBoundingClientRect();
  let nearViewport: Range | null | undefined | false = false; // false: not looked up yet
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
      let shown: Range | null = Range.isCollapsed(range) ? null : range;
      if (shown) {
        if (nearViewport === false) nearViewport = blocksNearViewport(editor, container);
        if (nearViewport !== undefined) shown = nearViewport && Range.intersection(shown, nearViewport);
      }
      // Drawn within a screen of the viewport (what was measured around it can reach further).
      const seen = (rect: DOMRect) => nearViewport === undefined || (rect.bottom > -window.innerHeight && rect.top < 2 * window.innerHeight);
      const selection = shown
        ? Array.from(ReactEditor.toDOMRange(editor, shown).getClientRects())
            .filter((rect) => rect.width > 0 && seen(rect))
            .map((rect) => boxOf(rect, origin))
        : [];
      cursors.push({ clientId, user: state.data, caret: boxOf(caretRect, origin), selection });
    } catch {
      // Not rendered (yet): no caret this frame.
    }
  }
  return { cursors: cursors.sort((a, b) => a.clientId - b.clientId), clipped: nearViewport !== false && nearViewport !== undefined };
}

const sameCursors = (a: RemoteCursor[], b: RemoteCursor[]) => JSON.stringify(a) === JSON.stringify(b);

export function RemoteCursorOverlay({ children }: PropsWithChildren) {
  const containerRef = useRef<HTMLDivElement>(null);
  const editor = useSlateStatic() as ConcordEditor;
  const [cursors, setCursors] = useState<RemoteCursor[]>([]);

  useEffect(() => {
    let followScroll = false;
    const { schedule, cancel } = frameBatch(() => {
      const container = containerRef.current;
      if (!container) return;
      const { cursors: next, clipped } = measureCursors(editor, container);
      followScroll = clipped;
      setCursors((previous) => (sameCursors(previous, next) ? previous : next));
    });
    // Only a selection cut to the viewport changes with scrolling: measuring every caret on each
    // scrolled frame would lay out the off-screen chunks they sit in.
    const scrolled = () => {
      if (followScroll) schedule();
    };
    const doc = editor.sharedRoot.doc!;
    editor.awareness.on('change', schedule); // carets moved, users came or went
    doc.on('afterTransaction', schedule); // text moved under the carets
    // Selections are measured near the viewport only: again when it moves (any scrolling ancestor).
    document.addEventListener('scroll', scrolled, { capture: true, passive: true });
    const resize = new ResizeObserver(schedule);
    if (containerRef.current) resize.observe(containerRef.current);
    schedule();
    return () => {
      cancel();
      editor.awareness.off('change', schedule);
      doc.off('afterTransaction', schedule);
      document.removeEventListener('scroll', scrolled, { capture: true });
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
