/**
 * y-indexeddb writes every update to this browser's copy in an IndexedDB
 * transaction of its own, from the document's 'update' event: for a peer's
 * keystroke that is after Slate has the change but before the page can show
 * it (in a CPU profile of the watching tab, bench/propagation.ts with
 * PROFILE_DIR: ~40 % of its message handling, sampling overhead included). Updates that came from the relay are safe there already:
 * they are written a moment later instead. The tab's own
 * edits are still written at once (this browser may hold their only copy);
 * a page that goes away writes what is waiting (`flush`), and the unload
 * journal covers the last seconds anyway.
 */
import type { IndexeddbPersistence } from 'y-indexeddb';
import type * as Y from 'yjs';

/** How long updates from the relay wait: long enough to batch a burst, short enough that a reload finds them. */
const DELAY_MS = 250;

export interface LaterWrites {
  /** Writes what is waiting now. */
  flush(): void;
}

export function writeRelayUpdatesLater(local: IndexeddbPersistence, doc: Y.Doc, fromRelay: (origin: unknown) => boolean): LaterWrites {
  const store = local._storeUpdate;
  doc.off('update', store);
  let waiting: Uint8Array[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    // One by one, not merged: merging a document's first sync (megabytes) with the rest costs more than it saves.
    const updates = waiting;
    waiting = [];
    for (const update of updates) store(update, null);
  };
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (!fromRelay(origin)) return store(update, origin);
    waiting.push(update);
    timer ??= setTimeout(flush, DELAY_MS);
  });
  doc.on('destroy', flush);
  return { flush };
}
