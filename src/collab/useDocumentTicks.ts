import { useEffect, useReducer } from 'react';
import type * as Y from 'yjs';

/**
 * Re-renders the calling component at most once per animation frame while
 * `doc` changes: for views that read the document directly (the inspector's
 * clocks, the teacher's live copy of a group) rather than through the editor.
 */
export function useDocumentTicks(doc: Y.Doc | null): void {
  const [, tick] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (!doc) return;
    let frame = 0;
    const onUpdate = () => {
      if (!frame) frame = requestAnimationFrame(() => ((frame = 0), tick()));
    };
    doc.on('update', onUpdate);
    return () => {
      doc.off('update', onUpdate);
      cancelAnimationFrame(frame);
    };
  }, [doc]);
}
